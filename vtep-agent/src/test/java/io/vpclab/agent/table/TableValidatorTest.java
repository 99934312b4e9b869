package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortElasticIp;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.PortNatGateway;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.SegmentDefaultRoute;
import io.vpclab.client.model.TableHost;
import io.vpclab.client.model.TableWhitelist;
import io.vpclab.client.model.Vtep;
import io.vpclab.dataplane.table.ForwardingState;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one home of the table rules: every cross-reference the data plane's snapshot relies on is
 * refused here, before anything is built, with the JSON pointer of the offending value. These
 * cases were the refusals of {@code ForwardingState}'s constructor (which named the entry but
 * no pointer), one each, plus the duplicate route that only the data plane checked.
 */
class TableValidatorTest {

    static final int VNI = 0x800000;
    static final int PUBLIC = 16_777_000;
    static final String LOCAL_MAC = "02:00:00:00:00:01";
    static final String REMOTE_MAC = "02:00:00:00:00:02";

    /** Host, two remote VTEPs, two routed segments, one port, one MAC entry, one binding, one router. */
    static ForwardingTable valid() {
        return new ForwardingTable()
                .generation(7L)
                .host(new TableHost().underlayIp("192.168.77.1").udpPort(4789))
                .addVtepsItem(new Vtep().id("b").ip("192.168.77.2").port(4789))
                .addVtepsItem(new Vtep().id("c").ip("192.168.200.3").port(8472))
                .addSegmentsItem(new Segment()
                        .vni(VNI)
                        .cidrBlock("10.0.1.0/24")
                        .gatewayIp("10.0.1.1")
                        .routerId("r")
                        .floodList(List.of("b", "c"))
                        .vlanId(42))
                .addSegmentsItem(new Segment()
                        .vni(2)
                        .cidrBlock("10.0.2.0/24")
                        .gatewayIp("10.0.2.1")
                        .routerId("r"))
                .addPortsItem(port("p1", VNI, LOCAL_MAC, "10.0.1.5"))
                .addMacsItem(new MacEntry().vni(VNI).mac(REMOTE_MAC).vtep("c"))
                .addBindingsItem(new IpBinding().vni(VNI).ipAddress("10.0.1.6").mac(REMOTE_MAC))
                .addRoutersItem(new Router()
                        .id("r")
                        .mac("02:00:00:00:00:fe")
                        .addRoutesItem(new Route().destination("10.0.0.0/16").vni(2))
                        .addRoutesItem(new Route().destination("10.0.1.0/24").vni(VNI)));
    }

    /** {@link #valid()} with the provider network: segment 2, routed by router 1 ("public"). */
    static ForwardingTable withProvider() {
        return valid().addSegmentsItem(new Segment()
                        .vni(PUBLIC)
                        .gatewayIp("198.51.100.1")
                        .routerId("public")
                        .provider(true))
                .addRoutersItem(new Router()
                        .id("public")
                        .mac("02:00:00:00:01:fe")
                        .addRoutesItem(new Route().destination("203.0.113.0/24").vni(PUBLIC)));
    }

    /** {@link #withProvider()} with a NAT gateway on port 1 ("nat", 10.0.1.10). */
    static ForwardingTable withGateway() {
        return withProvider().addPortsItem(natPort("nat", "10.0.1.10", "02:00:0a:00:01:0a", "nat-1", "203.0.113.20"));
    }

    static Port port(String id, int vni, String mac, String ip) {
        return new Port().id(id).kind(PortKind.SIMULATED).vni(vni).mac(mac).ipAddress(ip);
    }

    static Port natPort(String id, String ip, String mac, String natId, String publicIp) {
        return new Port()
                .id(id)
                .kind(PortKind.NAT_GATEWAY)
                .vni(VNI)
                .mac(mac)
                .ipAddress(ip)
                .natGateway(new PortNatGateway().id(natId).publicIp(publicIp).addSourcesItem("10.0.2.0/24"));
    }

