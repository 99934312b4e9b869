package io.vpclab.agent;

import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.netty.UnderlayOptions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which offloads the agent asks for ({@code --offloads}): each is still probed at start-up and
 * used only where the kernel has it. {@code csum} and {@code tso} apply to every TAP the agent
 * opens (the point-to-point TAP and the netns/tap ports of the table and control-plane modes);
 * {@code udp-gso} and {@code udp-gro} to the underlay socket of every mode. {@code none} keeps the plain path (one frame
 * per TAP read, one datagram per send), the reference the fast path is measured against.
 */
public record OffloadChoice(Set<Feature> features) {

    /** One switch of {@code --offloads}. */
    public enum Feature {
        /** TAP checksum offload (TUN_F_CSUM): the kernel leaves TCP/UDP checksums for the agent. */
        CSUM,
        /** TAP TCP segmentation offload (TUN_F_TSO4, implies CSUM): 64 KB bursts, segmented in userspace. */
        TSO,
        /**
         * TAP UDP segmentation offload (TUN_F_USO4 and USO6, which Linux 6.2+ takes only together;
         * implies CSUM): an instance's UDP_SEGMENT writes arrive as one burst of datagrams. The data
         * plane is IPv4: an IPv6 burst is refused and counted.
         */
        USO,
        /** UDP_SEGMENT sends: a run of equal-sized VXLAN datagrams in one syscall. */
        UDP_GSO,
        /** UDP_GRO receive, and TCP segments merged into bursts for the TAP (which needs a virtio-net header). */
        UDP_GRO;

        String optionName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final OffloadChoice ALL = new OffloadChoice(EnumSet.allOf(Feature.class));
    public static final OffloadChoice NONE = new OffloadChoice(EnumSet.noneOf(Feature.class));

    public OffloadChoice {
        features = Set.copyOf(features);
    }

    /**
     * Parses {@code all}, {@code none}, or a comma-separated list of {@code csum}, {@code tso},
     * {@code uso}, {@code udp-gso}, {@code udp-gro}; throws with the accepted words otherwise.
     */
    public static OffloadChoice parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("all") || value.equals("on")) {
            return ALL;
        }
        if (value.equals("none") || value.equals("off")) {
            return NONE;
        }
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        for (String word : value.split(",")) {
            String name = word.strip();
            Feature feature = Arrays.stream(Feature.values())
                    .filter(f -> f.optionName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--offloads: unknown '" + name
                            + "' (give all, none, or a list of csum,tso,uso,udp-gso,udp-gro)"));
            features.add(feature);
        }
        return new OffloadChoice(features);
    }

    public boolean any() {
        return !features.isEmpty();
    }

    public boolean has(Feature feature) {
        return features.contains(feature);
    }

    /** Underlay options for {@code underlayMtu} with UDP GSO and GRO as chosen (each still probed). */
    public UnderlayOptions underlayOptions(int underlayMtu) {
        return UnderlayOptions.forUnderlayMtu(underlayMtu).withOffloads(has(Feature.UDP_GSO), has(Feature.UDP_GRO));
    }

    /** The TUN_F_* flags to ask the TAP for; TSO and USO are refused by the kernel without CSUM, so they bring it. */
    public int tunFlags() {
        int flags = 0;
        if (has(Feature.CSUM) || has(Feature.TSO) || has(Feature.USO)) {
            flags |= TapOffloads.TUN_F_CSUM;
        }
        if (has(Feature.TSO)) {
            flags |= TapOffloads.TUN_F_TSO4;
        }
        if (has(Feature.USO)) {
            flags |= TapOffloads.TUN_F_USO4 | TapOffloads.TUN_F_USO6;
        }
        return flags;
    }

    @Override
    public String toString() {
        if (features.isEmpty()) {
            return "none";
        }
        return features.stream().sorted().map(Feature::optionName).collect(Collectors.joining(","));
    }
}
