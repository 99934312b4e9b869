package io.vpclab.agent;

import io.vpclab.agent.tunnel.PointToPointTunnel;
import io.vpclab.dataplane.tap.TapDevice;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import io.vpclab.dataplane.underlay.netty.UnderlayOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code --tap} mode: one {@link PointToPointTunnel} between an existing TAP and one remote VTEP. */
final class PointToPointAgent implements RunningAgent {

    private static final Logger log = LoggerFactory.getLogger(PointToPointAgent.class);

    private final NettyUdpUnderlay underlay;
    private final TapDevice tap;
    private final PointToPointTunnel tunnel;

    private PointToPointAgent(NettyUdpUnderlay underlay, TapDevice tap, PointToPointTunnel tunnel) {
        this.underlay = underlay;
        this.tap = tap;
        this.tunnel = tunnel;
    }

    static PointToPointAgent start(String tapName, int vni, InetAddress local, InetAddress remote, int port,
                                   int underlayMtu) {
        NettyUdpUnderlay underlay = NettyUdpUnderlay.bind(new InetSocketAddress(local, port),
                UnderlayOptions.forUnderlayMtu(underlayMtu));
        TapDevice tap = null;
        try {
            if (!underlay.isEpoll()) {
                throw new IllegalStateException("TAP devices need Netty's epoll transport, which is not available here");
            }
            // longest inner frame that fits the underlay, plus room for an 802.1Q tag
            tap = TapDevice.open(tapName, underlayMtu - PointToPointTunnel.OVERHEAD + 14 + 4);
            PointToPointTunnel tunnel = new PointToPointTunnel(tap, underlay, vni,
                    new InetSocketAddress(remote, port), underlayMtu);
            tap.onBatchEnd(tunnel.batchEnd());
            tunnel.start();
            log.info("{} (underlay {}, MTU {})", tunnel, underlay.localAddress(), underlayMtu);
            return new PointToPointAgent(underlay, tap, tunnel);
        } catch (RuntimeException e) {
            if (tap != null) {
                tap.close();
            }
            underlay.close();
            throw e;
        }
    }

    @Override
    public Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>(tunnel.counterGroups());
        groups.put("tap/" + tap.name(), tap.counters().snapshot());
        groups.put("underlay", Map.of("sendDrops", underlay.sendDrops()));
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
    }
}
