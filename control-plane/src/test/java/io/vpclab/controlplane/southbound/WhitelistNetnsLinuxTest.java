package io.vpclab.controlplane.southbound;

import static io.vpclab.agent.linux.Lab.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.linux.Lab;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.client.model.Whitelist;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.client.model.WhitelistProtocol;
import io.vpclab.client.model.WhitelistRule;
import io.vpclab.client.model.WhitelistRuleCreate;
import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An elastic IP's ingress whitelist between two real Linux TCP stacks: a netns instance runs
 * iperf3 servers on ports 5201 (whitelisted) and 5202 (not), and a netns internet host connects
 * to the elastic IP. iperf3 opens a control and a data connection and moves data both ways, so
 * every segment after each SYN must pass by connection tracking.
 */
class WhitelistNetnsLinuxTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(30);
    private static final String INTERNET_IP = "198.51.100.20";

    private Lab lab;
    private ControlPlaneLab controlPlane;

    @AfterEach
    void stop() {
        if (controlPlane != null) {
            controlPlane.close(); // agents delete the namespaces they created
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aWhitelistedPortCarriesIperf3AndAnotherRefusesTheConnection() throws Exception {
        Lab.assumeLinuxRootWith("ip", "iperf3", "ss");
        lab = new Lab();
        controlPlane = new ControlPlaneLab();
        String internetName = "net" + lab.id;
        controlPlane.startServer(
                "--vpclab.public.internet-hosts[0].name=" + internetName,
                "--vpclab.public.internet-hosts[0].ip=" + INTERNET_IP,
                "--vpclab.public.internet-hosts[0].host=wn-2-" + lab.id,
                "--vpclab.public.internet-hosts[0].kind=netns");
        int udpBase = FreeUdpPorts.consecutive(2);
        List<InstanceKind> netns = List.of(InstanceKind.SIMULATED, InstanceKind.NETNS);
        FollowAgent a1 = controlPlane.agent("wn-1-" + lab.id, udpBase, Duration.ofMillis(200), netns);
        FollowAgent a2 = controlPlane.agent("wn-2-" + lab.id, udpBase + 1, Duration.ofMillis(200), netns);
        String tenantId = new TenantsApi(controlPlane.admin())
                .createTenant(new TenantCreate().name("wn"))
                .getTenantId();
        String vpcId = new VpcsApi(controlPlane.admin())
                .createVpc(new VpcCreate().cidrBlock("10.78.0.0/16").tenantId(tenantId))
                .getVpcId();
        String subnetId = new SubnetsApi(controlPlane.admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.78.1.0/24"))
                .getSubnetId();
        Instance vm = new InstancesApi(controlPlane.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(a1.hostId())
                        .kind(InstanceKind.NETNS)
                        .privateIpAddress("10.78.1.10"));
        WhitelistsApi whitelists = new WhitelistsApi(controlPlane.admin());
        Whitelist whitelist = whitelists.createWhitelist(new WhitelistCreate()
                .name("iperf")
                .tenantId(tenantId)
                .rules(List.of(new WhitelistRuleCreate()
                        .protocol(WhitelistProtocol.TCP)
                        .cidrBlock(INTERNET_IP + "/32")
                        .fromPort(5201)
                        .toPort(5201))));
        EipsApi eips = new EipsApi(controlPlane.admin());
        Eip eip = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        eips.associateEip(eip.getAllocationId(), new EipAssociate().instanceId(vm.getInstanceId()));
        eips.updateEip(
                eip.getAllocationId(),
                new EipUpdate().ingressPolicy(IngressPolicy.WHITELIST).whitelistId(whitelist.getWhitelistId()));
        await().atMost(CONVERGENCE).until(() -> controlPlane.converged(a1) && controlPlane.converged(a2));
        String vmNamespace = namespaceContaining(vm.getInstanceId());
        String internetNamespace = namespaceContaining(PublicNetworkProperties.internetHostId(internetName));

        lab.start("iperf3-allowed", List.of("ip", "netns", "exec", vmNamespace, "iperf3", "-s", "-1", "-p", "5201"));
        lab.start("iperf3-denied", List.of("ip", "netns", "exec", vmNamespace, "iperf3", "-s", "-1", "-p", "5202"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Lab.succeeds(
                        "ip",
                        "netns",
                        "exec",
                        vmNamespace,
                        "sh",
                        "-c",
                        "ss -ltn | grep -q ':5201' && ss -ltn | grep -q ':5202'"));

        Lab.Background allowed = lab.start(
                "iperf3-client",
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        internetNamespace,
                        "iperf3",
                        "-c",
                        eip.getPublicIp(),
                        "-p",
                        "5201",
                        "-n",
                        "4M",
                        "--connect-timeout",
                        "3000",
                        "-J"));
        assertThat(allowed.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(allowed.process.exitValue()).as(allowed.output()).isZero();
        long bytes = Long.parseLong(allowed.output()
                .replaceAll("(?s).*\"sum_received\"\\s*:\\s*\\{[^}]*?\"bytes\"\\s*:\\s*(\\d+).*", "$1"));
        assertThat(bytes).as("bytes through the whitelisted port").isGreaterThan(1_000_000L);

        Lab.Background denied = lab.start(
                "iperf3-denied-client",
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        internetNamespace,
                        "iperf3",
                        "-c",
                        eip.getPublicIp(),
                        "-p",
                        "5202",
                        "-t",
                        "1",
                        "--connect-timeout",
                        "1500"));
        assertThat(denied.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(denied.process.exitValue())
                .as("no rule admits 5202: %s", denied.output())
                .isNotZero();

        await().atMost(CONVERGENCE).untilAsserted(() -> {
            Whitelist counted = whitelists.getWhitelist(whitelist.getWhitelistId());
            assertThat(counted.getRules())
                    .extracting(WhitelistRule::getHitCount)
                    .as("iperf3's control and data connections")
                    .containsExactly(2L);
            assertThat(counted.getDropCount())
                    .as("the SYN to 5202 and its retransmissions")
                    .isPositive();
        });
    }

    private static String namespaceContaining(String id) {
        return Stream.of(run("ip", "netns", "list").split("\n"))
                .map(line -> line.split(" ")[0])
                .filter(name -> name.contains(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no namespace for " + id));
    }
}
