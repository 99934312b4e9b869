package io.vpclab.controlplane.natgateway;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface NatGatewaySubnetRepository extends JpaRepository<NatGatewaySubnet, String> {

    List<NatGatewaySubnet> findByNatGatewayIdOrderBySubnetId(String natGatewayId);

    void deleteByNatGatewayId(String natGatewayId);
}
