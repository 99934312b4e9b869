package io.vpclab.dataplane.stats;

import java.util.List;

/**
 * What a drain of the VTEP's flow counters found: the counted flows of the ports asked for, and
 * how many flows lost their counts since the previous drain because their slot of a full bounded
 * table was reused (flow logs report them as SKIPDATA).
 */
public record FlowCounts(List<FlowCount> flows, long lostFlows) {

    public FlowCounts {
        flows = List.copyOf(flows);
    }
}
