package io.vpclab.controlplane.routetable;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface SubnetRouteTableRepository extends JpaRepository<SubnetRouteTable, String> {

    List<SubnetRouteTable> findByRouteTableIdOrderBySubnetId(String routeTableId);

    boolean existsByRouteTableId(String routeTableId);

    List<SubnetRouteTable> findByRouteTableIdIn(Collection<String> routeTableIds);
}
