package io.vpclab.agent;

import io.vpclab.agent.OffloadChoice.Feature;
import io.vpclab.agent.stats.CounterSource;
import io.vpclab.agent.tunnel.OffloadTunnel;
import io.vpclab.agent.tunnel.PointToPointTunnel;
import io.vpclab.dataplane.tap.TapDevice;
import io.vpclab.dataplane.tap.TapOffloads;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import io.vpclab.dataplane.underlay.netty.UnderlayOptions;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --tap} mode: one tunnel between an existing TAP and one remote VTEP. With offloads
 * ({@code --offloads}, all by default) it is an {@link OffloadTunnel} on a TAP with a virtio-net
 * header and whatever of TSO, UDP GSO and UDP GRO the kernel has; with {@code --offloads none}
 * the plain {@link PointToPointTunnel}.
 */
final class PointToPointAgent implements RunningAgent {

    private static final Logger log = LoggerFactory.getLogger(PointToPointAgent.class);

    private final NettyUdpUnderlay underlay;
    private final TapDevice tap;
    private final CounterSource tunnel;
    private final Runnable releaseTunnel;

    private PointToPointAgent(NettyUdpUnderlay underlay, TapDevice tap, CounterSource tunnel, Runnable releaseTunnel) {
        this.underlay = underlay;
        this.tap = tap;
        this.tunnel = tunnel;
        this.releaseTunnel = releaseTunnel;
    }

    static PointToPointAgent start(String tapName, int vni, InetAddress local, InetAddress remote, int port,
                                   int underlayMtu, OffloadChoice offloads) {
        UnderlayOptions options = UnderlayOptions.forUnderlayMtu(underlayMtu)
                .withOffloads(offloads.has(Feature.UDP_GSO), offloads.has(Feature.UDP_GRO));
        NettyUdpUnderlay underlay = NettyUdpUnderlay.bind(new InetSocketAddress(local, port), options);
        TapDevice tap = null;
        try {
            if (!underlay.isEpoll()) {
                throw new IllegalStateException("TAP devices need Netty's epoll transport, which is not available here");
            }
            // longest inner frame that fits the underlay, plus room for an 802.1Q tag
            int maxFrame = underlayMtu - PointToPointTunnel.OVERHEAD + 14 + 4;
            InetSocketAddress remoteVtep = new InetSocketAddress(remote, port);
            PointToPointAgent agent;
            if (offloads.any()) {
                tap = TapDevice.openWithOffloads(tapName, maxFrame, offloads.tunFlags());
                OffloadTunnel tunnel = new OffloadTunnel(tap, underlay, vni, remoteVtep, underlayMtu,
                        PooledByteBufAllocator.DEFAULT, offloads.has(Feature.UDP_GRO));
                // released after the underlay's loop has stopped: its buffers were the loop's
                agent = new PointToPointAgent(underlay, tap, tunnel, tunnel::release);
                tunnel.start();
                log.info("{} (underlay {}, MTU {})", tunnel, underlay.localAddress(), underlayMtu);
            } else {
                tap = TapDevice.open(tapName, maxFrame);
                PointToPointTunnel tunnel = new PointToPointTunnel(tap, underlay, vni, remoteVtep, underlayMtu);
                tap.onBatchEnd(tunnel.batchEnd());
                tunnel.start();
                agent = new PointToPointAgent(underlay, tap, tunnel, () -> { });
                log.info("{} (underlay {}, MTU {}, no offloads)", tunnel, underlay.localAddress(), underlayMtu);
            }
            log.info("offloads: {}", agent.offloadLine());
            return agent;
        } catch (RuntimeException e) {
            if (tap != null) {
                tap.close();
            }
            underlay.close();
            throw e;
        }
    }

    /** What runs after probing, e.g. {@code vnet_hdr=on csum=on tso4=on ... udp_gso=on udp_gro=on}. */
    String offloadLine() {
        return tap.offloads().describe() + " udp_gso=" + (underlay.isGso() ? "on" : "off")
                + " udp_gro=" + (underlay.isGro() ? "on" : "off");
    }

    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>(tunnel.counterGroups());
        groups.put("tap/" + tap.name(), tap.counters().snapshot());
        Map<String, Long> underlayCounters = new LinkedHashMap<>();
        underlayCounters.put("sendDrops", underlay.sendDrops());
        underlayCounters.putAll(underlay.offloadCounters());
        groups.put("underlay", underlayCounters);
        TapOffloads probed = tap.offloads();
        Map<String, Long> features = new LinkedHashMap<>();
        features.put("vnetHeader", probed.vnetHeader() ? 1L : 0L);
        features.put("csum", probed.checksum() ? 1L : 0L);
        features.put("tso4", probed.tso4() ? 1L : 0L);
        features.put("udpGso", underlay.isGso() ? 1L : 0L);
        features.put("udpGro", underlay.isGro() ? 1L : 0L);
        groups.put("offloads", features);
        return groups;
    }

    @Override
    public void reload() {
        log.info("nothing to reload in point-to-point mode");
    }

    @Override
    public void close() {
        tap.close();
        underlay.close();
        releaseTunnel.run();
    }
}
