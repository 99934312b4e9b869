package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.ControlPlaneLab.ping;
import static io.vpclab.controlplane.southbound.ControlPlaneLab.unansweredPing;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_IP;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.INTERNET_PORT;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.NetworkInsightsApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.RouteTablesApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceSecurityGroupsUpdate;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.NetworkAclAssociation;
import io.vpclab.client.model.NetworkAclCreate;
import io.vpclab.client.model.NetworkAclEntryCreate;
import io.vpclab.client.model.NetworkPathAnalysis;
import io.vpclab.client.model.NetworkPathEndpoint;
import io.vpclab.client.model.NetworkPathHop;
import io.vpclab.client.model.NetworkPathRequest;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.RouteTableAssociation;
import io.vpclab.client.model.RouteTableCreate;
import io.vpclab.client.model.RouteTableRouteCreate;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import io.vpclab.client.model.TokenCreate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The reachability analyzer over the REST API, against one network built once, and the real
 * packets of the same flows where the agents can send them. VPC 10.40.0.0/16: "web" 10.40.1.5
 * (an-1, with an elastic IP), "db" 10.40.2.5 (an-2, group db: tcp 5432 and ping from the web
 * subnet), "priv" 10.40.3.5 (an-2, behind a NAT gateway, subnet ACL denying tcp 8080 in),
 * "fw" 10.40.9.10 (an-3, the appliance of web's route 198.18.0.0/15; 192.0.2.0/24 is a
 * blackhole). VPC 10.50.0.0/16 "peer" 10.50.1.5 (an-3) is peered. The internet host "web"
 * (198.51.100.10) runs on an-3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReachabilityAnalyzerOnTheWireTest {

    private OnTheWireFixture wire;
    private NetworkInsightsApi insights;
    private FollowAgent a1;
    private FollowAgent a2;
    private FollowAgent a3;
    private Instance web;
    private Instance db;
    private Instance priv;
    private Instance fw;
    private Instance peer;
    private String dbGroup;
    private String aclId;
    private String tableId;
    private String natId;
    private Eip webEip;
    private String vpcId;

    @BeforeAll
    void network() throws Exception {
        wire = OnTheWireFixture.withInternetHostOn("an-3");
        List<FollowAgent> agents = wire.agents("an", 3);
        a1 = agents.get(0);
        a2 = agents.get(1);
        a3 = agents.get(2);
        String tenantId = wire.tenant("an");
        vpcId = wire.vpc(tenantId, "10.40.0.0/16");
        String webSubnet = wire.subnet(vpcId, "10.40.1.0/24");
        String dbSubnet = wire.subnet(vpcId, "10.40.2.0/24");
        String privSubnet = wire.subnet(vpcId, "10.40.3.0/24");
        String natSubnet = wire.subnet(vpcId, "10.40.0.0/24");
        String fwSubnet = wire.subnet(vpcId, "10.40.9.0/24");
        web = wire.instance(webSubnet, a1, "10.40.1.5");
        db = new InstancesApi(wire.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(dbSubnet)
                        .hostId(a2.hostId())
                        .kind(InstanceKind.SIMULATED)
                        .name("db")
                        .privateIpAddress("10.40.2.5"));
        priv = wire.instance(privSubnet, a2, "10.40.3.5");
        fw = wire.instance(fwSubnet, a3, "10.40.9.10");

        SecurityGroupsApi groups = new SecurityGroupsApi(wire.admin());
        dbGroup = groups.createSecurityGroup(
                        new SecurityGroupCreate().vpcId(vpcId).groupName("db"))
                .getGroupId();
        for (String protocol : List.of("tcp", "icmp")) {
            groups.authorizeSecurityGroupRule(
                    dbGroup,
                    new SecurityGroupRuleCreate()
                            .direction(SecurityGroupRuleDirection.INGRESS)
                            .ipProtocol(protocol)
                            .fromPort(protocol.equals("tcp") ? 5432 : 8)
                            .toPort(protocol.equals("tcp") ? 5432 : -1)
                            .cidrIp("10.40.1.0/24"));
        }
        groups.replaceInstanceSecurityGroups(
                db.getInstanceId(), new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(dbGroup)));

        NetworkAclsApi acls = new NetworkAclsApi(wire.admin());
        aclId = acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId)).getNetworkAclId();
        acls.createNetworkAclEntry(
                aclId,
                new NetworkAclEntryCreate()
                        .ruleNumber(50)
                        .direction(SecurityGroupRuleDirection.INGRESS)
                        .protocol("tcp")
                        .fromPort(8080)
                        .toPort(8080)
                        .ruleAction(NetworkAclEntryCreate.RuleActionEnum.DENY)
                        .cidrBlock("0.0.0.0/0"));
        for (SecurityGroupRuleDirection direction : SecurityGroupRuleDirection.values()) {
            acls.createNetworkAclEntry(
                    aclId,
                    new NetworkAclEntryCreate()
                            .ruleNumber(100)
                            .direction(direction)
                            .protocol("-1")
                            .ruleAction(NetworkAclEntryCreate.RuleActionEnum.ALLOW)
                            .cidrBlock("0.0.0.0/0"));
        }
        acls.replaceNetworkAclAssociation(privSubnet, new NetworkAclAssociation().networkAclId(aclId));

        RouteTablesApi tables = new RouteTablesApi(wire.admin());
        tableId = tables.createRouteTable(new RouteTableCreate().vpcId(vpcId)).getRouteTableId();
        tables.createRoute(
                tableId,
                new RouteTableRouteCreate()
                        .destinationCidrBlock("198.18.0.0/15")
                        .instanceId(fw.getInstanceId()));
        tables.createRoute(
                tableId,
                new RouteTableRouteCreate().destinationCidrBlock("192.0.2.0/24").blackhole(true));
        tables.replaceRouteTableAssociation(webSubnet, new RouteTableAssociation().routeTableId(tableId));

        EipsApi eips = new EipsApi(wire.admin());
        webEip = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        eips.associateEip(webEip.getAllocationId(), new EipAssociate().instanceId(web.getInstanceId()));
        eips.updateEip(webEip.getAllocationId(), new EipUpdate().ingressPolicy(IngressPolicy.ALLOW_ALL));
        Eip natEip = eips.allocateEip(new EipAllocate().tenantId(tenantId));
        NatGatewaysApi nats = new NatGatewaysApi(wire.admin());
        natId = nats.createNatGateway(new NatGatewayCreate().subnetId(natSubnet).allocationId(natEip.getAllocationId()))
                .getNatGatewayId();
        nats.associateNatGatewaySubnet(natId, new NatGatewaySubnetAssociate().subnetId(privSubnet));

        String otherVpc = wire.vpc(tenantId, "10.50.0.0/16");
        peer = wire.instance(wire.subnet(otherVpc, "10.50.1.0/24"), a3, "10.50.1.5");
        PeeringsApi peerings = new PeeringsApi(wire.admin());
        // one tenant's own VPCs: the peering is active at once
        peerings.createPeering(new PeeringCreate().requesterVpcId(vpcId).accepterVpcId(otherVpc));
        wire.awaitConverged();
        insights = new NetworkInsightsApi(wire.admin());
    }

    @AfterAll
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void anAllowedFlowShowsEveryHopAndTheRulesThatAllowItAndThePacketsAgree() throws Exception {
        NetworkPathAnalysis path = analyze(instance(web.getInstanceId()), instance("db"), "tcp", 5432);

        assertThat(path.getReachable()).isTrue();
        assertThat(path.getExplanation()).isNull();
        assertThat(path.getDestination().getId()).as("db resolved by name").isEqualTo(db.getInstanceId());
        assertThat(path.getHops())
                .extracting(NetworkPathHop::getComponent)
                .containsSubsequence(
                        NetworkPathHop.ComponentEnum.SOURCE,
                        NetworkPathHop.ComponentEnum.ROUTE,
                        NetworkPathHop.ComponentEnum.VXLAN,
                        NetworkPathHop.ComponentEnum.SECURITY_GROUP_INGRESS,
                        NetworkPathHop.ComponentEnum.DESTINATION);
        NetworkPathHop vxlan = hop(path, NetworkPathHop.ComponentEnum.VXLAN);
        assertThat(vxlan.getHostId()).isEqualTo(a1.hostId());
        assertThat(vxlan.getDetail()).contains("VNI").contains(a1.hostId());
        NetworkPathHop ingress = hop(path, NetworkPathHop.ComponentEnum.SECURITY_GROUP_INGRESS);
        assertThat(ingress.getComponentId()).isEqualTo(dbGroup);
        assertThat(ingress.getRuleId()).isNotBlank();
        assertThat(hop(path, NetworkPathHop.ComponentEnum.ROUTE).getRuleId())
                .as("the local route of web's route table")
                .isEqualTo("10.40.0.0/16");
        assertThat(path.getComponentIds()).contains(web.getInstanceId(), dbGroup, db.getInstanceId());
        await().atMost(CONVERGENCE).until(() -> "closed".equals(tcp(a1, web.getInstanceId(), "10.40.2.5", 5432)));
    }

    @Test
    void aSecurityGroupWithoutARuleBlocksAtTheDestinationAndNamesIt() throws Exception {
        NetworkPathAnalysis path = analyze(instance(web.getInstanceId()), ip("10.40.2.5"), "tcp", 22);

        assertThat(path.getReachable()).isFalse();
        assertThat(path.getExplanation().getComponent()).isEqualTo(NetworkPathHop.ComponentEnum.SECURITY_GROUP_INGRESS);
        assertThat(path.getExplanation().getComponentId()).isEqualTo(db.getInstanceId());
        assertThat(path.getExplanation().getAllowed()).isFalse();
        assertThat(tcp(a1, web.getInstanceId(), "10.40.2.5", 22)).isEqualTo("filtered");
    }

    @Test
    void anAclEntryBlocksByItsNumber() throws Exception {
        NetworkPathAnalysis path = analyze(instance(web.getInstanceId()), instance(priv.getInstanceId()), "tcp", 8080);

        assertThat(path.getReachable()).isFalse();
        assertThat(path.getExplanation().getComponent()).isEqualTo(NetworkPathHop.ComponentEnum.NETWORK_ACL_INBOUND);
        assertThat(path.getExplanation().getComponentId()).isEqualTo(aclId);
        assertThat(path.getExplanation().getRuleId()).isEqualTo("ingress/50");
        assertThat(tcp(a1, web.getInstanceId(), "10.40.3.5", 8080)).isEqualTo("filtered");
        NetworkPathAnalysis other = analyze(instance(web.getInstanceId()), instance(priv.getInstanceId()), "tcp", 80);
        assertThat(other.getReachable()).isTrue();
        assertThat(hop(other, NetworkPathHop.ComponentEnum.NETWORK_ACL_INBOUND).getRuleId())
                .isEqualTo("ingress/100");
        assertThat(tcp(a1, web.getInstanceId(), "10.40.3.5", 80)).isNotEqualTo("filtered");
    }

    /**
     * Replies go to the client's ephemeral port, 32768-60999 for Linux and simulated hosts alike:
     * an ACL whose reply entry misses all of it, part of it, or holds it all is explained as such,
     * and a request that names its source port is answered for that port.
     */
    @Test
    void theRepliesMustReachTheWholeEphemeralRangeOfTheSource() throws Exception {
        String subnet = wire.subnet(vpcId, "10.40.4.0/24");
        Instance eph = wire.instance(subnet, a2, "10.40.4.5");
        NetworkAclsApi acls = new NetworkAclsApi(wire.admin());
        String acl = acls.createNetworkAcl(new NetworkAclCreate().vpcId(vpcId)).getNetworkAclId();
        acls.createNetworkAclEntry(acl, aclEntry(SecurityGroupRuleDirection.INGRESS, 22, 22));
        acls.createNetworkAclEntry(acl, aclEntry(SecurityGroupRuleDirection.EGRESS, 1024, 32767));
        acls.replaceNetworkAclAssociation(subnet, new NetworkAclAssociation().networkAclId(acl));
        wire.awaitConverged();

        NetworkPathAnalysis none = analyze(instance(web.getInstanceId()), instance(eph.getInstanceId()), "tcp", 22);
        assertThat(none.getReachable()).isFalse();
        assertThat(none.getSourcePort()).isNull();
        assertThat(none.getSourcePortFrom()).isEqualTo(32768);
        assertThat(none.getSourcePortTo()).isEqualTo(60999);
        assertThat(none.getExplanation().getComponent())
                .isEqualTo(NetworkPathHop.ComponentEnum.REPLY_NETWORK_ACL_OUTBOUND);
        assertThat(none.getExplanation().getRuleId()).isEqualTo("egress/*");
        assertThat(none.getExplanation().getDetail()).contains("ports 32768-60999 by egress/*");
        assertThat(tcp(a1, web.getInstanceId(), "10.40.4.5", 22))
                .as("the SYN-ACK goes to an ephemeral port the ACL denies")
                .isEqualTo("filtered");

        // the IANA range 49152-65535 holds only part of Linux's: the old single-port guess (49152) said reachable
        acls.deleteNetworkAclEntry(acl, "egress", 100);
        acls.createNetworkAclEntry(acl, aclEntry(SecurityGroupRuleDirection.EGRESS, 49152, 65535));
        NetworkPathAnalysis part = analyze(instance(web.getInstanceId()), instance(eph.getInstanceId()), "tcp", 22);
        assertThat(part.getReachable()).isFalse();
        assertThat(part.getExplanation().getRuleId()).isEqualTo("egress/*");
        assertThat(part.getExplanation().getDetail())
                .contains("ports 32768-49151 by egress/*")
                .contains("allowed only 49152-60999 by egress/100");
        NetworkPathAnalysis named = insights.analyzeNetworkPath(new NetworkPathRequest()
                .source(instance(web.getInstanceId()))
                .destination(instance(eph.getInstanceId()))
                .protocol(NetworkPathRequest.ProtocolEnum.TCP)
                .port(22)
                .sourcePort(50000));
        assertThat(named.getReachable())
                .as("from port 50000 the reply is allowed")
                .isTrue();
        assertThat(named.getSourcePort()).isEqualTo(50000);
        assertThat(hop(named, NetworkPathHop.ComponentEnum.REPLY_NETWORK_ACL_OUTBOUND)
                        .getRuleId())
                .isEqualTo("egress/100");

        acls.deleteNetworkAclEntry(acl, "egress", 100);
        acls.createNetworkAclEntry(acl, aclEntry(SecurityGroupRuleDirection.EGRESS, 32768, 60999));
        wire.awaitConverged();
        NetworkPathAnalysis all = analyze(instance(web.getInstanceId()), instance(eph.getInstanceId()), "tcp", 22);
        assertThat(all.getReachable()).isTrue();
        NetworkPathHop reply = hop(all, NetworkPathHop.ComponentEnum.REPLY_NETWORK_ACL_OUTBOUND);
        assertThat(reply.getRuleId()).isEqualTo("egress/100");
        assertThat(reply.getDetail())
                .contains("allows the reply to port 32768-60999")
                .contains("32768-60999 by egress/100");
        await().atMost(CONVERGENCE).until(() -> "open".equals(tcp(a1, web.getInstanceId(), "10.40.4.5", 22)));
    }

    private static NetworkAclEntryCreate aclEntry(SecurityGroupRuleDirection direction, int from, int to) {
        return new NetworkAclEntryCreate()
                .ruleNumber(100)
                .direction(direction)
                .protocol("tcp")
                .fromPort(from)
                .toPort(to)
                .ruleAction(NetworkAclEntryCreate.RuleActionEnum.ALLOW)
                .cidrBlock("10.40.0.0/16");
    }

    @Test
    void aBlackholeRouteBlocksAndNamesItsTableAndRoute() throws Exception {
        NetworkPathAnalysis path = analyze(instance(web.getInstanceId()), ip("192.0.2.7"), "icmp", null);

        assertThat(path.getReachable()).isFalse();
        assertThat(path.getExplanation().getComponent()).isEqualTo(NetworkPathHop.ComponentEnum.ROUTE);
        assertThat(path.getExplanation().getComponentId()).isEqualTo(tableId);
        assertThat(path.getExplanation().getRuleId()).isEqualTo("192.0.2.0/24");
        assertThat(ping(a1, web.getInstanceId(), "192.0.2.7").getDropReasons()).containsKey("BLACKHOLE_ROUTE");
    }

    @Test
    void anApplianceRouteEndsAtTheAppliance() throws Exception {
        NetworkPathAnalysis path = analyze(instance(web.getInstanceId()), ip("198.18.0.1"), "icmp", null);

        assertThat(path.getReachable()).isFalse();
        assertThat(path.getExplanation().getComponent()).isEqualTo(NetworkPathHop.ComponentEnum.APPLIANCE);
        assertThat(path.getExplanation().getComponentId()).isEqualTo(fw.getInstanceId());
        assertThat(hop(path, NetworkPathHop.ComponentEnum.ROUTE).getRuleId()).isEqualTo("198.18.0.0/15");
        assertThat(unansweredPing(a1, web.getInstanceId(), "198.18.0.1").getReceived())
                .isZero();
    }

    @Test
    void aPrivateInstanceLeavesThroughItsNatGateway() throws Exception {
        NetworkPathAnalysis path = analyze(instance(priv.getInstanceId()), internetHost("web"), "icmp", null);

        assertThat(path.getReachable()).isTrue();
        NetworkPathHop nat = hop(path, NetworkPathHop.ComponentEnum.NAT_GATEWAY);
        assertThat(nat.getComponentId()).isEqualTo(natId);
        assertThat(hop(path, NetworkPathHop.ComponentEnum.ROUTE).getDetail()).contains("nat-gateway " + natId);
        assertThat(hop(path, NetworkPathHop.ComponentEnum.DESTINATION).getComponentId())
                .isEqualTo(INTERNET_PORT);
        await().atMost(CONVERGENCE)
                .until(() -> ping(a2, priv.getInstanceId(), INTERNET_IP).getReceived() == 2);
    }

    @Test
    void theInternetReachesAnInstanceThroughItsElasticIpAndOnlyThroughIt() throws Exception {
        NetworkPathAnalysis path = analyze(internetHost("web"), elasticIp(webEip.getAllocationId()), "icmp", null);

        assertThat(path.getReachable()).isTrue();
        assertThat(path.getSource().getType()).isEqualTo(io.vpclab.client.model.NetworkPathEnd.TypeEnum.INTERNET_HOST);
        NetworkPathHop dnat = hop(path, NetworkPathHop.ComponentEnum.ELASTIC_IP_DNAT);
        assertThat(dnat.getComponentId()).isEqualTo(webEip.getPublicIp());
        assertThat(dnat.getHostId()).isEqualTo(a1.hostId());
        assertThat(hop(path, NetworkPathHop.ComponentEnum.DESTINATION).getComponentId())
                .isEqualTo(web.getInstanceId());
        await().atMost(CONVERGENCE)
                .until(() -> ping(a3, INTERNET_PORT, webEip.getPublicIp()).getReceived() == 2);

        NetworkPathAnalysis toPrivate = analyze(ip(INTERNET_IP), ip("10.40.1.5"), "icmp", null);
        assertThat(toPrivate.getReachable())
                .as("a private address is not routed on the internet")
                .isFalse();
        assertThat(unansweredPing(a3, INTERNET_PORT, "10.40.1.5").getReceived()).isZero();
    }

    @Test
    void aPeeringCarriesTheFlowToTheOtherVpc() throws Exception {
        NetworkPathAnalysis path = analyze(instance(web.getInstanceId()), instance(peer.getInstanceId()), "icmp", null);

        assertThat(path.getReachable()).isTrue();
        assertThat(hop(path, NetworkPathHop.ComponentEnum.ROUTE).getDetail()).contains("vpc-peering-connection");
        await().atMost(CONVERGENCE)
                .until(() -> ping(a1, web.getInstanceId(), "10.50.1.5").getReceived() == 2);
    }

    @Test
    void aTenantAnalyzesItsOwnInstancesAndAnotherTenantCannotNameThem() throws Exception {
        TenantsApi tenants = new TenantsApi(wire.admin());
        String owner = tenants.listTenants(null, null).getItems().stream()
                .filter(t -> t.getName().equals("an"))
                .findFirst()
                .orElseThrow()
                .getTenantId();
        NetworkInsightsApi asOwner = new NetworkInsightsApi(io.vpclab.controlplane.TestServers.client(
                wire.lab().uri().toString(),
                tenants.createTenantToken(owner, new TokenCreate().description("t"))
                        .getToken()));
        NetworkPathAnalysis path = asOwner.analyzeNetworkPath(new NetworkPathRequest()
                .source(instance(web.getInstanceId()))
                .destination(instance("db"))
                .protocol(NetworkPathRequest.ProtocolEnum.TCP)
                .port(5432));
        assertThat(path.getReachable()).isTrue();
        assertThat(hop(path, NetworkPathHop.ComponentEnum.SECURITY_GROUP_INGRESS)
                        .getComponentId())
                .as("its own group, shown")
                .isEqualTo(dbGroup);

        String stranger = wire.tenant("stranger");
        NetworkInsightsApi asStranger = new NetworkInsightsApi(io.vpclab.controlplane.TestServers.client(
                wire.lab().uri().toString(),
                tenants.createTenantToken(stranger, new TokenCreate().description("t"))
                        .getToken()));
        assertThatThrownBy(() -> asStranger.analyzeNetworkPath(new NetworkPathRequest()
                        .source(instance(web.getInstanceId()))
                        .destination(ip("10.40.2.5"))
                        .protocol(NetworkPathRequest.ProtocolEnum.ICMP)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        NetworkPathAnalysis fromInternet = asStranger.analyzeNetworkPath(new NetworkPathRequest()
                .source(internetHost("web"))
                .destination(ip(webEip.getPublicIp()))
                .protocol(NetworkPathRequest.ProtocolEnum.ICMP));
        assertThat(fromInternet.getReachable())
                .as("anyone may ask about the internet")
                .isTrue();
        assertThat(hop(fromInternet, NetworkPathHop.ComponentEnum.DESTINATION).getComponentId())
                .as("another account's instance is not named")
                .isNull();
    }

    @Test
    void badInputIsRefusedWithItsCode() {
        assertRefused(404, () -> analyze(instance("nobody"), ip("10.40.2.5"), "tcp", 22), "InvalidInstanceID.NotFound");
        assertRefused(400, () -> analyze(ip("192.0.2.1"), ip("10.40.2.5"), "tcp", 22), "cannot send");
        assertRefused(400, () -> analyze(instance("db"), ip("10.40.2.5"), "tcp", null), "port is required");
        assertRefused(400, () -> analyze(instance("db"), ip("10.40.2.5"), "icmp", 22), "icmp takes no port");
        assertRefused(
                400,
                () -> analyze(new NetworkPathEndpoint().instance("db").ip("10.40.1.5"), ip("10.40.2.5"), "icmp", null),
                "exactly one");
        assertRefused(400, () -> analyze(instance("db"), ip("10.40.2"), "icmp", null), "destination.ip");
        assertRefused(400, () -> analyze(instance("db"), ip("10.40.1.5"), "tcp", 70000), "");
    }

    private void assertRefused(int status, org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String text) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getCode()).isEqualTo(status);
            assertThat(e.getResponseBody()).contains(text);
        });
    }

    private NetworkPathAnalysis analyze(
            NetworkPathEndpoint source, NetworkPathEndpoint destination, String protocol, Integer port)
            throws ApiException {
        return insights.analyzeNetworkPath(new NetworkPathRequest()
                .source(source)
                .destination(destination)
                .protocol(NetworkPathRequest.ProtocolEnum.fromValue(protocol))
                .port(port));
    }

    private static NetworkPathHop hop(NetworkPathAnalysis path, NetworkPathHop.ComponentEnum component) {
        return path.getHops().stream()
                .filter(h -> h.getComponent() == component)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + component + " hop in " + path.getHops()));
    }

    private static NetworkPathEndpoint instance(String idOrName) {
        return new NetworkPathEndpoint().instance(idOrName);
    }

    private static NetworkPathEndpoint ip(String ip) {
        return new NetworkPathEndpoint().ip(ip);
    }

    private static NetworkPathEndpoint internetHost(String name) {
        return new NetworkPathEndpoint().internetHost(name);
    }

    private static NetworkPathEndpoint elasticIp(String allocationId) {
        return new NetworkPathEndpoint().elasticIp(allocationId);
    }
}
