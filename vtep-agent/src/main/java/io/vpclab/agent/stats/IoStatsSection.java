package io.vpclab.agent.stats;

import io.vpclab.client.model.HostStatsReport;
import io.vpclab.client.model.IoStats;
import io.vpclab.dataplane.tap.TapIoTotals;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's I/O edge summed over its event loops: how many epoll wake-ups, TAP and socket
 * system calls, wire frames and datagrams, GSO sends and copied bytes moved the traffic. The
 * counter group {@code io} (metrics) and the report's {@code io} carry the same figures.
 */
public final class IoStatsSection implements StatsSection {

    private final List<NettyUdpUnderlay> underlays;
    private final TapIoTotals taps;

    public IoStatsSection(List<NettyUdpUnderlay> underlays, TapIoTotals taps) {
        this.underlays = List.copyOf(underlays);
        this.taps = taps;
    }

    /** The counters by name, in report order (metrics {@code vpclab_io_*_total}). */
    public Map<String, Long> counters() {
        Map<String, Long> tap = taps.snapshot();
        long[] socket = new long[8];
        for (NettyUdpUnderlay underlay : underlays) {
            Map<String, Long> u = underlay.offloadCounters();
            socket[0] += u.get("receiveBatches");
            socket[1] += u.get("receiveCalls");
            socket[2] += u.get("datagramsReceived");
            socket[3] += u.get("sendCalls");
            socket[4] += u.get("datagramsSent");
            socket[5] += u.get("gsoSends");
            socket[6] += u.get("gsoSegments");
        }
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("wakeups", tap.get("wakeups") + socket[0]);
        values.put("tapReadCalls", tap.get("readCalls"));
        values.put("tapFramesRead", tap.get("wireFramesRead"));
        values.put("tapWriteCalls", tap.get("writeCalls"));
        values.put("tapFramesWritten", tap.get("wireFramesWritten"));
        values.put("underlayReceiveCalls", socket[1]);
        values.put("underlayDatagramsIn", socket[2]);
        values.put("underlaySendCalls", socket[3]);
        values.put("underlayDatagramsOut", socket[4]);
        values.put("gsoSends", socket[5]);
        values.put("gsoSegments", socket[6]);
        values.put("bytesCopied", tap.get("bytesCopied"));
        return values;
    }

    @Override
    public void contribute(HostStatsReport report) {
        Map<String, Long> c = counters();
        report.io(new IoStats()
                .wakeups(c.get("wakeups"))
                .tapReadCalls(c.get("tapReadCalls"))
                .tapFramesRead(c.get("tapFramesRead"))
                .tapWriteCalls(c.get("tapWriteCalls"))
                .tapFramesWritten(c.get("tapFramesWritten"))
                .underlayReceiveCalls(c.get("underlayReceiveCalls"))
                .underlayDatagramsIn(c.get("underlayDatagramsIn"))
                .underlaySendCalls(c.get("underlaySendCalls"))
                .underlayDatagramsOut(c.get("underlayDatagramsOut"))
                .gsoSends(c.get("gsoSends"))
                .gsoSegments(c.get("gsoSegments"))
                .bytesCopied(c.get("bytesCopied"))
                .udpGso(underlays.stream().anyMatch(NettyUdpUnderlay::isGso))
                .udpGro(underlays.stream().anyMatch(NettyUdpUnderlay::isGro)));
    }
}
