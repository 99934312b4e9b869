package io.vpclab.controlplane.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.Host;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's underlay: an address per agent on one port, and a free port when that one is taken. */
class DemoUnderlayTest {

    @Test
    void eachAgentGetsItsOwnLoopbackAddressOnTheSamePort() throws Exception {
        int port = FreeUdpPorts.consecutive(1);

        DemoUnderlay underlay = DemoUnderlay.choose(new DemoProperties(true, 3, port, "127.0.0.1", false), Map.of());

        assertThat(underlay.fallback()).isFalse();
        assertThat(underlay.endpoints())
                .containsExactly(
                        new InetSocketAddress("127.0.0.1", port),
                        new InetSocketAddress("127.0.0.2", port),
                        new InetSocketAddress("127.0.0.3", port));
        assertThat(underlay.describe()).contains("127.0.0.2:" + port).contains("tshark -d udp.port==" + port);
    }

    @Test
    void aPortTakenOnAnyAddressGivesWayToOneFreeOnAllWithAWarning() throws Exception {
        int port = FreeUdpPorts.consecutive(1);
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.2", port))) {
            DemoUnderlay underlay =
                    DemoUnderlay.choose(new DemoProperties(true, 3, port, "127.0.0.1", false), Map.of());

            assertThat(underlay.fallback()).isTrue();
            int chosen = underlay.endpoints().get(0).getPort();
            assertThat(chosen).isNotEqualTo(port);
            assertThat(underlay.endpoints())
                    .extracting(e -> e.getAddress().getHostAddress())
                    .containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3");
            assertThat(underlay.endpoints()).allMatch(e -> e.getPort() == chosen);
            assertThat(underlay.describe())
                    .contains("UDP " + port + " is taken")
                    .contains("tshark -d udp.port==" + chosen + ",vxlan");
        }
    }

    @Test
    void hostsAnEarlierRunRegisteredKeepTheirEndpoints() throws Exception {
        Map<String, Host> registered = Map.of(
                "demo-host-1", new Host().underlayIp("127.0.0.1").udpPort(14789),
                "demo-host-2", new Host().underlayIp("127.0.0.1").udpPort(14790));

        DemoUnderlay underlay = DemoUnderlay.choose(new DemoProperties(true, 2, 0, "127.0.0.1", false), registered);

        assertThat(underlay.endpoints())
                .containsExactly(new InetSocketAddress("127.0.0.1", 14789), new InetSocketAddress("127.0.0.1", 14790));
    }
}
