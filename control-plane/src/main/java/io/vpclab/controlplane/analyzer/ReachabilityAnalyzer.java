package io.vpclab.controlplane.analyzer;

import io.vpclab.agent.table.TableRefusedException;
import io.vpclab.agent.table.TableTranslator;
import io.vpclab.controlplane.elasticip.ElasticIp;
import io.vpclab.controlplane.elasticip.ElasticIpService;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.internethost.InternetHostService;
import io.vpclab.controlplane.internethost.InternetHostService.InternetHostView;
import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import io.vpclab.controlplane.southbound.NetworkCompilation;
import io.vpclab.controlplane.subnet.RouteContributor.RouteEntry;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.vpn.VpnConnectionService;
import io.vpclab.controlplane.vpn.VpnGatewayService;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.stereotype.Service;

/**
 * Resolves a path request's ends within the caller's view, walks the flow over the hosts' current
 * forwarding tables (as the agents receive them, translated by the agent's own translator) and
 * names the routes it took from the source subnet's route table.
 */
@Service
// the analyzer reads tables with the agent's own translator: a server built without the agent has none
@ConditionalOnClass(name = "io.vpclab.agent.table.TableTranslator")
public class ReachabilityAnalyzer {

    private static final String ON_PREMISES = "on-premises";

    /** One end of a path request: exactly one field set. */
    public record EndpointRequest(String instance, String internetHost, String elasticIp, String ip) {}

    /**
     * A resolved end: {@code portId} and {@code hostId} are set for an end that can send (for an
     * on-premises address, its VPN gateway's port and host; {@code id} is then the VPN connection).
     */
    public record Endpoint(
            String type, String id, String name, String ip, String hostId, String portId, String subnetId) {}

    /** What the API answers. */
    public record Analysis(
            boolean reachable,
            Endpoint source,
            Endpoint destination,
            String protocol,
            Integer port,
            Integer sourcePort,
            Integer sourcePortFrom,
            Integer sourcePortTo,
            List<PathHop> hops) {

        /** The blocking hop, or null when the path is reachable. */
        public PathHop explanation() {
            return reachable || hops.isEmpty() ? null : hops.get(hops.size() - 1);
        }
    }

    private final InstanceService instances;
    private final ElasticIpService elasticIps;
    private final InternetHostService internetHosts;
    private final SubnetService subnets;
    private final NetworkCompilation compilation;
    private final CallerView callerView;
    private final VpnConnectionService vpnConnections;
    private final VpnGatewayService vpnGateways;

    ReachabilityAnalyzer(
            InstanceService instances,
            ElasticIpService elasticIps,
            InternetHostService internetHosts,
            SubnetService subnets,
            NetworkCompilation compilation,
            CallerView callerView,
            VpnConnectionService vpnConnections,
            VpnGatewayService vpnGateways) {
        this.callerView = callerView;
        this.vpnConnections = vpnConnections;
        this.vpnGateways = vpnGateways;
        this.instances = instances;
        this.elasticIps = elasticIps;
        this.internetHosts = internetHosts;
        this.subnets = subnets;
        this.compilation = compilation;
    }

