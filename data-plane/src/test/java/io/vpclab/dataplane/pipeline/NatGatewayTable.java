package io.vpclab.dataplane.pipeline;

import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.table.EgressPolicy;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.NatGateway;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The table entries of a NAT gateway, one set for the data plane's NAT tests and the NAT
 * benchmarks (module benchmarks uses this module's test jar): the gateway's port "nat" at
 * 10.0.1.10 on VNI 100, serving the private subnet 10.0.2.0/24 on VNI 200 behind VPC router
 * "r1", with public address 203.0.113.20 on the provider segment.
 */
public final class NatGatewayTable {

    /** The gateway's host, where the table is applied. */
    public static final InetSocketAddress LOCAL = new InetSocketAddress("192.168.77.3", Vxlan.PORT);
    /** VTEP "a": the instances' host. */
    public static final InetSocketAddress INSTANCES = new InetSocketAddress("192.168.77.1", Vxlan.PORT);

    public static final int NAT_VNI = 100;
    public static final int PRIVATE_VNI = 200;
    public static final Ipv4Prefix NAT_SUBNET = Ipv4Prefix.parse("10.0.1.0/24");
    public static final Ipv4Prefix PRIVATE_SUBNET = Ipv4Prefix.parse("10.0.2.0/24");
    public static final Ipv4Address NAT_IP = Ipv4Address.parse("10.0.1.10");
    public static final MacAddress NAT_MAC = MacAddress.parse("02:00:0a:00:01:0a");
    public static final Ipv4Address NAT_PUBLIC = Ipv4Address.parse("203.0.113.20");
    public static final MacAddress VPC_ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");

    private NatGatewayTable() {}

    /** The gateway's port: served by the data plane, on {@link #NAT_VNI}, default MTU. */
    public static LocalPort port(Ipv4Address subnetGateway) {
        return new LocalPort(
                "nat",
                "nat",
                PortKind.NAT_GATEWAY,
                Vni.of(NAT_VNI),
                NAT_MAC,
                NAT_IP,
                24,
                subnetGateway,
                LocalPort.DEFAULT_MTU,
                null,
                null);
    }

    /** Gateway "nat-1" on port "nat" for {@link #PRIVATE_SUBNET}, TCP sessions idle out after the default. */
    public static NatGateway gateway(
            int portMin, int portMax, int udpIdleSeconds, EgressPolicy egress, String whitelistId) {
        return new NatGateway(
                "nat-1",
                "nat",
                NAT_PUBLIC,
                portMin,
                portMax,
                NatGateway.DEFAULT_IDLE_SECONDS,
                udpIdleSeconds,
                egress,
                List.of(PRIVATE_SUBNET),
                whitelistId);
    }

    /**
     * The whole table of the gateway's host at {@link #LOCAL}, without I/O: VTEP "a" at {@link
     * #INSTANCES}, the NAT and private segments flooding to it behind router "r1", the provider
     * segment {@code publicVni} (198.51.100.0/24 via router "public") flooding to {@code
     * internetVtep} (add that VTEP when it is not "a"), the port and a gateway allowing all out.
     */
    public static ForwardingState.Builder hostTable(
            int publicVni, String internetVtep, int portMin, int portMax, int udpIdleSeconds) {
        return ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse(LOCAL.getHostString()), LOCAL.getPort(), 1500))
                .vtep(new RemoteVtep("a", Ipv4Address.parse(INSTANCES.getHostString()), INSTANCES.getPort()))
                .segment(new Segment(
                        Vni.of(NAT_VNI), NAT_SUBNET, Ipv4Address.parse("10.0.1.1"), "r1", List.of("a"), null))
                .segment(new Segment(
                        Vni.of(PRIVATE_VNI), PRIVATE_SUBNET, Ipv4Address.parse("10.0.2.1"), "r1", List.of("a"), null))
                .segment(new Segment(
                        Vni.of(publicVni),
                        null,
                        Ipv4Address.parse("198.51.100.1"),
                        "public",
                        List.of(internetVtep),
                        null))
                .publicVni(Vni.of(publicVni))
                .router(new Router(
                        "r1",
                        VPC_ROUTER_MAC,
                        List.of(
                                new Route(NAT_SUBNET, Vni.of(NAT_VNI)),
                                new Route(PRIVATE_SUBNET, Vni.of(PRIVATE_VNI)))))
                .router(new Router(
                        "public",
                        MacAddress.parse("02:00:00:00:ff:fe"),
                        List.of(new Route(Ipv4Prefix.parse("198.51.100.0/24"), Vni.of(publicVni)))))
                .port(port(null))
                .natGateway(gateway(portMin, portMax, udpIdleSeconds, EgressPolicy.ALLOW_ALL, null));
    }
}
