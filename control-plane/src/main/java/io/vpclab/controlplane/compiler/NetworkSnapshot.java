package io.vpclab.controlplane.compiler;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable picture of the network: hosts, VPCs (with subnets and instances) and active
 * peerings. Indexes are built once, so compiling a host's table never scans the whole network.
 */
public final class NetworkSnapshot {

    public static final NetworkSnapshot EMPTY = new NetworkSnapshot(Map.of(), Map.of(), Map.of());

    private final PublicNetwork publicNetwork;
    private final Map<String, ElasticIpNode> elasticIpByInstance = new HashMap<>();
    private final Set<String> publicHosts = new TreeSet<>();

    private final Map<String, HostNode> hosts;
    private final Map<String, VpcNode> vpcs;
    private final Map<String, Set<String>> activePeers;
    private final Map<String, Set<String>> vpcsByHost = new HashMap<>();
    private final Map<String, Set<String>> hostsByVpc = new HashMap<>();

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
        this.publicNetwork = publicNetwork;
        this.hosts = Map.copyOf(hosts);
        this.vpcs = Map.copyOf(vpcs);
        Map<String, Set<String>> peers = new HashMap<>();
        activePeers.forEach((vpc, others) -> peers.put(vpc, Set.copyOf(others)));
        this.activePeers = Map.copyOf(peers);
        for (VpcNode vpc : this.vpcs.values()) {
            for (InstanceNode instance : vpc.ports()) {
                vpcsByHost
                        .computeIfAbsent(instance.hostId(), h -> new TreeSet<>())
                        .add(vpc.id());
                hostsByVpc.computeIfAbsent(vpc.id(), v -> new TreeSet<>()).add(instance.hostId());
            }
            Map<String, String> hostOfInstance = new HashMap<>();
            vpc.instances().forEach(instance -> hostOfInstance.put(instance.id(), instance.hostId()));
            for (ElasticIpNode eip : vpc.elasticIps()) {
                String hostId = hostOfInstance.get(eip.instanceId());
                if (hostId != null) {
                    elasticIpByInstance.put(eip.instanceId(), eip);
                    publicHosts.add(hostId);
                }
            }
            vpc.natGateways()
                    .forEach(nat -> publicHosts.add(nat.hostId())); // its public side is on the provider segment
        }
        publicNetwork.internetHosts().forEach(host -> publicHosts.add(host.hostId()));
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
        return hostsByVpc.getOrDefault(vpcId, Set.of());
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

    /** A copy with one VPC replaced (or removed when {@code vpc} is null). */
    public NetworkSnapshot withVpc(String vpcId, VpcNode vpc) {
        Map<String, VpcNode> next = new HashMap<>(vpcs);
        if (vpc == null) {
            next.remove(vpcId);
        } else {
            next.put(vpcId, vpc);
        }
        return new NetworkSnapshot(hosts, next, activePeers, publicNetwork);
    }

    public NetworkSnapshot withHosts(Map<String, HostNode> nextHosts) {
        return new NetworkSnapshot(nextHosts, vpcs, activePeers, publicNetwork);
    }

    public NetworkSnapshot withPeers(Map<String, Set<String>> nextPeers) {
        return new NetworkSnapshot(hosts, vpcs, nextPeers, publicNetwork);
    }

    public NetworkSnapshot withPublicNetwork(PublicNetwork next) {
        return new NetworkSnapshot(hosts, vpcs, activePeers, next);
    }
}
