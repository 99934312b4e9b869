package io.vpclab.dataplane;

import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Two VTEPs, A and B, and one VPC (router r1) with two subnets, plus a second tenant that reuses
 * the first subnet's addresses on its own VNI:
 *
 * <pre>
 * vni 100      10.0.1.0/24 gw 10.0.1.1   h1 10.0.1.5 on A, h4 10.0.1.6 on B
 * vni 0x800000 10.0.2.0/24 gw 10.0.2.1   h2 10.0.2.8 on B, h3 10.0.2.9 on A
 * vni 0xFFFFFF 10.0.1.0/24 (tenant 2)    t2a 10.0.1.5 on A, t2b 10.0.1.6 on B
 * </pre>
 * Tables are built the way the control plane compiles them: each host gets every segment, the
 * remote MACs behind the other VTEP, every binding, and the router.
 */
final class TwoVteps implements AutoCloseable {

    static final int VNI_1 = 100;
    static final int VNI_2 = 0x800000;
    static final int VNI_TENANT_2 = 0xFFFFFF;
    static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");
    static final Ipv4Address GATEWAY_1 = Ipv4Address.parse("10.0.1.1");
    static final Ipv4Address GATEWAY_2 = Ipv4Address.parse("10.0.2.1");

    record Instance(String id, String vtep, int vni, MacAddress mac, Ipv4Address ip, Ipv4Address gateway) {
        LocalPort port() {
            return LocalPort.simulated(id, Vni.of(vni), mac, ip, 24, gateway);
        }
    }

    static final List<Instance> INSTANCES = List.of(
            new Instance(
                    "h1", "A", VNI_1, MacAddress.parse("02:00:0a:00:01:05"), Ipv4Address.parse("10.0.1.5"), GATEWAY_1),
            new Instance(
                    "h4", "B", VNI_1, MacAddress.parse("02:00:0a:00:01:06"), Ipv4Address.parse("10.0.1.6"), GATEWAY_1),
            new Instance(
                    "h2", "B", VNI_2, MacAddress.parse("02:00:0a:00:02:08"), Ipv4Address.parse("10.0.2.8"), GATEWAY_2),
            new Instance(
                    "h3", "A", VNI_2, MacAddress.parse("02:00:0a:00:02:09"), Ipv4Address.parse("10.0.2.9"), GATEWAY_2),
            new Instance(
                    "t2a",
                    "A",
                    VNI_TENANT_2,
                    MacAddress.parse("02:00:0b:00:01:05"),
                    Ipv4Address.parse("10.0.1.5"),
                    null),
            new Instance(
                    "t2b",
                    "B",
                    VNI_TENANT_2,
                    MacAddress.parse("02:00:0b:00:01:06"),
                    Ipv4Address.parse("10.0.1.6"),
                    null));

    final Vtep a;
    final Vtep b;
    private final List<SimulatedHost> hosts = new ArrayList<>();

    /** {@code underlays} maps "A"/"B" to a bound underlay; extra ports are added to A's table. */
    TwoVteps(Function<String, Underlay> underlays, int underlayMtu, List<LocalPort> extraPortsOnA) {
        Underlay underlayA = underlays.apply("A");
        Underlay underlayB = underlays.apply("B");
        a = new Vtep(underlayA);
        b = new Vtep(underlayB);
        a.apply(table("A", underlayA, "B", underlayB, underlayMtu, extraPortsOnA));
        b.apply(table("B", underlayB, "A", underlayA, underlayMtu, extraPortsOnA));
        for (Instance instance : INSTANCES) {
            SimulatedHost host = SimulatedHost.forPort(instance.port());
            hosts.add(host);
            (instance.vtep().equals("A") ? a : b).attachPort(instance.id(), host);
        }
    }

    /**
     * The burst tests' pair: on an in-memory underlay (MTU 1500), A counting the GSO sends it
     * makes into {@code gsoSendsFromA}, and simulated h5 (10.0.1.7, {@code h5Mac}) on A's first
     * segment.
     */
    static TwoVteps countingGsoSendsFromA(AtomicInteger gsoSendsFromA, MacAddress h5Mac) {
        InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
        return new TwoVteps(
                name -> name.equals("A")
                        ? new CountingGsoSends(hub.join(new InetSocketAddress("10.255.0.1", 4789)), gsoSendsFromA)
                        : hub.join(new InetSocketAddress("10.255.0.2", 4789)),
                1500,
                List.of(LocalPort.simulated("h5", Vni.of(VNI_1), h5Mac, Ipv4Address.parse("10.0.1.7"), 24, GATEWAY_1)));
    }

    SimulatedHost host(String id) {
        for (int i = 0; i < INSTANCES.size(); i++) {
            if (INSTANCES.get(i).id().equals(id)) {
                return hosts.get(i);
            }
        }
        throw new IllegalArgumentException(id);
    }

    static Ipv4Address ip(String id) {
        return INSTANCES.stream()
                .filter(i -> i.id().equals(id))
                .findFirst()
                .orElseThrow()
                .ip();
    }

    static ForwardingState table(
            String self, Underlay own, String peer, Underlay other, int underlayMtu, List<LocalPort> extraPortsOnA) {
        ForwardingState.Builder builder = ForwardingState.builder()
                .generation(1)
                .host(new TableHost(address(own), own.localAddress().getPort(), underlayMtu))
                .vtep(new RemoteVtep(peer, address(other), other.localAddress().getPort()))
                .segment(new Segment(
                        Vni.of(VNI_1), Ipv4Prefix.parse("10.0.1.0/24"), GATEWAY_1, "r1", List.of(peer), null))
                .segment(new Segment(
                        Vni.of(VNI_2), Ipv4Prefix.parse("10.0.2.0/24"), GATEWAY_2, "r1", List.of(peer), null))
                .segment(Segment.l2(Vni.of(VNI_TENANT_2), List.of(peer)))
                .router(new Router(
                        "r1",
                        ROUTER_MAC,
                        List.of(
                                new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(VNI_1)),
                                new Route(Ipv4Prefix.parse("10.0.2.0/24"), Vni.of(VNI_2)))));
        for (Instance instance : INSTANCES) {
            builder.binding(new IpBinding(Vni.of(instance.vni()), instance.ip(), instance.mac()));
            if (instance.vtep().equals(self)) {
                builder.port(instance.port());
            } else {
                builder.mac(new MacEntry(Vni.of(instance.vni()), instance.mac(), peer));
            }
        }
        for (LocalPort extra : extraPortsOnA) {
            if (self.equals("A")) {
                builder.port(extra);
            } else { // B knows A's extra ports as MACs behind A, as any port elsewhere
                builder.mac(new MacEntry(extra.vni(), extra.mac(), peer));
            }
        }
        return builder.build();
    }

    /** The provider segment's router "public", routing the internet hosts' and the public addresses' blocks. */
    static Router publicRouter(MacAddress mac, int publicVni) {
        return new Router(
                "public",
                mac,
                List.of(
                        new Route(Ipv4Prefix.parse("198.51.100.0/24"), Vni.of(publicVni)),
                        new Route(Ipv4Prefix.parse("203.0.113.0/24"), Vni.of(publicVni))));
    }

    static Ipv4Address address(Underlay underlay) {
        return new Ipv4Address(Ipv4Address.bitsOf(underlay.localAddress().getAddress()));
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