    public Analysis analyze(
            Caller caller,
            EndpointRequest sourceRequest,
            EndpointRequest destinationRequest,
            String protocol,
            Integer port,
            Integer sourcePort) {
        PathWalker.Flow flow = flow(protocol, port, sourcePort);
        Endpoint source = resolve(caller, sourceRequest, "source");
        Endpoint destination = resolve(caller, destinationRequest, "destination");
        if (source.portId() == null) {
            throw ApiException.invalidParameter("source " + source.ip() + " cannot send: it must be an instance, an"
                    + " internet host, an elastic IP of an instance, an address one of them holds, or an"
                    + " on-premises address of one of your VPN connections");
        }
        if (source.hostId() == null) {
            throw ApiException.invalidParameter("source " + source.name() + " is not placed on a host yet");
        }
        Map<String, ForwardingState> states = new HashMap<>();
        PathWalker walker = new PathWalker(hostId -> states.computeIfAbsent(hostId, this::state));
        PathWalker.Result result = walker.walk(
                source.hostId(),
                source.portId(),
                source.type().equals(ON_PREMISES) ? Ipv4Address.parse(source.ip()) : null,
                (int) (long) Ipv4Prefix.parseAddress(destination.ip()),
                flow);
        Set<String> named = new HashSet<>();
        for (Endpoint end : List.of(source, destination)) {
            // the caller could name these ends, so it may see them (an on-premises end: its VPN connection)
            if (end.portId() != null) {
                named.add(end.portId());
            }
            if (end.id() != null) {
                named.add(end.id());
            }
        }
        List<PathHop> hops = callerView.redact(caller, nameRoutes(caller, source, destination, result.hops()), named);
        return new Analysis(
                result.reachable(),
                source,
                destination,
                protocol,
                flow.isIcmp() ? null : flow.destinationPort(),
                flow.isIcmp() || flow.sourcePortFrom() != flow.sourcePortTo() ? null : flow.sourcePortFrom(),
                flow.isIcmp() ? null : flow.sourcePortFrom(),
                flow.isIcmp() ? null : flow.sourcePortTo(),
                hops);
    }

    private static PathWalker.Flow flow(String protocol, Integer port, Integer sourcePort) {
        if (sourcePort != null && (sourcePort < 1 || sourcePort > 65535)) {
            throw ApiException.invalidParameter("sourcePort must be 1..65535: " + sourcePort);
        }
        // without a port named, the source may pick any of its ephemeral ports: the replies must reach them all
        int from = sourcePort == null ? SimulatedHost.EPHEMERAL_FIRST : sourcePort;
        int to = sourcePort == null ? SimulatedHost.EPHEMERAL_LAST : sourcePort;
        if (protocol == null) {
            throw ApiException.badRequest("MissingParameter", "protocol is required: tcp, udp or icmp");
        }
        return switch (protocol) {
            case "icmp" -> {
                if (port != null) {
                    throw ApiException.invalidParameter("icmp takes no port (the path of an echo request is analyzed)");
                }
                yield PathWalker.Flow.ping();
            }
            case "tcp", "udp" -> {
                if (port == null) {
                    throw ApiException.badRequest("MissingParameter", "port is required for " + protocol);
                }
                if (port < 1 || port > 65535) {
                    throw ApiException.invalidParameter("port must be 1..65535: " + port);
                }
                yield new PathWalker.Flow(
                        protocol.equals("tcp") ? IpProtocol.TCP_VALUE : IpProtocol.UDP_VALUE, port, from, to);
            }
            default -> throw ApiException.invalidParameter("protocol must be tcp, udp or icmp: " + protocol);
        };
    }

    /** The host's current table as the agent would build it, or null when the host has none. */
    private ForwardingState state(String hostId) {
        return compilation
                .currentTable(hostId)
                .map(table -> {
                    try {
                        return TableTranslator.translate(hostId, table);
                    } catch (TableRefusedException refused) {
                        // the agent refuses it too: its host keeps its last table, which the analyzer cannot see
                        throw new ApiException(
                                org.springframework.http.HttpStatus.CONFLICT,
                                "IncorrectState",
                                "the table of host " + hostId + " is refused by the agent's validator: "
                                        + refused.getMessage());
                    }
                })
                .orElse(null);
    }

    // ---- ends ----

