package io.vpclab.controlplane.securitygroup;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface SecurityGroupRepository extends JpaRepository<SecurityGroup, String> {

    boolean existsByVpcIdAndName(String vpcId, String name);

    List<SecurityGroup> findByVpcId(String vpcId);

    Optional<SecurityGroup> findByVpcIdAndIsDefaultTrue(String vpcId);

    @Query("select g from SecurityGroup g where (:tenantId is null or g.tenantId = :tenantId)"
            + " and (:vpcId is null or g.vpcId = :vpcId) and g.id > :afterId order by g.id")
    List<SecurityGroup> page(String tenantId, String vpcId, String afterId, Limit limit);
}
