package io.vpclab.controlplane.networkacl;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface NetworkAclRepository extends JpaRepository<NetworkAcl, String> {

    List<NetworkAcl> findByVpcIdOrderById(String vpcId);

    Optional<NetworkAcl> findByVpcIdAndIsDefaultTrue(String vpcId);

    @Query("select a from NetworkAcl a where (:tenantId is null or a.tenantId = :tenantId)"
            + " and (:vpcId is null or a.vpcId = :vpcId) and a.id > :afterId order by a.id")
    List<NetworkAcl> page(String tenantId, String vpcId, String afterId, Limit limit);
}