    Endpoint resolve(Caller caller, EndpointRequest request, String role) {
        if (request == null) {
            throw ApiException.badRequest("MissingParameter", role + " is required");
        }
        int set = count(request.instance())
                + count(request.internetHost())
                + count(request.elasticIp())
                + count(request.ip());
        if (set != 1) {
            throw ApiException.invalidParameter(
                    role + " must name exactly one of instance, internetHost, elasticIp or ip (got " + set + ")");
        }
        if (request.instance() != null) {
            return instanceEnd(instance(caller, request.instance().trim(), role));
        }
        if (request.internetHost() != null) {
            return internetHostEnd(internetHost(request.internetHost().trim())
                    .orElseThrow(() -> ApiException.notFound(
                            "InvalidInternetHost.NotFound",
                            role + ": no internet host has id, name or address " + request.internetHost())));
        }
        if (request.elasticIp() != null) {
            return elasticIpEnd(caller, elasticIp(caller, request.elasticIp().trim(), role));
        }
        Long address = Ipv4Prefix.parseAddress(request.ip().trim());
        if (address == null) {
            throw ApiException.invalidParameter(role + ".ip " + Ipv4Prefix.notAnAddress(request.ip()));
        }
        String ip = Ipv4Prefix.formatAddress(address);
        List<Instance> holders = allInstances(caller, i -> ip.equals(i.privateIpAddress()));
        if (holders.size() == 1) {
            return instanceEnd(holders.get(0));
        }
        if (holders.size() > 1 && role.equals("source")) {
            throw ApiException.invalidParameter("source " + ip + " is the address of " + holders.size()
                    + " instances (in different VPCs): name the instance");
        }
        if (holders.isEmpty()) {
            Optional<InternetHostView> host = internetHost(ip);
            if (host.isPresent()) {
                return internetHostEnd(host.get());
            }
            Optional<Endpoint> onPremises = onPremisesEnd(caller, address, ip);
            if (onPremises.isPresent()) {
                return onPremises.get();
            }
        }
        return new Endpoint("ip", null, ip, ip, null, null, null);
    }

    /**
     * An address inside an on-premises CIDR of one of the caller's VPN connections: it sends into
     * the VPC out of the tunnel, so from the VPN gateway's port on the gateway's host.
     */
    private Optional<Endpoint> onPremisesEnd(Caller caller, long address, String ip) {
        return all(
                        page -> vpnConnections.list(caller, null, page),
                        connection -> connection.onPremisesCidrs().stream().anyMatch(cidr -> cidr.contains(address)))
                .stream()
                .findFirst()
                .map(connection -> {
                    VpnGatewayService.VpnGatewayView gateway = vpnGateways.get(caller, connection.vpnGatewayId());
                    return new Endpoint(
                            ON_PREMISES,
                            connection.id(),
                            "on premises of " + connection.id(),
                            ip,
                            gateway.gateway().hostId(),
                            gateway.gateway().id(),
                            null);
                });
    }

    private static int count(String field) {
        return field == null || field.isBlank() ? 0 : 1;
    }

    private Instance instance(Caller caller, String idOrName, String role) {
        try {
            return instances.get(caller, idOrName);
        } catch (ApiException notFound) {
            List<Instance> named = allInstances(caller, i -> idOrName.equals(i.name()));
            if (named.size() == 1) {
                return named.get(0);
            }
            if (named.size() > 1) {
                throw ApiException.invalidParameter(
                        role + ": " + named.size() + " instances are named " + idOrName + ": use the instance id");
            }
            throw ApiException.notFound(
                    "InvalidInstanceID.NotFound", role + ": no instance has id or name " + idOrName);
        }
    }

    private static Endpoint instanceEnd(Instance instance) {
        return new Endpoint(
                "instance",
                instance.id(),
                instance.name(),
                instance.privateIpAddress(),
                instance.hostId(),
                instance.id(),
                instance.subnetId());
    }

    private static Endpoint internetHostEnd(InternetHostView host) {
        return new Endpoint(
                "internet-host",
                host.id(),
                host.name(),
                host.ip(),
                host.hostId(),
                PublicNetworkProperties.internetHostId(host.name()),
                null);
    }

