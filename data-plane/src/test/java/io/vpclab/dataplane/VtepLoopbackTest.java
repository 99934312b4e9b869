package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.TracerouteProbe;
import io.vpclab.dataplane.host.TracerouteResult;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same two-VTEP network over real UDP sockets on loopback (127.0.0.1 and 127.0.0.2), through the Netty underlay. */
class VtepLoopbackTest {

    @Test
    void pingAndTracerouteOverRealUdp() throws Exception {
        try (TwoVteps net = new TwoVteps(
                name -> NettyUdpUnderlay.bind(new InetSocketAddress(name.equals("A") ? "127.0.0.1" : "127.0.0.2", 0)),
                1500,
                List.of())) {
            PingResult ping = net.host("h1")
                    .ping(TwoVteps.ip("h4"), 3, Duration.ofSeconds(2))
                    .get(15, TimeUnit.SECONDS);
            TracerouteResult trace = net.host("h1")
                    .traceroute(TwoVteps.ip("h2"), 5, TracerouteProbe.UDP, Duration.ofSeconds(2))
                    .get(15, TimeUnit.SECONDS);

            assertThat(ping.received()).isEqualTo(3);
            assertThat(trace.intermediateHops()).containsExactly(TwoVteps.GATEWAY_1);
            assertThat(trace.reached()).isTrue();
            assertThat(net.b.counters().host().packetsIn())
                    .isEqualTo(3 + 1); // three echo requests, one traceroute probe
            assertThat(net.a.counters().host().totalDrops()).isEqualTo(1); // the traceroute's TTL-1 probe
        }
    }
}
