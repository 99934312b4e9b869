package io.vpclab.controlplane.routetable;

import io.vpclab.controlplane.subnet.RouteContributor.Target;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface StoredRouteRepository extends JpaRepository<StoredRoute, String> {

    List<StoredRoute> findByRouteTableIdOrderByDestination(String routeTableId);

    List<StoredRoute> findByTargetTypeAndTargetId(Target targetType, String targetId);

    long countByRouteTableId(String routeTableId);

    void deleteByRouteTableId(String routeTableId);
}
