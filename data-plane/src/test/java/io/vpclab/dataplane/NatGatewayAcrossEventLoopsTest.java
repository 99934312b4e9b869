package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every NAT gateway test again, with the gateway's VTEP N on two event loops and the underlay
 * pinned so that whatever comes from A (the private side: requests) lands on loop 0 and whatever
 * comes from I (the internet: replies) on loop 1. A session created on loop 0 must serve its
 * replies on loop 1.
 */
class NatGatewayAcrossEventLoopsTest extends NatGatewayTest {

    static final String ADDRESS_OF_A = "10.255.0.1";

    @Override
    List<InMemoryUnderlay> underlaysOfN(InMemoryUnderlay.Hub hub, InetSocketAddress address) {
        return hub.joinGroup(
                address, 2, sender -> sender.getAddress().getHostAddress().equals(ADDRESS_OF_A) ? 0 : 1);
    }

    @Test
    void aSessionCreatedOnLoopZeroServesItsRepliesOnLoopOne() throws Exception {
        start();
        internet.udpEcho(53);

        PingResult ping = vm1.ping(INTERNET_IP, 3, TIMEOUT).get(10, TimeUnit.SECONDS);
        ProbeReply dns = vm2.udpRequest(INTERNET_IP, 53, "query".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isEqualTo(3);
        assertThat(new String(dns.payload(), StandardCharsets.US_ASCII)).isEqualTo("query");
        List<CountersSnapshot> perLoop = n.countersPerLoop();
        // requests entered (and left) on loop 0, replies entered on loop 1
        assertThat(perLoop.get(0).host().packetsIn()).isEqualTo(4);
        assertThat(perLoop.get(1).host().packetsIn()).isEqualTo(4);
        assertThat(perLoop.get(0).port("nat").packetsOut()).isEqualTo(4);
        assertThat(figures().sessionsCreated()).isEqualTo(2);
        assertThat(figures().packetsIn()).isEqualTo(4);
        assertThat(n.counters().host().packetsIn()).isEqualTo(8);
    }
}
