package io.vpclab.controlplane.peering;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface PeeringRepository extends JpaRepository<Peering, String> {

    @Query(
            "select p from Peering p where (:tenantId is null or p.requesterTenantId = :tenantId or p.accepterTenantId = :tenantId)"
                    + " and (:vpcId is null or p.requesterVpcId = :vpcId or p.accepterVpcId = :vpcId) and p.id > :afterId order by p.id")
    List<Peering> page(String tenantId, String vpcId, String afterId, Limit limit);

    @Query("select p from Peering p where (p.requesterVpcId = :vpcId or p.accepterVpcId = :vpcId) order by p.id")
    List<Peering> ofVpc(String vpcId);

    @Query(
            "select p from Peering p where (p.requesterVpcId = :vpcId or p.accepterVpcId = :vpcId) and p.status = :status order by p.id")
    List<Peering> ofVpcWithStatus(String vpcId, String status);

    List<Peering> findByStatusOrderById(String status);

    Optional<Peering> findByPairKey(String pairKey);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from Peering p where p.id = :id")
    Optional<Peering> lockById(String id);
}
