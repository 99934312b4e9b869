package io.vpclab.controlplane.routetable;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface RouteTableRepository extends JpaRepository<RouteTable, String> {

    List<RouteTable> findByVpcIdOrderById(String vpcId);

    Optional<RouteTable> findByVpcIdAndMainTrue(String vpcId);

    Optional<RouteTable> findFirstByNatGatewayId(String natGatewayId);

    @Query("select t from RouteTable t where (:tenantId is null or t.tenantId = :tenantId)"
            + " and (:vpcId is null or t.vpcId = :vpcId) and t.id > :afterId order by t.id")
    List<RouteTable> page(String tenantId, String vpcId, String afterId, Limit limit);
}
