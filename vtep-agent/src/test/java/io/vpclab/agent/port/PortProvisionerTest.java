package io.vpclab.agent.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.tap.TapDevice;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Root only: real namespaces and TAPs, created and removed through iproute2. */
class PortProvisionerTest {

    private final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
    private final PortProvisioner provisioner = new PortProvisioner(
            port -> {
                throw new PortSetupException("no simulated hosts here");
            },
            1518);

    @BeforeEach
    void requireRoot() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "needs Linux");
        assumeTrue(TapDevice.isSupported(), "needs root and /dev/net/tun");
    }

    private LocalPort port(PortKind kind, String gateway, String namespace) {
        return port(kind, gateway, namespace, "vlpp" + id);
    }

    private LocalPort port(PortKind kind, String gateway, String namespace, String device) {
        return new LocalPort(
                "p" + id,
                null,
                kind,
                Vni.of(100),
                MacAddress.parse("02:00:0a:00:01:05"),
                Ipv4Address.parse("10.1.0.5"),
                24,
                gateway == null ? null : Ipv4Address.parse(gateway),
                1400,
                device,
                namespace);
    }

    @Test
    void netnsPortIsAddressedRoutedAndRemovedOnClose() {
        String namespace = "vlpn" + id;
        try (ProvisionedPort port = provisioner.provision(port(PortKind.NETNS, "10.1.0.1", namespace))) {
            String link = IpCommand.ip("-n", namespace, "-o", "link", "show", "vlpp" + id);
            assertThat(link).contains("mtu 1400").contains("02:00:0a:00:01:05").contains("UP");
            assertThat(IpCommand.ip("-n", namespace, "-o", "addr", "show", "vlpp" + id))
                    .contains("10.1.0.5/24");
            assertThat(IpCommand.ip("-n", namespace, "route", "show", "default"))
                    .contains("via 10.1.0.1");
            assertThat(IpCommand.ip("-n", namespace, "-o", "link", "show", "lo"))
                    .contains("UP");
            assertThat(port.device().name()).isEqualTo("vlpp" + id);
        }
        assertThat(IpCommand.ip("netns", "list")).doesNotContain(namespace);
    }

    @Test
    void aFailingStepReportsTheCommandsStderrAndUndoesTheNamespace() {
        String namespace = "vlpn" + id;
        // a gateway outside the port's subnet: the kernel refuses the default route
        assertThatThrownBy(() -> provisioner.provision(port(PortKind.NETNS, "10.9.9.9", namespace)))
                .isInstanceOf(PortSetupException.class)
                .hasMessageContaining("port p" + id)
                .hasMessageContaining("route add default via 10.9.9.9")
                .hasMessageContaining("exit");
        assertThat(IpCommand.ip("netns", "list")).doesNotContain(namespace);
        assertThat(IpCommand.ip("-o", "link")).doesNotContain("vlpp" + id);
    }

    @Test
    void refusesANamespaceItDidNotCreateAndLeavesItAlone() {
        String namespace = "vlpn" + id;
        IpCommand.ip("netns", "add", namespace);
        provisioner.namespaceHandover(Duration.ofMillis(300));
        try {
            assertThatThrownBy(() -> provisioner.provision(port(PortKind.NETNS, null, namespace)))
                    .isInstanceOf(PortSetupException.class)
                    .hasMessageContaining("already exists");
            assertThat(IpCommand.ip("netns", "list")).contains(namespace);
        } finally {
            IpCommand.ipQuietly("netns", "del", namespace);
        }
    }

    /**
     * Live migration between two agents of one machine: the new host's port waits for the old
     * host to remove the namespace of the same name, then creates its own.
     */
    @Test
    void aMovedPortTakesOverItsNamespaceOnceTheOldHostRemovedIt() throws Exception {
        String namespace = "s7npn" + id;
        PortProvisioner newHost = new PortProvisioner(
                port -> {
                    throw new PortSetupException("no simulated hosts here");
                },
                1518);
        LocalPort moved = port(PortKind.NETNS, "10.1.0.1", namespace, "s7npp" + id);
        ProvisionedPort old = provisioner.provision(moved);
        CompletableFuture<ProvisionedPort> taken = CompletableFuture.supplyAsync(() -> newHost.provision(moved));
        try {
            // the old namespace is still there: the new host waits instead of refusing
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !taken.isDone());
            old.close();
            try (ProvisionedPort port = taken.get(20, TimeUnit.SECONDS)) {
                assertThat(IpCommand.ip("-n", namespace, "-o", "addr", "show", "s7npp" + id))
                        .contains("10.1.0.5/24");
                assertThat(port.device().name()).isEqualTo("s7npp" + id);
            }
            assertThat(IpCommand.ip("netns", "list")).doesNotContain(namespace);
        } finally {
            old.close();
            IpCommand.ipQuietly("netns", "del", namespace);
        }
    }

    /** The old host removes its port after the new host created the namespace again: the new one stays. */
    @Test
    void removingAPortLeavesANamespaceOfTheSameNameItDidNotCreate() {
        String namespace = "s7npn" + id;
        ProvisionedPort old = provisioner.provision(port(PortKind.NETNS, "10.1.0.1", namespace, "s7npp" + id));
        try {
            IpCommand.ip("netns", "del", namespace);
            IpCommand.ip("netns", "add", namespace);
            old.close();
            assertThat(IpCommand.ip("netns", "list")).contains(namespace);
        } finally {
            old.close();
            IpCommand.ipQuietly("netns", "del", namespace);
        }
    }

    @Test
    void tapPortIsUpWithItsMtuAndGoneAfterClose() {
        try (ProvisionedPort port = provisioner.provision(port(PortKind.TAP, null, null))) {
            assertThat(IpCommand.ip("-o", "link", "show", "vlpp" + id))
                    .contains("mtu 1400")
                    .contains("UP");
        }
        assertThat(IpCommand.ip("-o", "link")).doesNotContain("vlpp" + id);
    }

    @Test
    void processesLeftInTheNamespaceAreEndedWhenThePortIsRemoved() throws Exception {
        String namespace = "vlpn" + id;
        Process stubborn;
        Process plain;
        try (ProvisionedPort port = provisioner.provision(port(PortKind.NETNS, "10.1.0.1", namespace))) {
            plain = new ProcessBuilder("ip", "netns", "exec", namespace, "sleep", "300").start();
            // one that ignores SIGTERM gets SIGKILL after the grace period
            stubborn =
                    new ProcessBuilder("ip", "netns", "exec", namespace, "sh", "-c", "trap '' TERM; sleep 300").start();
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            IpCommand.ip("netns", "pids", namespace).lines().count() >= 2);
        }
        assertThat(plain.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stubborn.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(IpCommand.ip("netns", "list")).doesNotContain(namespace);
    }
}
