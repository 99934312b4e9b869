package io.vpclab.controlplane.vpn;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface VpnGatewayRepository extends JpaRepository<VpnGateway, String> {

    @Query("select g from VpnGateway g where (:tenantId is null or g.tenantId = :tenantId)"
            + " and (:vpcId is null or g.vpcId = :vpcId) and g.id > :afterId order by g.id")
    List<VpnGateway> page(String tenantId, String vpcId, String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select g from VpnGateway g where g.id = :id")
    Optional<VpnGateway> lockById(String id);

    Optional<VpnGateway> findByVpcId(String vpcId);

    long countByHostId(String hostId);

    List<VpnGateway> findByHostIdIsNullOrderById();

    boolean existsByHostId(String hostId);

    boolean existsByVpcId(String vpcId);
}
