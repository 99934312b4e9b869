package io.vpclab.dataplane.stats;

import java.util.List;
import java.util.Map;

/**
 * What a drain of the VTEP's flow counters found: the counted flows of the ports asked for, how
 * many flows lost their counts since the previous drain because their slot of a full bounded table
 * was reused, and of those, how many each port asked for lost (by {@link FlowCount#localKey}):
 * flow logs report a port's lost flows as a SKIPDATA record.
 */
public record FlowCounts(List<FlowCount> flows, long lostFlows, Map<Long, Long> lostFlowsByPort) {

    public FlowCounts {
        flows = List.copyOf(flows);
        lostFlowsByPort = Map.copyOf(lostFlowsByPort);
    }

    public FlowCounts(List<FlowCount> flows, long lostFlows) {
        this(flows, lostFlows, Map.of());
    }
}
