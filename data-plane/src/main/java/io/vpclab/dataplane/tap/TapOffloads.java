package io.vpclab.dataplane.tap;

import java.util.function.IntPredicate;

/**
 * The offloads a TAP device runs with: whether frames carry a virtio-net header
 * ({@code IFF_VNET_HDR}, 12 bytes) and which {@code TUN_F_*} flags {@code TUNSETOFFLOAD}
 * accepted ({@code include/uapi/linux/if_tun.h}). With TSO the kernel hands the reader TCP
 * bursts of up to 64 KB; with CSUM it leaves checksums partial for the reader to complete.
 *
 * @param vnetHeader true when every read and write starts with a 12-byte virtio-net header
 * @param tunFlags   the {@code TUN_F_*} flags in force (0 without a virtio-net header)
 * @param kernelFlags the {@code TUN_F_*} flags the kernel accepted when all were tried (what it
 *                    could do; the data plane asks only for what it can handle)
 */
public record TapOffloads(boolean vnetHeader, int tunFlags, int kernelFlags) {

    /** Every flag probed: CSUM, TSO4, TSO6, TSO_ECN, USO4 and USO6. */
    public static final int ALL = 0x01 | 0x02 | 0x04 | 0x08 | 0x20 | 0x40;

    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_TSO_ECN = 0x08;
    public static final int TUN_F_USO4 = 0x20;
    public static final int TUN_F_USO6 = 0x40;

    /** struct virtio_net_hdr_v1 (virtio 1.x s5.1.6): the size set with TUNSETVNETHDRSZ. */
    public static final int VNET_HEADER_BYTES = 12;

    /** A plain TAP: frames only. */
    public static final TapOffloads NONE = new TapOffloads(false, 0, 0);

    public TapOffloads {
        if (!vnetHeader && tunFlags != 0) {
            throw new IllegalArgumentException("TUN_F_* offloads need the virtio-net header");
        }
    }

    public boolean checksum() {
        return (tunFlags & TUN_F_CSUM) != 0;
    }

    public boolean tso4() {
        return (tunFlags & TUN_F_TSO4) != 0;
    }

    public boolean tso6() {
        return (tunFlags & TUN_F_TSO6) != 0;
    }

    public boolean tsoEcn() {
        return (tunFlags & TUN_F_TSO_ECN) != 0;
    }

    public boolean uso() {
        return (tunFlags & (TUN_F_USO4 | TUN_F_USO6)) != 0;
    }

    /** Bytes before each frame on the fd: 12 with the virtio-net header, else 0. */
    public int headerBytes() {
        return vnetHeader ? VNET_HEADER_BYTES : 0;
    }

    /** For logs and the agent's start-up line, e.g. {@code vnet_hdr=on csum=on tso4=on tso6=off uso=off}. */
    public String describe() {
        return "vnet_hdr=" + onOff(vnetHeader) + " csum=" + onOff(checksum()) + " tso4=" + onOff(tso4())
                + " tso6=" + onOff(tso6()) + " tso_ecn=" + onOff(tsoEcn()) + " uso=" + onOff(uso())
                + " (kernel offers:" + names(kernelFlags) + ")";
    }

    /** The flags' names, e.g. {@code " csum tso4 uso4"}, or {@code " none"}. */
    static String names(int flags) {
        String[] names = {"csum", "tso4", "tso6", "tso_ecn", "ufo", "uso4", "uso6"};
        StringBuilder text = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                text.append(' ').append(names[bit]);
            }
        }
        return text.length() == 0 ? " none" : text.toString();
    }

    /**
     * The largest subset of {@code wanted} that {@code accepts} (one TUNSETOFFLOAD attempt each)
     * takes, dropping the newest features first: USO (Linux 6.2), then ECN, TSO6, TSO4, and CSUM
     * last, since TSO is refused without CSUM. Returns 0 when nothing is accepted.
     */
    static int negotiate(int wanted, IntPredicate accepts) {
        int[] dropOrder = {TUN_F_USO4 | TUN_F_USO6, TUN_F_TSO_ECN, TUN_F_TSO6, TUN_F_TSO4, TUN_F_CSUM};
        int flags = wanted;
        if ((flags & TUN_F_CSUM) == 0) {
            // the kernel refuses TSO and USO without checksum offload
            flags = 0;
        }
        for (int i = 0; ; i++) {
            if (flags == 0 || accepts.test(flags)) {
                return flags;
            }
            if (i == dropOrder.length) {
                return 0;
            }
            flags &= ~dropOrder[i];
        }
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
