package io.vpclab.controlplane.natgateway;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface NatGatewayRepository extends JpaRepository<NatGateway, String> {

    @Query("select n from NatGateway n where (:tenantId is null or n.tenantId = :tenantId)"
            + " and (:vpcId is null or n.vpcId = :vpcId) and n.id > :afterId order by n.id")
    List<NatGateway> page(String tenantId, String vpcId, String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select n from NatGateway n where n.id = :id")
    Optional<NatGateway> lockById(String id);

    long countByHostId(String hostId);

    List<NatGateway> findByHostIdIsNullOrderById();

    boolean existsByHostId(String hostId);

    boolean existsBySubnetId(String subnetId);

    boolean existsByVpcId(String vpcId);

    boolean existsByWhitelistId(String whitelistId);
}
