package io.vpclab.dataplane;

import static io.vpclab.dataplane.TwoVteps.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DF pings of a chosen size across two VTEPs on a 1500-byte underlay: the inner MTU is 1450, so
 * 1422 bytes of echo data (+ 8 ICMP + 20 IPv4) is the largest that passes, and one byte more is
 * answered with ICMP fragmentation needed naming 1450.
 */
class PathMtuProbeTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final int INNER_MTU = 1500 - Vxlan.OVERHEAD;

    InMemoryUnderlay.Hub hub;
    TwoVteps net;

    @BeforeEach
    void start() {
        hub = new InMemoryUnderlay.Hub();
        net = new TwoVteps(
                name -> hub.join(new InetSocketAddress(name.equals("A") ? "10.255.0.1" : "10.255.0.2", Vxlan.PORT)),
                1500,
                List.of());
    }

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void theLargestDfPingIsTheInnerMtuMinus28AndOneMoreGetsFragmentationNeeded() throws Exception {
        int largest = INNER_MTU - 28;

        PingResult fits = ping("h4", largest);
        PingResult tooBig = ping("h4", largest + 1);

        assertThat(fits.probes())
                .singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(ProbeReply.Kind.ECHO_REPLY));
        assertThat(tooBig.probes()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProbeReply.Kind.FRAGMENTATION_NEEDED);
            assertThat(p.nextHopMtu()).isEqualTo(INNER_MTU);
            assertThat(p.from()).isEqualTo(ip("h4")); // bridged: answered in the destination's name, as Linux does
        });
        assertThat(net.a.counters().port("h1").dropped(DropReason.OVERSIZE)).isEqualTo(1);
    }

    @Test
    void aRoutedOversizePingIsAnsweredByTheGateway() throws Exception {
        PingResult tooBig = ping("h2", INNER_MTU - 28 + 1);

        assertThat(tooBig.probes()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProbeReply.Kind.FRAGMENTATION_NEEDED);
            assertThat(p.nextHopMtu()).isEqualTo(INNER_MTU);
            assertThat(p.from()).isEqualTo(TwoVteps.GATEWAY_1);
        });
    }

    @Test
    void withoutDfNothingAnswersTheOversizePingTheVtepNeverFragments() throws Exception {
        PingResult result = net.host("h1")
                .ping(ip("h4"), 1, TIMEOUT, INNER_MTU - 28 + 1, false)
                .get(10, TimeUnit.SECONDS);

        assertThat(result.received()).isZero();
        assertThat(net.a.counters().port("h1").dropped(DropReason.OVERSIZE)).isEqualTo(1);
    }

    private PingResult ping(String target, int dataBytes) throws Exception {
        return net.host("h1").ping(ip(target), 1, TIMEOUT, dataBytes, true).get(10, TimeUnit.SECONDS);
    }
}
