package io.vpclab.controlplane.publicnetwork;

import io.vpclab.controlplane.compiler.HostNode;
import io.vpclab.controlplane.compiler.InternetHostNode;
import io.vpclab.controlplane.compiler.PublicNetwork;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.Vni;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The simulated provider network ({@code vpclab.public.*}): its VNI, the internet hosts' range and
 * gateway, the EIP pool, and internet hosts placed on VTEP hosts by name, e.g.
 * {@code vpclab.public.internet-hosts[0].name=web}, {@code .ip=198.51.100.10}, {@code .host=demo-1},
 * {@code .kind=simulated}. Documentation ranges (RFC 5737) by default. A bad entry stops the
 * server at startup with the property that is wrong.
 */
@ConfigurationProperties("vpclab.public")
public record PublicNetworkProperties(
        Integer vni, String cidr, String gateway, String eipPool, List<InternetHost> internetHosts) {

    public record InternetHost(String name, String ip, String host, String kind) {}

    public PublicNetworkProperties {
        PublicNetwork defaults = PublicNetwork.DEFAULT;
        vni = vni == null ? defaults.vni() : vni;
        cidr = cidr == null ? defaults.publicCidr() : cidr;
        gateway = gateway == null ? defaults.gatewayIp() : gateway;
        eipPool = eipPool == null ? defaults.eipPool() : eipPool;
        internetHosts = internetHosts == null ? List.of() : List.copyOf(internetHosts);
        if (!Vni.isValid(vni)) {
            throw new IllegalArgumentException("vpclab.public.vni must be " + Vni.RANGE + ": " + vni);
        }
        Ipv4Prefix range = Ipv4Parameters.prefix(cidr, "vpclab.public.cidr");
        Ipv4Parameters.prefix(eipPool, "vpclab.public.eip-pool");
        requireInside(range, gateway, "vpclab.public.gateway");
        Set<String> names = new HashSet<>();
        Set<Long> addresses = new HashSet<>();
        addresses.add(address(gateway, "vpclab.public.gateway"));
        for (int i = 0; i < internetHosts.size(); i++) {
            InternetHost host = internetHosts.get(i);
            String at = "vpclab.public.internet-hosts[" + i + "]";
            if (host.name() == null || !host.name().matches("[a-z0-9-]{1,40}") || !names.add(host.name())) {
                throw new IllegalArgumentException(at + ".name must be unique, 1..40 of a-z 0-9 -: " + host.name());
            }
            if (host.host() == null || host.host().isBlank()) {
                throw new IllegalArgumentException(at + ".host is required: the name of the VTEP host it runs on");
            }
            if (host.kind() != null
                    && !host.kind().equals("simulated")
                    && !host.kind().equals("netns")) {
                throw new IllegalArgumentException(at + ".kind must be simulated or netns: " + host.kind());
            }
            requireInside(range, host.ip(), at + ".ip");
            if (!addresses.add(address(host.ip(), at + ".ip"))) {
                throw new IllegalArgumentException(at + ".ip " + host.ip() + " is already used on the public network");
            }
        }
    }

    /** The port id of an internet host in the tables. */
    public static String internetHostId(String name) {
        return "inet-" + name;
    }

    /** The network as the compiler sees it; internet hosts whose VTEP host is not registered are left out. */
    public PublicNetwork resolve(Map<String, HostNode> hosts) {
        return resolve(hosts, List.of());
    }

    /** As {@link #resolve(Map)}, plus internet hosts created through the API; those on unregistered hosts are left out. */
    public PublicNetwork resolve(Map<String, HostNode> hosts, List<InternetHostNode> created) {
        List<InternetHostNode> placed = new ArrayList<>();
        created.stream().filter(node -> hosts.containsKey(node.hostId())).forEach(placed::add);
        for (InternetHost host : internetHosts) {
            hosts.values().stream()
                    .filter(h -> host.host().equals(h.name()))
                    .findFirst()
                    .ifPresent(vtep -> placed.add(new InternetHostNode(
                            internetHostId(host.name()),
                            host.name(),
                            vtep.id(),
                            host.kind() == null ? "simulated" : host.kind(),
                            host.ip(),
                            mac(host.ip()))));
        }
        return new PublicNetwork(vni, cidr, gateway, eipPool, placed);
    }

    /** An internet host's node, for one placed on the VTEP host {@code hostId}. */
    public static InternetHostNode node(String name, String ip, String hostId, String kind) {
        return new InternetHostNode(internetHostId(name), name, hostId, kind == null ? "simulated" : kind, ip, mac(ip));
    }

    /** 06:00 + the address: locally administered unicast, never equal to an instance MAC (02:...). */
    private static String mac(String ip) {
        long bits = address(ip, "ip");
        return String.format(
                "06:00:%02x:%02x:%02x:%02x", bits >>> 24 & 0xFF, bits >>> 16 & 0xFF, bits >>> 8 & 0xFF, bits & 0xFF);
    }

    private static long address(String ip, String property) {
        Long bits = Ipv4Prefix.parseAddress(ip);
        if (bits == null) {
            throw new IllegalArgumentException(property + " '" + ip + "' is not an IPv4 address");
        }
        return bits;
    }

    private static void requireInside(Ipv4Prefix range, String ip, String property) {
        if (!range.contains(address(ip, property))) {
            throw new IllegalArgumentException(property + " " + ip + " is outside vpclab.public.cidr " + range);
        }
    }
}