    static PortElasticIp eip(String publicIp) {
        return new PortElasticIp().publicIp(publicIp).ingressPolicy(PortElasticIp.IngressPolicyEnum.DENY_ALL);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                // the references and uniqueness of the L2 and routing entries
                refusal(
                        "mac on an unknown vtep",
                        valid(),
                        t -> t.addMacsItem(
                                new MacEntry().vni(VNI).mac("02:00:00:00:00:09").vtep("zz")),
                        "/macs/1/vtep",
                        "unknown vtep 'zz'"),
                refusal(
                        "port on a vni that is no segment",
                        valid(),
                        t -> t.addPortsItem(port("p2", 9, "02:00:00:00:00:09", null)),
                        "/ports/1/vni",
                        "vni 9 is not a segment of this table"),
                refusal(
                        "duplicate port id",
                        valid(),
                        t -> t.addPortsItem(port("p1", 2, "02:00:00:00:00:09", null)),
                        "/ports/1/id",
                        "duplicate port id 'p1'"),
                refusal(
                        "remote mac that is a local port's",
                        valid(),
                        t -> t.addMacsItem(
                                new MacEntry().vni(VNI).mac(LOCAL_MAC).vtep("b")),
                        "/macs/1/mac",
                        "already belongs to port p1"),
                refusal(
                        "address bound twice",
                        valid(),
                        t -> t.addBindingsItem(
                                new IpBinding().vni(VNI).ipAddress("10.0.1.6").mac(LOCAL_MAC)),
                        "/bindings/1/ipAddress",
                        "bound twice"),
                refusal(
                        "binding outside its segment",
                        valid(),
                        t -> t.addBindingsItem(
                                new IpBinding().vni(VNI).ipAddress("10.0.9.6").mac(LOCAL_MAC)),
                        "/bindings/1/ipAddress",
                        "outside the segment's cidrBlock 10.0.1.0/24"),
                refusal(
                        "address with a leading zero (one spelling, as in the API)",
                        valid(),
                        t -> t.addBindingsItem(
                                new IpBinding().vni(VNI).ipAddress("10.0.1.06").mac(LOCAL_MAC)),
                        "/bindings/1/ipAddress",
                        "'10.0.1.06' is not an IPv4 address"),
                refusal(
                        "port address bound to another mac",
                        valid(),
                        t -> t.addBindingsItem(
                                new IpBinding().vni(VNI).ipAddress("10.0.1.5").mac(REMOTE_MAC)),
                        "/bindings/1/mac",
                        "instead of the port's MAC " + LOCAL_MAC),
                refusal(
                        "duplicate segment vni",
                        valid(),
                        t -> t.addSegmentsItem(new Segment().vni(VNI)),
                        "/segments/2/vni",
                        "duplicate segment vni " + VNI),
                refusal(
                        "flood list names an unknown vtep",
                        valid(),
                        t -> t.addSegmentsItem(new Segment().vni(5).floodList(List.of("nope"))),
                        "/segments/2/floodList/0",
                        "unknown vtep 'nope'"),
                refusal(
                        "flood list repeats a vtep",
                        valid(),
                        t -> t.addSegmentsItem(new Segment().vni(5).floodList(List.of("b", "b"))),
                        "/segments/2/floodList/1",
                        "vtep 'b' is listed twice"),
                refusal(
                        "duplicate vtep id",
                        valid(),
                        t -> t.addVtepsItem(new Vtep().id("b").ip("192.168.77.5")),
                        "/vteps/2/id",
                        "duplicate vtep id 'b'"),
                refusal(
                        "two vteps at one endpoint",
                        valid(),
                        t -> t.addVtepsItem(new Vtep().id("d").ip("192.168.77.2")),
                        "/vteps/2/ip",
                        "192.168.77.2:4789 is already the address of another vtep"),
                refusal(
                        "a vtep at the host's own endpoint",
                        valid(),
                        t -> t.addVtepsItem(new Vtep().id("self").ip("192.168.77.1")),
                        "/vteps/2/ip",
                        "192.168.77.1:4789 is this host's own underlayIp and udpPort"),
                refusal(
                        "segment of an unknown router",
                        valid(),
                        t -> t.addSegmentsItem(
                                new Segment().vni(5).gatewayIp("10.0.5.1").routerId("nope")),
                        "/segments/2/routerId",
                        "unknown router 'nope'"),
                refusal(
                        "route to a vni that is no segment",
                        valid(),
                        t -> t.addRoutersItem(new Router()
                                .id("r2")
                                .mac("02:00:00:00:00:fd")
                                .addRoutesItem(
                                        new Route().destination("10.9.0.0/16").vni(77))),
                        "/routers/1/routes/0/vni",
                        "vni 77 is not a segment of this table"),
                refusal(
                        "duplicate router id",
                        valid(),
                        t -> t.addRoutersItem(new Router().id("r").mac("02:00:00:00:00:fd")),
                        "/routers/1/id",
                        "duplicate router id 'r'"),
                refusal(
                        "duplicate route",
                        valid(),
                        t -> {
                            t.getRouters()
                                    .get(0)
                                    .addRoutesItem(new Route()
                                            .destination("10.0.0.0/16")
                                            .vni(VNI));
                            return t;
                        },
                        "/routers/0/routes/2/destination",
                        "route to 10.0.0.0/16 is listed twice"),
                refusal("no host", valid(), t -> t.host(null), "/host", "is required"),
                // elastic IPs
                refusal(
                        "elastic IP without a provider segment",
                        valid(),
                        t -> withEip(t, 0, "203.0.113.10"),
                        "/ports/0/elasticIp",
                        "needs a provider segment"),
                refusal(
                        "provider segment without a router",
                        valid(),
                        t -> t.addSegmentsItem(new Segment().vni(PUBLIC).provider(true)),
                        "/segments/2/routerId",
                        "the provider segment must be routed"),
                refusal(
                        "elastic IP of a port on the provider segment",
                        withProvider(),
                        t -> t.addPortsItem(port("web", PUBLIC, "02:00:00:00:00:09", "198.51.100.9")
                                .elasticIp(eip("203.0.113.10"))),
                        "/ports/1/elasticIp",
                        "a port on the provider segment cannot have an elastic IP"),
                refusal(
                        "elastic IP's private side outside its segment",
                        withProvider(),
                        t -> {
                            withEip(t, 0, "203.0.113.10").getPorts().get(0).ipAddress("10.0.9.5");
                            return t;
                        },
                        "/ports/0/ipAddress",
                        "outside the segment's cidrBlock 10.0.1.0/24"),
                refusal(
                        "one public IP for two elastic IPs",
                        withProvider(),
                        t -> withEip(t, 0, "203.0.113.10")
                                .addPortsItem(port("p2", 2, "02:00:00:00:00:09", "10.0.2.5")
                                        .elasticIp(eip("203.0.113.10"))),
                        "/ports/1/elasticIp/publicIp",
                        "203.0.113.10 is the elastic IP of another port"),
                refusal(
                        "two elastic IPs for one private address",
                        withProvider(),
                        t -> withEip(t, 0, "203.0.113.10")
                                .addPortsItem(port("p2", VNI, "02:00:00:00:00:09", "10.0.1.5")
                                        .elasticIp(eip("203.0.113.11"))),
                        "/ports/1/ipAddress",
                        "10.0.1.5 is already the address of port 'p1'"),
                // NAT gateways and default routes
                refusal(
                        "NAT gateway without a provider segment",
                        valid(),
                        t -> t.addPortsItem(natPort("nat", "10.0.1.10", "02:00:0a:00:01:0a", "nat-1", "203.0.113.20")),
                        "/ports/1/natGateway",
                        "needs a provider segment"),
                refusal(
                        "duplicate NAT gateway id",
                        withGateway(),
                        t -> t.addPortsItem(natPort("nat2", "10.0.1.11", "02:00:0a:00:01:0b", "nat-1", "203.0.113.21")),
                        "/ports/2/natGateway/id",
                        "duplicate natGateway id 'nat-1'"),
                refusal(
                        "NAT gateway on a port that is not of kind nat-gateway",
                        withProvider(),
                        t -> {
                            t.getPorts()
                                    .get(0)
                                    .natGateway(new PortNatGateway().id("nat-1").publicIp("203.0.113.20"));
                            return t;
                        },
                        "/ports/0/natGateway",
                        "a port has natGateway exactly when its kind is nat-gateway"),
                refusal(
                        "nat-gateway port without its NAT gateway",
                        withGateway(),
                        t -> {
                            t.getPorts().get(1).natGateway(null);
                            return t;
                        },
                        "/ports/1/natGateway",
                        "a port has natGateway exactly when its kind is nat-gateway"),
                refusal(
                        "NAT gateway at an elastic IP's address",
                        withGateway(),
                        t -> withEip(t, 0, "203.0.113.20"),
                        "/ports/1/natGateway/publicIp",
                        "203.0.113.20 is already an elastic IP or NAT gateway address"),
                refusal(
                        "default route of the provider segment",
                        withGateway(),
                        t -> withDefaultRoute(t, 2, VNI, "10.0.1.10"),
                        "/segments/2/defaultRoute",
                        "the provider segment cannot have a default route"),
                refusal(
                        "default route's next hop outside its segment",
                        withGateway(),
                        t -> withDefaultRoute(t, 1, VNI, "10.0.9.9"),
                        "/segments/1/defaultRoute/nextHop",
                        "10.0.9.9 is outside vni " + VNI + "'s cidrBlock 10.0.1.0/24"),
                refusal(
                        "two default routes of one segment",
                        withGateway(),
                        t -> withDefaultRoute(
                                withDefaultRoute(t, 1, VNI, "10.0.1.10")
                                        .addSegmentsItem(new Segment().vni(2).routerId("r")),
                                3,
                                VNI,
                                "10.0.1.10"),
                        "/segments/3/vni",
                        "duplicate segment vni 2"),
                // learning peers
                refusal(
                        "learning peer among two flood VTEPs",
                        valid(),
                        t -> {
                            t.getSegments().get(0).learningPeer(true);
                            return t;
                        },
                        "/segments/0/floodList",
                        "needs exactly one VTEP here"),
                refusal(
                        "learning peer with a listed MAC",
                        valid(),
                        t -> {
                            t.getSegments().get(0).floodList(List.of("c")).learningPeer(true);
                            return t;
                        },
                        "/macs/0/vni",
                        "the MACs behind it are learned, not listed"),
                refusal(
                        "learning peer beside two ports",
                        valid(),
                        t -> {
                            t.getSegments().get(1).floodList(List.of("b")).learningPeer(true);
                            return t.addPortsItem(port("p2", 2, "02:00:00:00:00:21", null))
                                    .addPortsItem(port("p3", 2, "02:00:00:00:00:31", null));
                        },
                        "/ports/2/vni",
                        "has a learning peer, which allows one local port only"),
                refusal(
                        "learning peer on the provider segment",
                        withProvider(),
                        t -> {
                            t.getSegments().get(2).floodList(List.of("b")).learningPeer(true);
                            return t;
                        },
                        "/segments/2/learningPeer",
                        "the provider segment has no learning peer"),
                refusal(
                        "ARP suppression off on the provider segment",
                        withProvider(),
                        t -> {
                            t.getSegments().get(2).arpSuppression(false);
                            return t;
                        },
                        "/segments/2/arpSuppression",
                        "the provider segment always answers ARP locally"),
                // whitelists
                refusal(
                        "elastic IP behind an unknown whitelist",
                        withProvider(),
                        t -> {
                            t.getPorts()
                                    .get(0)
                                    .elasticIp(new PortElasticIp()
                                            .publicIp("203.0.113.10")
                                            .ingressPolicy(PortElasticIp.IngressPolicyEnum.WHITELIST)
                                            .whitelistId("nope"));
                            return t;
                        },
                        "/ports/0/elasticIp/whitelistId",
                        "unknown whitelist 'nope'"),
                refusal(
                        "duplicate whitelist id",
                        withProvider(),
                        t -> t.addWhitelistsItem(new TableWhitelist().id("wl"))
                                .addWhitelistsItem(new TableWhitelist().id("wl")),
                        "/whitelists/1/id",
                        "duplicate whitelist id 'wl'"));
    }

    private static Arguments refusal(
            String name, ForwardingTable base, UnaryOperator<ForwardingTable> change, String pointer, String reason) {
        return Arguments.of(name, base, change, pointer, reason);
    }

    private static ForwardingTable withEip(ForwardingTable table, int port, String publicIp) {
        table.getPorts().get(port).elasticIp(eip(publicIp));
        return table;
    }

    private static ForwardingTable withDefaultRoute(ForwardingTable table, int segment, int via, String nextHop) {
        table.getSegments()
                .get(segment)
                .defaultRoute(new SegmentDefaultRoute().vni(via).nextHop(nextHop));
        return table;
    }

    @Test
    void theBaseTablesAreValidAndBuild() {
        for (ForwardingTable table : List.of(valid(), withProvider(), withGateway())) {
            assertThat(TableValidator.validate(table)).isEmpty();
            assertThat(TableTranslator.translate("base", table).segmentIndexOf(VNI))
                    .isNotEqualTo(ForwardingState.NONE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWithThePointerOfTheValue(
            String name, ForwardingTable base, UnaryOperator<ForwardingTable> change, String pointer, String reason) {
        assertThat(TableValidator.validate(base)).as("the base table alone").isEmpty();

        List<DocumentProblem> problems = TableValidator.validate(change.apply(base));

        assertThat(problems).as(problems.toString()).anySatisfy(p -> {
            assertThat(p.pointer()).isEqualTo(pointer);
            assertThat(p.message()).contains(reason);
        });
    }
}
