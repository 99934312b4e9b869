package io.vpclab.controlplane.subnet;

import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.VpcLabProperties;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Hands out segment IDs for new subnets: VNIs 1..16,777,215 in vxlan mode, VLAN IDs 1..4094 in
 * vlan mode (0 and 4095 are reserved by 802.1Q). Cost per allocation: one locked row read, one or
 * a few unique-index probes, one row update. Memory: nothing per ID. Held IDs are the subnets'
 * (segmentation, segment_id) unique key, so an ID is never handed out twice while held.
 *
 * <p>The public (provider) network's VNI ({@code vpclab.public.vni}, default 16,777,215) is never
 * handed out: segment IDs are the VNIs on the wire in both modes, and a subnet on the provider's
 * VNI would share a segment with the internet hosts.
 */
@Component
class SegmentIdAllocator {

    record Segment(String mode, int id) {}

    private final SegmentAllocatorStateRepository states;
    private final SubnetRepository subnets;
    private final String mode;
    private final int publicVni;

    SegmentIdAllocator(
            SegmentAllocatorStateRepository states,
            SubnetRepository subnets,
            VpcLabProperties properties,
            PublicNetworkProperties publicNetwork) {
        this.states = states;
        this.subnets = subnets;
        this.mode = properties.segmentation().name().toLowerCase();
        this.publicVni = publicNetwork.vni();
    }

    String mode() {
        return mode;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    Segment allocate() {
        SegmentAllocatorState state =
                states.lock(mode).orElseThrow(() -> new IllegalStateException("no segment_allocator row for " + mode));
        int reserved = publicVni >= 1 && publicVni <= state.maxId() ? publicVni : 0;
        int capacity = reserved == 0 ? state.maxId() : state.maxId() - 1;
        if (state.heldCount() >= capacity) {
            throw ApiException.conflict(
                    "SegmentIdsExhausted",
                    "all " + capacity + " segment IDs of " + mode
                            + " mode are in use (limit " + capacity + ", mode " + mode
                            + (reserved == 0 ? "" : ", " + reserved + " is the public network's") + ")"
                            + ("vlan".equals(mode) ? ": 802.1Q has 12 bits; VXLAN's 24-bit VNI gives 16,777,215" : ""));
        }
        int id = SegmentSearch.nextFree(
                state.nextCandidate(),
                state.maxId(),
                candidate -> candidate == reserved || subnets.existsBySegmentationAndSegmentId(mode, candidate));
        state.allocated(id);
        return new Segment(mode, id);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void release(String segmentation) {
        states.lock(segmentation).ifPresent(SegmentAllocatorState::released);
    }
}
