package io.vpclab.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.vpclab.dataplane.linux.Netns;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.tap.TapDevice;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root only: busybox's DHCP client ({@code udhcpc}) in a namespace behind a TAP port gets the
 * port's address, mask, gateway, DNS, MTU and host name from the data plane, configures the
 * interface with them as a guest's script would, and then pings the gateway through the VTEP.
 */
class DhcpClientOnTapTest {

    private static final String PORT_ID = "i-dhcp";
    private static final MacAddress PORT_MAC = MacAddress.parse("02:00:0a:4d:00:05");
    private static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:4d:fe");

    private final String suffix =
            Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String namespace = "vld" + suffix;
    private final String tapName = "vld" + suffix;
    private Vtep vtep;
    private Path script;
    private Path lease;

    @BeforeEach
    void requireRootAndUdhcpc() throws IOException {
        assumeTrue(Epoll.isAvailable(), "TAP devices need Netty's epoll transport (Linux)");
        assumeTrue(Netns.isRoot(), "the DHCP client test needs root (namespaces, TAP devices)");
        assumeTrue(TapDevice.isSupported(), "the DHCP client test needs /dev/net/tun");
        assumeTrue(
                !Netns.run("sh", "-c", "command -v udhcpc || true").isBlank(), "needs udhcpc (apt-get install udhcpc)");
        Netns.run("ip", "netns", "add", namespace);
        lease = Files.createTempFile("vl-lease-", ".txt");
        script = Files.createTempFile("vl-udhcpc-", ".sh");
        // what a guest's udhcpc script does with a lease, and a record of what it was given
        Files.writeString(script, """
                #!/bin/sh
                case "$1" in
                  bound|renew)
                    echo "ip=$ip subnet=$subnet router=$router dns=$dns mtu=$mtu hostname=$hostname \\
                lease=$lease serverid=$serverid" > %s
                    ip link set dev "$interface" mtu "$mtu"
                    ip addr add "$ip/$subnet" dev "$interface"
                    ip route add default via "$router" dev "$interface"
                    ;;
                esac
                """.formatted(lease));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (vtep != null) {
            vtep.close();
        }
        Netns.runQuietly("ip", "netns", "del", namespace);
        if (script != null) {
            Files.deleteIfExists(script);
            Files.deleteIfExists(lease);
        }
    }

    @Test
    void udhcpcInANamespaceGetsThePortsConfigurationAndReachesTheGateway() throws IOException {
        // TAPs need the epoll loop of a real underlay socket (on loopback, unused here)
        vtep = new Vtep(NettyUdpUnderlay.bind(new InetSocketAddress("127.0.0.1", 0)));
        vtep.apply(ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.0.1"), 4789, 1500))
                .segment(new Segment(
                        Vni.of(77),
                        Ipv4Prefix.parse("10.77.0.0/24"),
                        Ipv4Address.parse("10.77.0.1"),
                        "r",
                        List.of(),
                        null))
                .router(new Router("r", ROUTER_MAC, List.of(new Route(Ipv4Prefix.parse("10.77.0.0/24"), Vni.of(77)))))
                .port(new LocalPort(
                        PORT_ID,
                        "web-1",
                        PortKind.TAP,
                        Vni.of(77),
                        PORT_MAC,
                        Ipv4Address.parse("10.77.0.5"),
                        24,
                        Ipv4Address.parse("10.77.0.1"),
                        1400,
                        tapName,
                        null))
                .build());
        vtep.attachPort(PORT_ID, TapDevice.open(tapName, 1518));
        // the guest side: only its MAC, no address, as a VM's NIC boots
        Netns.run("ip", "link", "set", tapName, "netns", namespace);
        Netns.run("ip", "-n", namespace, "link", "set", tapName, "address", PORT_MAC.toString(), "up");

        Netns.run(
                "ip",
                "netns",
                "exec",
                namespace,
                "udhcpc",
                "-i",
                tapName,
                "-f",
                "-q",
                "-n",
                "-t",
                "5",
                "-T",
                "2",
                "-O",
                "mtu",
                "-s",
                script.toString());

        assertThat(Files.readString(lease).strip())
                .isEqualTo("ip=10.77.0.5 subnet=255.255.255.0 router=10.77.0.1 dns=10.77.0.2 mtu=1400"
                        + " hostname=web-1 lease=3600 serverid=10.77.0.1");
        assertThat(Netns.run("ip", "-n", namespace, "-o", "addr", "show", "dev", tapName))
                .contains("10.77.0.5/24");
        assertThat(Netns.run("ip", "-n", namespace, "link", "show", "dev", tapName))
                .contains("mtu 1400");
        assertThat(Netns.run("ip", "-n", namespace, "route", "show", "default")).contains("via 10.77.0.1");
        assertThat(Netns.run("ip", "netns", "exec", namespace, "ping", "-c", "1", "-W", "2", "10.77.0.1"))
                .contains("1 received");
    }
}
