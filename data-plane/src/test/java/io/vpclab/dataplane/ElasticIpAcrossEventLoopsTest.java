package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every elastic IP test again, with the instance's VTEP A on two event loops: the instance (a
 * simulated host) sends on loop 0, and every datagram from B (the internet's replies) is steered
 * to loop 1, so the connection tracked on loop 0 must let its replies in on loop 1.
 */
class ElasticIpAcrossEventLoopsTest extends ElasticIpTest {

    @Override
    List<InMemoryUnderlay> underlaysOfA(InMemoryUnderlay.Hub hub, InetSocketAddress address) {
        return hub.joinGroup(address, 2, sender -> 1);
    }

    @Test
    void aConnectionTrackedOnLoopZeroLetsItsRepliesInOnLoopOne() throws Exception {
        start(IngressPolicy.DENY_ALL);

        PingResult ping = vm.ping(INTERNET_IP, 3, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isEqualTo(3);
        List<CountersSnapshot> perLoop = a.countersPerLoop();
        // out on loop 0 (the echo requests, and the ARP the internet host's stack needs), in on loop 1 only
        assertThat(perLoop.get(0).host().packetsOut()).isGreaterThanOrEqualTo(3);
        assertThat(perLoop.get(0).host().packetsIn()).isZero();
        assertThat(perLoop.get(1).host().packetsIn()).isGreaterThanOrEqualTo(3);
        assertThat(a.counters().port("vm").packetsOut()).isGreaterThanOrEqualTo(3); // replies (and an ARP answer)
    }
}