    /** The internet is public: any caller may name its hosts (their list stays admin only). */
    private Optional<InternetHostView> internetHost(String idNameOrIp) {
        return internetHosts.find(idNameOrIp);
    }

    private ElasticIp elasticIp(Caller caller, String idOrAddress, String role) {
        if (Ipv4Prefix.parseAddress(idOrAddress) == null) {
            return elasticIps.get(caller, idOrAddress);
        }
        String address = Ipv4Prefix.formatAddress(Ipv4Prefix.parseAddress(idOrAddress));
        return all(
                        page -> elasticIps.list(caller, null, page),
                        eip -> eip.publicIp().equals(address))
                .stream()
                .findFirst()
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidAllocationID.NotFound", role + ": no elastic IP of yours has address " + address));
    }

    /** As a destination its public address; as a source the instance that holds it (which sends through it). */
    private Endpoint elasticIpEnd(Caller caller, ElasticIp eip) {
        Instance holder = eip.instanceId() == null ? null : instances.get(caller, eip.instanceId());
        return new Endpoint(
                "elastic-ip",
                eip.id(),
                holder == null ? eip.publicIp() : holder.name(),
                eip.publicIp(),
                holder == null ? null : holder.hostId(),
                holder == null ? null : holder.id(),
                holder == null ? null : holder.subnetId());
    }

    private List<Instance> allInstances(Caller caller, Predicate<Instance> wanted) {
        return all(page -> instances.list(caller, null, null, null, page), wanted);
    }

    private static <T> List<T> all(Function<PageRequest, PageRequest.Page<T>> lister, Predicate<T> wanted) {
        List<T> found = new ArrayList<>();
        String next = null;
        do {
            PageRequest.Page<T> page = lister.apply(PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, next));
            page.items().stream().filter(wanted).forEach(found::add);
            next = page.nextToken();
        } while (next != null);
        return found;
    }

    // ---- routes by name ----

    /**
     * The walker knows a route by its kind and prefix length (what the data plane's tables keep:
     * the VPC router holds one route per subnet where the view shows the VPC's local block); the
     * source subnet's effective routes name it: the longest of them that covers the destination,
     * with its CIDR, target and route table.
     */
    private List<PathHop> nameRoutes(Caller caller, Endpoint source, Endpoint destination, List<PathHop> hops) {
        if (source.subnetId() == null || hops.stream().noneMatch(h -> h.component() == PathComponent.ROUTE)) {
            return hops;
        }
        List<RouteEntry> routes = subnets.effectiveRoutes(caller, source.subnetId());
        long target = Ipv4Prefix.parseAddress(destination.ip());
        RouteEntry route = routes.stream()
                .filter(r -> {
                    Ipv4Prefix cidr = Ipv4Prefix.parseOrNull(r.destinationCidrBlock());
                    return cidr != null && cidr.contains(target);
                })
                .max(Comparator.comparingInt(
                        r -> Ipv4Prefix.parse(r.destinationCidrBlock()).length()))
                .orElse(null);
        List<PathHop> named = new ArrayList<>();
        boolean first = true;
        for (PathHop hop : hops) {
            boolean byTable = hop.ruleId() != null && hop.ruleId().contains("/");
            if (first && hop.component() == PathComponent.ROUTE && byTable && route != null) {
                first = false;
                hop = new PathHop(
                        hop.component(),
                        route.routeTableId() == null ? hop.componentId() : route.routeTableId(),
                        hop.hostId(),
                        route.destinationCidrBlock(),
                        hop.detail() + " [route " + route.destinationCidrBlock() + " -> "
                                + route.target().name().toLowerCase(Locale.ROOT).replace('_', '-')
                                + (route.targetId() == null ? "" : " " + route.targetId())
                                + (route.routeTableId() == null ? "" : " in " + route.routeTableId()) + "]",
                        hop.allowed());
            }
            named.add(hop);
        }
        return named;
    }
}
