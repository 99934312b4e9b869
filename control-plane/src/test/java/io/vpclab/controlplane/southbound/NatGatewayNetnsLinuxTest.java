package io.vpclab.controlplane.southbound;

import static io.vpclab.agent.linux.Lab.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.linux.Lab;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.NatGatewayFiguresApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.NatSession;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real Linux stacks through the NAT gateway: the private instance and the internet host are
 * network namespaces behind two agents; curl in the instance fetches a page from python's
 * http.server in the internet host, which logs the gateway's public address as the client.
 * Skipped (with the reason) where there is no root, /dev/net/tun, curl or python3; CI runs it as root.
 */
class NatGatewayNetnsLinuxTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(60);
    private static final String INTERNET_IP = "198.51.100.10";

    private final List<FollowAgent> agents = new ArrayList<>();
    private ControlPlaneLab controlPlane;
    private Lab lab;
    private Path stateDir;

    @AfterEach
    void teardown() throws Exception {
        if (lab != null) {
            lab.close(); // the web server first, while its namespace still exists
        }
        agents.forEach(FollowAgent::close); // removes the namespaces the agents created
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void curlInAPrivateNamespaceReachesANamespaceInternetHostAsTheGatewaysAddress() throws Exception {
        Lab.assumeLinuxRootWith("ip", "curl", "python3");
        lab = new Lab();
        stateDir = Files.createTempDirectory("vl-nat-netns");
        String webName = "vlnat" + lab.id;
        controlPlane = new ControlPlaneLab();
        controlPlane.startServer(
                "--vpclab.public.internet-hosts[0].name=" + webName,
                "--vpclab.public.internet-hosts[0].ip=" + INTERNET_IP,
                "--vpclab.public.internet-hosts[0].kind=netns",
                "--vpclab.public.internet-hosts[0].host=" + webName + "-c");
        int udpBase = FreeUdpPorts.consecutive(3);
        FollowAgent natHost = agent(webName + "-a", udpBase);
        FollowAgent instanceHost = agent(webName + "-b", udpBase + 1);
        FollowAgent internetHost = agent(webName + "-c", udpBase + 2);

        TenantsApi tenants = new TenantsApi(controlPlane.admin());
        String tenantId = tenants.createTenant(new TenantCreate().name(webName)).getTenantId();
        String vpcId = new VpcsApi(controlPlane.admin())
                .createVpc(new VpcCreate().cidrBlock("10.9.0.0/16").tenantId(tenantId))
                .getVpcId();
        SubnetsApi subnets = new SubnetsApi(controlPlane.admin());
        String publicSubnet = subnets.createSubnet(
                        new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.0.0/24"))
                .getSubnetId();
        String privateSubnet = subnets.createSubnet(
                        new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.1.0/24"))
                .getSubnetId();
        Eip eip = new EipsApi(controlPlane.admin()).allocateEip(new EipAllocate().tenantId(tenantId));
        NatGatewaysApi natGateways = new NatGatewaysApi(controlPlane.admin());
        String natId = natGateways
                .createNatGateway(new NatGatewayCreate()
                        .subnetId(publicSubnet)
                        .allocationId(eip.getAllocationId())
                        .hostId(natHost.hostId()))
                .getNatGatewayId();
        natGateways.associateNatGatewaySubnet(natId, new NatGatewaySubnetAssociate().subnetId(privateSubnet));
        Instance vm = new InstancesApi(controlPlane.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(privateSubnet)
                        .hostId(instanceHost.hostId())
                        .kind(InstanceKind.NETNS)
                        .privateIpAddress("10.9.1.5"));
        await().atMost(CONVERGENCE)
                .until(() -> controlPlane.converged(natHost)
                        && controlPlane.converged(instanceHost)
                        && controlPlane.converged(internetHost));
        String vmNamespace = "vl-" + vm.getInstanceId();
        String webNamespace = "vl-" + PublicNetworkProperties.internetHostId(webName);
        await().atMost(CONVERGENCE)
                .until(() -> Files.exists(Path.of("/run/netns", vmNamespace))
                        && Files.exists(Path.of("/run/netns", webNamespace)));

        Lab.Background web = lab.start(
                "web",
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        webNamespace,
                        "python3",
                        "-m",
                        "http.server",
                        "8080",
                        "--bind",
                        INTERNET_IP));
        List<String> curl = List.of(
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
                "http://" + INTERNET_IP + ":8080/");
        await().atMost(CONVERGENCE)
                .until(() -> exec(curl.toArray(String[]::new)).output().strip().equals("200"));

        await().atMost(Duration.ofSeconds(10)).until(() -> web.output().contains(eip.getPublicIp() + " - - "));
        assertThat(web.output()).doesNotContain("10.9.1.5");
        NatGatewayFiguresApi figures = new NatGatewayFiguresApi(controlPlane.admin());
        await().atMost(CONVERGENCE)
                .until(() -> figures.listNatGatewaySessions(natId).getItems().stream()
                        .anyMatch(s -> s.getProtocol() == NatSession.ProtocolEnum.TCP
                                && s.getRemotePort() == 8080
                                && "10.9.1.5".equals(s.getPrivateIp())));
        assertThat(figures.getNatGatewayFigures(natId).getPacketsIn()).isPositive();
    }

    private FollowAgent agent(String name, int udpPort) throws Exception {
        FollowAgent agent = FollowAgent.start(FollowAgent.Options.builder(
                        controlPlane.uri(),
                        ControlPlaneLab.ADMIN,
                        name,
                        "127.0.0.1",
                        udpPort,
                        stateDir.resolve(name + ".properties"))
                .capabilities(List.of(InstanceKind.SIMULATED, InstanceKind.NETNS))
                .build());
        agents.add(agent);
        return agent;
    }
}
