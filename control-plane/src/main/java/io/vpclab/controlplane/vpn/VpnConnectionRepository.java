package io.vpclab.controlplane.vpn;

import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface VpnConnectionRepository extends JpaRepository<VpnConnection, String> {

    @Query("select c from VpnConnection c where (:tenantId is null or c.tenantId = :tenantId)"
            + " and (:vpcId is null or c.vpcId = :vpcId) and c.id > :afterId order by c.id")
    List<VpnConnection> page(String tenantId, String vpcId, String afterId, Limit limit);

    List<VpnConnection> findByVpcIdOrderById(String vpcId);

    List<VpnConnection> findByVpnGatewayIdOrderById(String vpnGatewayId);

    boolean existsByVpnGatewayId(String vpnGatewayId);

    boolean existsByCustomerGatewayId(String customerGatewayId);
}
