package io.vpclab.controlplane.flowlog;

import java.util.Collection;
import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface FlowLogRepository extends JpaRepository<FlowLog, String> {

    List<FlowLog> findByVpcIdOrderById(String vpcId);

    List<FlowLog> findByResourceIdOrderById(String resourceId);

    List<FlowLog> findByResourceIdInOrderById(Collection<String> resourceIds);

    @Query("select f from FlowLog f where (:tenantId is null or f.tenantId = :tenantId)"
            + " and (:resourceId is null or f.resourceId = :resourceId) and f.id > :afterId order by f.id")
    List<FlowLog> page(String tenantId, String resourceId, String afterId, Limit limit);
}
