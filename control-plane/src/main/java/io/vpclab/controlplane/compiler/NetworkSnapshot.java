package io.vpclab.controlplane.compiler;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable picture of the network: hosts, VPCs (with subnets and instances) and active
 * peerings. Indexes are built once, so compiling a host's table never scans the whole network,
 * and kept per VPC, so replacing one VPC ({@link #withVpc}, every change) re-indexes that VPC
 * only, not the hundred thousand instances of the others.
 */
public final class NetworkSnapshot {

    public static final NetworkSnapshot EMPTY = new NetworkSnapshot(Map.of(), Map.of(), Map.of());

    private final PublicNetwork publicNetwork;
    private final Map<String, HostNode> hosts;
    private final Map<String, VpcNode> vpcs;
    private final Map<String, Set<String>> activePeers;
    private final Map<String, VpcIndex> indexes;
    /** The inverse of the indexes' hosts. */
    private final Map<String, Set<String>> vpcsByHost;

    private final Map<String, ElasticIpNode> elasticIpByInstance;
    private final Set<String> publicHosts;

    /** What one VPC puts where: the hosts of its ports, its placed elastic IPs, its provider-segment hosts. */
    private record VpcIndex(Set<String> hosts, Map<String, ElasticIpNode> elasticIps, Set<String> publicHosts) {

        static VpcIndex of(VpcNode vpc) {
            Set<String> hosts = new TreeSet<>();
            vpc.ports().forEach(port -> hosts.add(port.hostId()));
            Map<String, String> hostOfInstance = new HashMap<>();
            vpc.instances().forEach(instance -> hostOfInstance.put(instance.id(), instance.hostId()));
            Map<String, ElasticIpNode> elasticIps = new HashMap<>();
            Set<String> publicHosts = new TreeSet<>();
            for (ElasticIpNode eip : vpc.elasticIps()) {
                String hostId = hostOfInstance.get(eip.instanceId());
                if (hostId != null) {
                    elasticIps.put(eip.instanceId(), eip);
                    publicHosts.add(hostId);
                }
            }
            // a NAT gateway's public side is on the provider segment
            vpc.natGateways().forEach(nat -> publicHosts.add(nat.hostId()));
            return new VpcIndex(hosts, elasticIps, publicHosts);
        }
    }

    /**
     * @param activePeers for each VPC id, the VPC ids it has an active peering with (symmetric)
     */
    public NetworkSnapshot(
            Map<String, HostNode> hosts, Map<String, VpcNode> vpcs, Map<String, Set<String>> activePeers) {
        this(hosts, vpcs, activePeers, PublicNetwork.DEFAULT);
    }

    public NetworkSnapshot(
            Map<String, HostNode> hosts,
            Map<String, VpcNode> vpcs,
            Map<String, Set<String>> activePeers,
            PublicNetwork publicNetwork) {
        this(Map.copyOf(hosts), Map.copyOf(vpcs), copyOfPeers(activePeers), publicNetwork, indexesOf(vpcs));
    }

    private NetworkSnapshot(
            Map<String, HostNode> hosts,
            Map<String, VpcNode> vpcs,
            Map<String, Set<String>> activePeers,
            PublicNetwork publicNetwork,
            Map<String, VpcIndex> indexes) {
        this(hosts, vpcs, activePeers, publicNetwork, indexes, invert(indexes));
    }

    private NetworkSnapshot(
            Map<String, HostNode> hosts,
            Map<String, VpcNode> vpcs,
            Map<String, Set<String>> activePeers,
            PublicNetwork publicNetwork,
            Map<String, VpcIndex> indexes,
            Map<String, Set<String>> vpcsByHost) {
        this.hosts = hosts;
        this.vpcs = vpcs;
        this.activePeers = activePeers;
        this.publicNetwork = publicNetwork;
        this.indexes = indexes;
        this.vpcsByHost = vpcsByHost;
        Map<String, ElasticIpNode> eips = new HashMap<>();
        Set<String> provider = new TreeSet<>();
        for (VpcIndex index : indexes.values()) {
            eips.putAll(index.elasticIps());
            provider.addAll(index.publicHosts());
        }
        publicNetwork.internetHosts().forEach(host -> provider.add(host.hostId()));
        this.elasticIpByInstance = eips;
        this.publicHosts = provider;
    }

    private static Map<String, Set<String>> copyOfPeers(Map<String, Set<String>> activePeers) {
        Map<String, Set<String>> peers = new HashMap<>();
        activePeers.forEach((vpc, others) -> peers.put(vpc, Set.copyOf(others)));
        return Map.copyOf(peers);
    }

    private static Map<String, VpcIndex> indexesOf(Map<String, VpcNode> vpcs) {
        Map<String, VpcIndex> indexes = new HashMap<>();
        vpcs.forEach((id, vpc) -> indexes.put(id, VpcIndex.of(vpc)));
        return indexes;
    }

    private static Map<String, Set<String>> invert(Map<String, VpcIndex> indexes) {
        Map<String, Set<String>> vpcsByHost = new HashMap<>();
        indexes.forEach((vpcId, index) -> index.hosts()
                .forEach(hostId ->
                        vpcsByHost.computeIfAbsent(hostId, h -> new TreeSet<>()).add(vpcId)));
        return vpcsByHost;
    }

    public PublicNetwork publicNetwork() {
        return publicNetwork;
    }

    /** The elastic IP of an instance, if it has one. */
    public ElasticIpNode elasticIpOf(String instanceId) {
        return elasticIpByInstance.get(instanceId);
    }

    /** Hosts on the provider segment: those with an internet host, an instance with an elastic IP or a NAT gateway, sorted. */
    public Set<String> publicHosts() {
        return publicHosts;
    }

    public Map<String, HostNode> hosts() {
        return hosts;
    }

    public Map<String, VpcNode> vpcs() {
        return vpcs;
    }

    public HostNode host(String hostId) {
        HostNode host = hosts.get(hostId);
        if (host == null) {
            throw new IllegalArgumentException("unknown host " + hostId);
        }
        return host;
    }

    /** VPCs with at least one instance on the host, sorted. */
    public Set<String> vpcsOn(String hostId) {
        return vpcsByHost.getOrDefault(hostId, Set.of());
    }

    /** Hosts with at least one instance of the VPC, sorted. */
    public Set<String> hostsOf(String vpcId) {
        VpcIndex index = indexes.get(vpcId);
        return index == null ? Set.of() : index.hosts();
    }

    /** VPCs the given VPC has an active peering with. */
    public Set<String> peersOf(String vpcId) {
        return activePeers.getOrDefault(vpcId, Set.of());
    }

    /** VPCs whose segments a host must know: its own plus their active peers, sorted. */
    public Set<String> vpcsVisibleFrom(String hostId) {
        Set<String> visible = new TreeSet<>(vpcsOn(hostId));
        for (String vpc : vpcsOn(hostId)) {
            visible.addAll(peersOf(vpc));
        }
        visible.retainAll(vpcs.keySet());
        return visible;
    }

    /**
     * Hosts whose table may mention the VPC: hosts with ports in it or in one of its peers.
     * A change to the VPC recompiles exactly these (before and after the change).
     */
    public Set<String> hostsAffectedBy(String vpcId) {
        Set<String> affected = new TreeSet<>(hostsOf(vpcId));
        for (String peer : peersOf(vpcId)) {
            affected.addAll(hostsOf(peer));
        }
        VpcNode vpc = vpcs.get(vpcId);
        if (vpc != null && (!vpc.elasticIps().isEmpty() || !vpc.natGateways().isEmpty())) {
            // every provider-segment host routes its elastic IPs and NAT gateways' public addresses
            affected.addAll(publicHosts);
        }
        return affected;
    }

    /** A copy with one VPC replaced (or removed when {@code vpc} is null); only that VPC is indexed again. */
    public NetworkSnapshot withVpc(String vpcId, VpcNode vpc) {
        Map<String, VpcNode> nextVpcs = new HashMap<>(vpcs);
        Map<String, VpcIndex> nextIndexes = new HashMap<>(indexes);
        VpcIndex previous = indexes.get(vpcId);
        VpcIndex next = null;
        if (vpc == null) {
            nextVpcs.remove(vpcId);
            nextIndexes.remove(vpcId);
        } else {
            next = VpcIndex.of(vpc);
            nextVpcs.put(vpcId, vpc);
            nextIndexes.put(vpcId, next);
        }
        Map<String, Set<String>> nextVpcsByHost = new HashMap<>(vpcsByHost);
        Set<String> moved = new TreeSet<>(previous == null ? Set.of() : previous.hosts());
        if (next != null) {
            moved.addAll(next.hosts());
        }
        for (String hostId : moved) { // copy on write: the sets of other snapshots stay as they are
            Set<String> onHost = new TreeSet<>(vpcsByHost.getOrDefault(hostId, Set.of()));
            onHost.remove(vpcId);
            if (next != null && next.hosts().contains(hostId)) {
                onHost.add(vpcId);
            }
            if (onHost.isEmpty()) {
                nextVpcsByHost.remove(hostId);
            } else {
                nextVpcsByHost.put(hostId, onHost);
            }
        }
        return new NetworkSnapshot(
                hosts, Map.copyOf(nextVpcs), activePeers, publicNetwork, nextIndexes, nextVpcsByHost);
    }

    public NetworkSnapshot withHosts(Map<String, HostNode> nextHosts) {
        return new NetworkSnapshot(Map.copyOf(nextHosts), vpcs, activePeers, publicNetwork, indexes, vpcsByHost);
    }

    public NetworkSnapshot withPeers(Map<String, Set<String>> nextPeers) {
        return new NetworkSnapshot(hosts, vpcs, copyOfPeers(nextPeers), publicNetwork, indexes, vpcsByHost);
    }

    public NetworkSnapshot withPublicNetwork(PublicNetwork next) {
        return new NetworkSnapshot(hosts, vpcs, activePeers, next, indexes, vpcsByHost);
    }
}
