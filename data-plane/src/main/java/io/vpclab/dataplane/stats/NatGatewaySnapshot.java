package io.vpclab.dataplane.stats;

import java.util.List;
import java.util.Map;

/**
 * The figures of one NAT gateway, cumulative since its host's data plane started serving it.
 * Out is private to public (translated), in is public to private.
 *
 * @param activeSessions       sessions not yet idled out
 * @param sessionsCreated      every session ever created
 * @param portAllocationErrors new flows dropped because no public port was free (AWS ErrorPortAllocation)
 * @param drops                drops by reason, only reasons that happened
 * @param sessions             at most the requested number of sessions, newest first
 */
public record NatGatewaySnapshot(
        String natGatewayId,
        long activeSessions,
        long sessionsCreated,
        long packetsOut,
        long bytesOut,
        long packetsIn,
        long bytesIn,
        long portAllocationErrors,
        Map<DropReason, Long> drops,
        List<NatSessionSnapshot> sessions) {

    public NatGatewaySnapshot {
        drops = Map.copyOf(drops);
        sessions = List.copyOf(sessions);
    }

    public long dropped(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }
}
