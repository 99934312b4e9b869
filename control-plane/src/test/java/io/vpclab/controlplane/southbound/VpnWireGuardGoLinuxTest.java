package io.vpclab.controlplane.southbound;

import static io.vpclab.agent.linux.Lab.exec;
import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.linux.Lab;
import io.vpclab.client.ApiClient;
import io.vpclab.client.api.CustomerGatewaysApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.model.CustomerGatewayCreate;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.client.model.VpnConnection;
import io.vpclab.client.model.VpnConnectionCreate;
import io.vpclab.client.model.VpnGatewayCreate;
import io.vpclab.client.model.VpnTunnelState;
import io.vpclab.controlplane.TestServers;
import io.vpclab.net.WireGuardKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The VPN against a standard WireGuard peer: the on-premises site is a network namespace running
 * Debian's {@code wireguard-go} on a TUN, configured with {@code wg setconf} from the wg-quick file
 * the API returns (its private key filled in; wg-quick itself is not needed), with 192.168.50.10 on
 * the TUN and a route to the VPC through it. It reaches the VPN gateway's host over a veth. A netns
 * instance on the other agent pings the site, fetches a page from it with curl and runs iperf3
 * against it; the site pings the instance. Skipped (with the reason) without root, wireguard-go,
 * wg, curl, python3 or iperf3; CI runs it as root.
 */
class VpnWireGuardGoLinuxTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(60);
    private static final String ON_PREMISES_IP = "192.168.50.10";
    private static final String INSTANCE_IP = "10.7.2.10";

    private final List<FollowAgent> agents = new ArrayList<>();
    private ControlPlaneLab controlPlane;
    private Lab lab;
    private Path stateDir;
    private Path configFile;

    @AfterEach
    void teardown() throws Exception {
        if (lab != null) {
            lab.close(); // wireguard-go and the servers first, then the on-premises namespace (and its veth)
        }
        agents.forEach(FollowAgent::close); // removes the instance namespace
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (configFile != null) {
            Files.deleteIfExists(configFile);
        }
    }

    @Test
    void aNetnsInstanceAndAWireGuardGoSiteTalkThroughTheApiMadeVpn() throws Exception {
        Lab.assumeLinuxRootWith("ip", "nsenter", "wireguard-go", "wg", "curl", "python3", "iperf3");
        lab = new Lab();
        stateDir = Files.createTempDirectory("vl-vpn-netns");
        String site = lab.namespace("op");
        // the site's uplink: a veth from the root namespace, where the agents live
        int net = Integer.parseInt(lab.id, 16) % 250 + 1;
        String hostSide = "172.31." + net + ".1";
        String siteSide = "172.31." + net + ".2";
        String veth = "vlvp" + lab.id;
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", "vlvq" + lab.id, "netns", site);
        run("ip", "addr", "add", hostSide + "/24", "dev", veth);
        run("ip", "link", "set", veth, "up");
        run("ip", "-n", site, "addr", "add", siteSide + "/24", "dev", "vlvq" + lab.id);
        run("ip", "-n", site, "link", "set", "vlvq" + lab.id, "up");

        controlPlane = new ControlPlaneLab();
        controlPlane.startServer();
        int udpBase = FreeUdpPorts.consecutive(2);
        FollowAgent gatewayHost = agent("vlvpn" + lab.id + "-a", hostSide, udpBase);
        FollowAgent instanceHost = agent("vlvpn" + lab.id + "-b", hostSide, udpBase + 1);

        String tenantId = new TenantsApi(controlPlane.admin())
                .createTenant(new TenantCreate().name("vpn" + lab.id))
                .getTenantId();
        ApiClient tenant = TestServers.client(
                controlPlane.uri().toString(),
                new TenantsApi(controlPlane.admin())
                        .createTenantToken(tenantId, new TokenCreate().description("vpn"))
                        .getToken());
        String vpcId = new VpcsApi(controlPlane.admin())
                .createVpc(new VpcCreate().cidrBlock("10.7.0.0/16").tenantId(tenantId))
                .getVpcId();
        SubnetsApi subnets = new SubnetsApi(controlPlane.admin());
        subnets.createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.7.1.0/24"));
        String instanceSubnet = subnets.createSubnet(
                        new SubnetCreate().vpcId(vpcId).cidrBlock("10.7.2.0/24"))
                .getSubnetId();
        Instance vm = new InstancesApi(controlPlane.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(instanceSubnet)
                        .hostId(instanceHost.hostId())
                        .kind(InstanceKind.NETNS)
                        .privateIpAddress(INSTANCE_IP));

        byte[] siteKey = WireGuardKeys.generatePrivateKey();
        String gatewayId = new VpnGatewaysApi(tenant)
                .createVpnGateway(new VpnGatewayCreate()
                        .vpcId(vpcId)
                        .hostId(gatewayHost.hostId())
                        .listenPort(FreeUdpPorts.consecutive(1)))
                .getVpnGatewayId();
        String customerGatewayId = new CustomerGatewaysApi(tenant)
                .createCustomerGateway(new CustomerGatewayCreate()
                        .ipAddress(siteSide)
                        .publicKey(WireGuardKeys.toBase64(WireGuardKeys.publicKey(siteKey))))
                .getCustomerGatewayId();
        VpnConnectionsApi connections = new VpnConnectionsApi(tenant);
        VpnConnection connection = connections.createVpnConnection(new VpnConnectionCreate()
                .vpnGatewayId(gatewayId)
                .customerGatewayId(customerGatewayId)
                .onPremisesCidrBlocks(List.of("192.168.50.0/24"))
                .generatePresharedKey(true));
        String downloaded = connections.getVpnConnectionConfiguration(connection.getVpnConnectionId());

        // wg setconf takes the file as wg-quick would, once the private key the file leaves out is in
        configFile = Files.createTempFile("vl-vpn", ".conf");
        Files.writeString(
                configFile,
                downloaded
                        .lines()
                        .map(line -> line.startsWith("# PrivateKey =")
                                ? "PrivateKey = " + WireGuardKeys.toBase64(siteKey)
                                : line)
                        // wg-quick strip: Address is wg-quick's, set by hand below
                        .filter(line -> !line.startsWith("#") && !line.startsWith("Address"))
                        .collect(Collectors.joining("\n", "", "\n")));
        String tun = "wgv" + lab.id;
        lab.start(
                "wireguard-go",
                List.of(
                        "env",
                        "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1",
                        "ip",
                        "netns",
                        "exec",
                        site,
                        "wireguard-go",
                        "-f",
                        tun));
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> run("ip", "-n", site, "link", "show", tun).contains(tun));
        run("ip", "netns", "exec", site, "wg", "setconf", tun, configFile.toString());
        run("ip", "-n", site, "addr", "add", ON_PREMISES_IP + "/32", "dev", tun);
        run("ip", "-n", site, "link", "set", tun, "up");
        run("ip", "-n", site, "route", "add", "10.7.0.0/16", "dev", tun);

        await().atMost(CONVERGENCE)
                .until(() -> controlPlane.converged(gatewayHost) && controlPlane.converged(instanceHost));
        String vmNamespace = "vl-" + vm.getInstanceId();
        await().atMost(CONVERGENCE).until(() -> Files.exists(Path.of("/run/netns", vmNamespace)));

        await().atMost(CONVERGENCE)
                .until(() -> exec("ip", "netns", "exec", vmNamespace, "ping", "-c", "1", "-W", "1", ON_PREMISES_IP)
                                .exit()
                        == 0);
        assertThat(exec("ip", "netns", "exec", site, "ping", "-c", "3", "-i", "0.2", "-W", "1", INSTANCE_IP)
                        .output())
                .as("the site pings the instance")
                .contains("3 received");
        String handshakes = run("ip", "netns", "exec", site, "wg", "show", tun, "latest-handshakes");
        assertThat(Long.parseLong(handshakes.strip().split("\\s+")[1]))
                .as("wg show reports the handshake: " + handshakes)
                .isPositive();

        lab.start(
                "web",
                List.of("ip", "netns", "exec", site, "python3", "-m", "http.server", "8080", "--bind", ON_PREMISES_IP));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> exec(
                                "ip",
                                "netns",
                                "exec",
                                vmNamespace,
                                "curl",
                                "-s",
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{http_code}",
                                "-m",
                                "3",
                                "http://" + ON_PREMISES_IP + ":8080/")
                        .output()
                        .strip()
                        .equals("200"));

        lab.start(
                "iperf3",
                List.of("ip", "netns", "exec", site, "iperf3", "-s", "-1", "-B", ON_PREMISES_IP, "-p", "5299"));
        Lab.Result iperf = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> exec(
                                "ip",
                                "netns",
                                "exec",
                                vmNamespace,
                                "iperf3",
                                "-c",
                                ON_PREMISES_IP,
                                "-p",
                                "5299",
                                "-n",
                                "4M"),
                        result -> result.exit() == 0);
        System.out.println("iperf3 TCP, netns instance -> wireguard-go site through the VPN:\n" + iperf.output());
        assertThat(iperf.output()).contains("receiver");

        await().atMost(CONVERGENCE).untilAsserted(() -> {
            var tunnel = connections
                    .getVpnConnection(connection.getVpnConnectionId())
                    .getTunnel();
            assertThat(tunnel).isNotNull();
            assertThat(tunnel.getState()).isEqualTo(VpnTunnelState.UP);
            assertThat(tunnel.getPeerEndpoint()).startsWith(siteSide + ":");
            assertThat(tunnel.getBytesOut())
                    .as("iperf3 sent megabytes to the site")
                    .isGreaterThan(1_000_000L);
        });
    }

    private FollowAgent agent(String name, String underlayIp, int udpPort) throws Exception {
        FollowAgent agent = FollowAgent.start(FollowAgent.Options.builder(
                        controlPlane.uri(),
                        ControlPlaneLab.ADMIN,
                        name,
                        underlayIp,
                        udpPort,
                        stateDir.resolve(name + ".properties"))
                .capabilities(List.of(InstanceKind.SIMULATED, InstanceKind.NETNS))
                .build());
        agents.add(agent);
        return agent;
    }
}
