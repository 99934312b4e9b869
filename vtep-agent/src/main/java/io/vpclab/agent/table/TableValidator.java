package io.vpclab.agent.table;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortElasticIp;
import io.vpclab.client.model.Route;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableHost;
import io.vpclab.client.model.TableWhitelist;
import io.vpclab.client.model.TableWhitelistRule;
import io.vpclab.client.model.Vtep;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.net.DeviceName;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.VlanSpec;
import io.vpclab.net.Vni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a bound {@link ForwardingTable} against the contract's rules (api-spec openapi.yaml,
 * RULES.md) and its own cross-references, and reports every problem with the JSON pointer of
 * the offending value. Pure: no I/O, no partial results. This is the one home of the table
 * rules: the file mode ({@link TableFile}, which adds line and column) and the stream
 * ({@link TableTranslator}) run it, and the data plane's {@code ForwardingState} builds only
 * what it accepted, without checking the rules again.
 */
final class TableValidator {

    /** {@code ip netns} names become files under /run/netns. */
    private static final Pattern NAMESPACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final List<DocumentProblem> issues = new ArrayList<>();

    private TableValidator() {}

    static List<DocumentProblem> validate(ForwardingTable table) {
        TableValidator v = new TableValidator();
        v.table(table);
        return v.issues;
    }

    private void table(ForwardingTable table) {
        if (table.getGeneration() != null && table.getGeneration() < 0) {
            issue("/generation", "must be >= 0, got " + table.getGeneration());
        }
        Long hostEndpoint = host(table.getHost());
        Set<String> vtepIds = vteps(table.getVteps(), hostEndpoint);
        Set<String> routerIds = new HashSet<>();
        List<Router> routers = nonNull(table.getRouters());
        for (int i = 0; i < routers.size(); i++) {
            Router router = routers.get(i);
            if (router != null && router.getId() != null && !router.getId().isBlank()) {
                routerIds.add(router.getId());
            }
        }
        Map<Integer, Ipv4Prefix> segments = segments(table.getSegments(), vtepIds, routerIds);
        // MAC -> "port id" or "vtep id" per VNI: a MAC lives behind one place only
        Map<String, String> macOwners = new HashMap<>();
        Map<String, Long> portMacByIp = new HashMap<>();
        ports(table.getPorts(), segments, macOwners, portMacByIp);
        macs(table.getMacs(), segments, vtepIds, macOwners);
        bindings(table.getBindings(), segments, portMacByIp);
        routers(routers, segments);
        learningPeers(table);
        arpSuppression(table);
        elasticIps(table.getSegments(), table.getPorts());
        Set<String> whitelistIds = whitelists(table.getWhitelists());
        elasticIpWhitelists(table.getPorts(), whitelistIds);
        new RoutedSegmentRules(this, table).check(whitelistIds);
        new SecurityGroupTableRules(this, table).check();
        new NetworkAclTableRules(this, table).check();
        new VpnGatewayTableRules(this, table).check();
    }

    /** Whitelist ids (unique) and their rules: unique ids, a CIDR, ports only for TCP/UDP within 0..65535. */
    private Set<String> whitelists(List<TableWhitelist> whitelists) {
        Set<String> ids = new HashSet<>();
        whitelists = nonNull(whitelists);
        for (int i = 0; i < whitelists.size(); i++) {
            String at = "/whitelists/" + i;
            TableWhitelist whitelist = whitelists.get(i);
            if (whitelist == null) {
                issue(at, "must be an object");
                continue;
            }
            if (requiredText(at + "/id", whitelist.getId()) && !ids.add(whitelist.getId())) {
                issue(at + "/id", "duplicate whitelist id '" + whitelist.getId() + "'");
            }
            Set<String> ruleIds = new HashSet<>();
            List<TableWhitelistRule> rules = nonNull(whitelist.getRules());
            for (int r = 0; r < rules.size(); r++) {
                whitelistRule(at + "/rules/" + r, rules.get(r), ruleIds);
            }
        }
        return ids;
    }

    private void whitelistRule(String at, TableWhitelistRule rule, Set<String> ruleIds) {
        if (rule == null) {
            issue(at, "must be an object");
            return;
        }
        if (requiredText(at + "/id", rule.getId()) && !ruleIds.add(rule.getId())) {
            issue(at + "/id", "duplicate rule id '" + rule.getId() + "' in this whitelist");
        }
        if (rule.getProtocol() == null) {
            issue(at + "/protocol", "is required (TCP, UDP, ICMP or ALL)");
        }
        if (rule.getCidrBlock() == null) {
            issue(at + "/cidrBlock", "is required (the remote side, e.g. 198.51.100.0/24)");
        } else {
            prefix(at + "/cidrBlock", rule.getCidrBlock());
        }
        boolean ported = rule.getProtocol() == TableWhitelistRule.ProtocolEnum.TCP
                || rule.getProtocol() == TableWhitelistRule.ProtocolEnum.UDP;
        if (!ported && (rule.getFromPort() != null || rule.getToPort() != null)) {
            issue(at, "ports apply to TCP and UDP only, not to " + rule.getProtocol());
        }
        range(at + "/fromPort", rule.getFromPort(), 0, 65535);
        range(at + "/toPort", rule.getToPort(), 0, 65535);
        if (rule.getFromPort() != null && rule.getToPort() != null && rule.getFromPort() > rule.getToPort()) {
            issue(
                    at,
                    "port range " + rule.getFromPort() + "-" + rule.getToPort() + " is inverted (fromPort <= toPort)");
        }
    }

    /** WHITELIST ingress names a whitelist of the table, and only WHITELIST names one. */
    private void elasticIpWhitelists(List<Port> ports, Set<String> whitelistIds) {
        ports = nonNull(ports);
        for (int i = 0; i < ports.size(); i++) {
            PortElasticIp eip = ports.get(i) == null ? null : ports.get(i).getElasticIp();
            if (eip == null) {
                continue;
            }
            String at = "/ports/" + i + "/elasticIp";
            boolean whitelisted = eip.getIngressPolicy() == PortElasticIp.IngressPolicyEnum.WHITELIST;
            if (whitelisted && eip.getWhitelistId() == null) {
                issue(at + "/whitelistId", "is required with ingressPolicy WHITELIST");
            } else if (!whitelisted && eip.getWhitelistId() != null) {
                issue(at + "/whitelistId", "goes with ingressPolicy WHITELIST only, not " + eip.getIngressPolicy());
            } else if (whitelisted && !whitelistIds.contains(eip.getWhitelistId())) {
                issue(at + "/whitelistId", "unknown whitelist '" + eip.getWhitelistId() + "' (not in whitelists)");
            }
        }
    }

    /** One routed provider segment at most; elastic IPs need it, a port address and a unique public IP. */
    private void elasticIps(List<Segment> segments, List<Port> ports) {
        Integer provider = null;
        segments = nonNull(segments);
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment == null || !Boolean.TRUE.equals(segment.getProvider())) {
                continue;
            }
            if (provider != null) {
                issue(
                        "/segments/" + i + "/provider",
                        "only one segment may be the provider network (vni " + provider + " is)");
            } else {
                provider = segment.getVni();
            }
            if (segment.getRouterId() == null) {
                issue(
                        "/segments/" + i + "/routerId",
                        "the provider segment must be routed (its router routes public addresses)");
            }
        }
        Set<Integer> publicIps = new HashSet<>();
        ports = nonNull(ports);
        for (int i = 0; i < ports.size(); i++) {
            Port port = ports.get(i);
            if (port == null || port.getElasticIp() == null) {
                continue;
            }
            String at = "/ports/" + i + "/elasticIp";
            Integer publicIp = requiredIp(at + "/publicIp", port.getElasticIp().getPublicIp());
            if (publicIp != null && !publicIps.add(publicIp)) {
                issue(at + "/publicIp", port.getElasticIp().getPublicIp() + " is the elastic IP of another port");
            }
            if (provider == null) {
                issue(at, "needs a provider segment in segments (provider: true)");
            } else if (provider.equals(port.getVni())) {
                issue(at, "a port on the provider segment cannot have an elastic IP");
            }
            if (port.getIpAddress() == null) {
                issue(at, "needs the port's ipAddress (the private side of the 1:1 NAT)");
            }
        }
    }

    /** The host's underlay endpoint (IP and UDP port), or null when its IP is missing or bad. */
    private Long host(TableHost host) {
        if (host == null) {
            issue("/host", "is required (the VTEP itself: underlayIp, udpPort, underlayMtu)");
            return null;
        }
        Integer ip = requiredIp("/host/underlayIp", host.getUnderlayIp());
        range("/host/udpPort", host.getUdpPort(), 1, 65535);
        range("/host/underlayMtu", host.getUnderlayMtu(), 1280, 65535);
        return ip == null ? null : endpoint(ip, host.getUdpPort());
    }

    /**
     * Unique ids and underlay endpoints. Agents on one machine share an IP and differ by UDP
     * port (the demo's in-process agents), so a VTEP is its IP and port, as in the data plane.
     */
    private Set<String> vteps(List<Vtep> vteps, Long hostEndpoint) {
        Set<String> ids = new HashSet<>();
        Set<Long> endpoints = new HashSet<>();
        vteps = nonNull(vteps);
        for (int i = 0; i < vteps.size(); i++) {
            String at = "/vteps/" + i;
            Vtep vtep = vteps.get(i);
            if (vtep == null) {
                issue(at, "must be an object");
                continue;
            }
            if (requiredText(at + "/id", vtep.getId()) && !ids.add(vtep.getId())) {
                issue(at + "/id", "duplicate vtep id '" + vtep.getId() + "'");
            }
            Integer ip = requiredIp(at + "/ip", vtep.getIp());
            range(at + "/port", vtep.getPort(), 1, 65535);
            Long endpoint = ip == null ? null : endpoint(ip, vtep.getPort());
            String shown = vtep.getIp() + ":" + (vtep.getPort() == null ? Vxlan.PORT : vtep.getPort());
            if (endpoint != null && endpoint.equals(hostEndpoint)) {
                issue(at + "/ip", shown + " is this host's own underlayIp and udpPort");
            } else if (endpoint != null && !endpoints.add(endpoint)) {
                issue(at + "/ip", shown + " is already the address of another vtep");
            }
        }
        return ids;
    }

    private static long endpoint(int ip, Integer udpPort) {
        return ((ip & 0xFFFF_FFFFL) << 16) | (udpPort == null ? Vxlan.PORT : udpPort & 0xFFFF);
    }

    private Map<Integer, Ipv4Prefix> segments(List<Segment> segments, Set<String> vtepIds, Set<String> routerIds) {
        Map<Integer, Ipv4Prefix> byVni = new HashMap<>();
        segments = nonNull(segments);
        for (int i = 0; i < segments.size(); i++) {
            String at = "/segments/" + i;
            Segment segment = segments.get(i);
            if (segment == null) {
                issue(at, "must be an object");
                continue;
            }
            Integer vni = requiredVni(at + "/vni", segment.getVni());
            if (vni != null && byVni.containsKey(vni)) {
                issue(at + "/vni", "duplicate segment vni " + vni);
            }
            Ipv4Prefix cidr = prefix(at + "/cidrBlock", segment.getCidrBlock());
            if (vni != null) {
                byVni.putIfAbsent(vni, cidr);
            }
            range(at + "/vlanId", segment.getVlanId(), VlanSpec.MIN_ID, VlanSpec.MAX_ID);
            Integer gateway = optionalIp(at + "/gatewayIp", segment.getGatewayIp());
            if (gateway != null && cidr != null && !cidr.contains(gateway.intValue())) {
                issue(at + "/gatewayIp", segment.getGatewayIp() + " is outside cidrBlock " + segment.getCidrBlock());
            }
            if (segment.getRouterId() != null && !routerIds.contains(segment.getRouterId())) {
                issue(at + "/routerId", "unknown router '" + segment.getRouterId() + "' (not in routers)");
            }
            if (gateway != null && segment.getRouterId() == null) {
                issue(at + "/gatewayIp", "needs a routerId (the router that answers for the gateway)");
            }
            if (segment.getDefaultRoute() != null) {
                requiredVni(at + "/defaultRoute/vni", segment.getDefaultRoute().getVni());
                requiredIp(
                        at + "/defaultRoute/nextHop", segment.getDefaultRoute().getNextHop());
                if (segment.getRouterId() == null) {
                    issue(at + "/defaultRoute", "needs a routerId (the router that routes by it)");
                }
            }
            List<String> flood = nonNull(segment.getFloodList());
            Set<String> seen = new HashSet<>();
            for (int f = 0; f < flood.size(); f++) {
                String vtep = flood.get(f);
                if (!vtepIds.contains(vtep)) {
                    issue(at + "/floodList/" + f, "unknown vtep '" + vtep + "' (not in vteps)");
                } else if (!seen.add(vtep)) {
                    issue(at + "/floodList/" + f, "vtep '" + vtep + "' is listed twice");
                }
            }
        }
        return byVni;
    }

    /**
     * The provider segment keeps ARP suppression: its public addresses (elastic IPs, NAT gateways)
     * have no stack that would answer a flooded request, only the agent that holds them.
     */
    private void arpSuppression(ForwardingTable table) {
        List<Segment> segments = nonNull(table.getSegments());
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment != null
                    && Boolean.TRUE.equals(segment.getProvider())
                    && Boolean.FALSE.equals(segment.getArpSuppression())) {
                issue("/segments/" + i + "/arpSuppression", "the provider segment always answers ARP locally");
            }
        }
    }

    /**
     * A learning peer is the one VTEP of its segment's flood list and learns the MACs behind it,
     * beside at most one local port (the pipeline sends it what that port sends to unknown MACs).
     */
    private void learningPeers(ForwardingTable table) {
        List<Segment> segments = nonNull(table.getSegments());
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment == null || !Boolean.TRUE.equals(segment.getLearningPeer())) {
                continue;
            }
            String at = "/segments/" + i;
            if (nonNull(segment.getFloodList()).size() != 1) {
                issue(at + "/floodList", "a segment with learningPeer needs exactly one VTEP here, its learning peer");
            }
            if (Boolean.TRUE.equals(segment.getProvider())) {
                issue(at + "/learningPeer", "the provider segment has no learning peer");
            }
            Integer vni = segment.getVni();
            List<Port> ports = nonNull(table.getPorts());
            int portsOnSegment = 0;
            for (int p = 0; p < ports.size(); p++) {
                if (ports.get(p) != null
                        && vni != null
                        && vni.equals(ports.get(p).getVni())
                        && ++portsOnSegment == 2) {
                    issue(
                            "/ports/" + p + "/vni",
                            "vni " + vni + " has a learning peer, which allows one local port only");
                }
            }
            List<MacEntry> macs = nonNull(table.getMacs());
            for (int m = 0; m < macs.size(); m++) {
                if (macs.get(m) != null && vni != null && vni.equals(macs.get(m).getVni())) {
                    issue(
                            "/macs/" + m + "/vni",
                            "vni " + vni + " has a learning peer: the MACs behind it are learned, not listed");
                }
            }
        }
    }

    private void ports(
            List<Port> ports,
            Map<Integer, Ipv4Prefix> segments,
            Map<String, String> macOwners,
            Map<String, Long> portMacByIp) {
        Set<String> ids = new HashSet<>();
        Set<String> devices = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        Map<String, String> portIps = new HashMap<>();
        ports = nonNull(ports);
        for (int i = 0; i < ports.size(); i++) {
            String at = "/ports/" + i;
            Port port = ports.get(i);
            if (port == null) {
                issue(at, "must be an object");
                continue;
            }
            if (requiredText(at + "/id", port.getId()) && !ids.add(port.getId())) {
                issue(at + "/id", "duplicate port id '" + port.getId() + "'");
            }
            if (port.getKind() == null) {
                issue(at + "/kind", "is required: simulated, netns, tap, nat-gateway or vpn-gateway");
            } else if ((port.getKind() == io.vpclab.client.model.PortKind.NAT_GATEWAY)
                    != (port.getNatGateway() != null)) {
                issue(at + "/natGateway", "a port has natGateway exactly when its kind is nat-gateway");
            }
            if (port.getNatGateway() != null) {
                natGateway(at + "/natGateway", port.getNatGateway());
            }
            if (port.getFlowLog() != null) {
                requiredText(at + "/flowLog/accountId", port.getFlowLog().getAccountId());
                range(at + "/flowLog/intervalSeconds", port.getFlowLog().getIntervalSeconds(), 10, 600);
            }
            Integer vni = requiredVni(at + "/vni", port.getVni());
            if (vni != null && !segments.containsKey(vni)) {
                issue(at + "/vni", "vni " + vni + " is not a segment of this table (add it to segments)");
            }
            Long mac = requiredUnicastMac(at + "/mac", port.getMac());
            if (mac != null && vni != null && macOwners.putIfAbsent(vni + "/" + mac, "port " + port.getId()) != null) {
                issue(at + "/mac", port.getMac() + " is already used by another port on vni " + vni);
            }
            Integer ip = optionalIp(at + "/ipAddress", port.getIpAddress());
            if (ip != null && vni != null && portIps.putIfAbsent(vni + "/" + ip, port.getId()) != null) {
                issue(
                        at + "/ipAddress",
                        port.getIpAddress() + " is already the address of port '" + portIps.get(vni + "/" + ip)
                                + "' on vni " + vni);
            } else if (ip != null && vni != null && mac != null) {
                portMacByIp.putIfAbsent(vni + "/" + ip, mac);
            }
            Ipv4Prefix cidr = vni == null ? null : segments.get(vni);
            if (ip != null && cidr != null && !cidr.contains(ip.intValue())) {
                issue(at + "/ipAddress", port.getIpAddress() + " is outside the segment's cidrBlock " + cidr);
            }
            range(at + "/prefixLength", port.getPrefixLength(), 0, 32);
            optionalIp(at + "/gatewayIp", port.getGatewayIp());
            range(at + "/mtu", port.getMtu(), 68, 65535);
            if (port.getDevice() != null) {
                if (!DeviceName.isValid(port.getDevice())) {
                    issue(at + "/device", "'" + port.getDevice() + "' is not a device name (" + DeviceName.RULE + ")");
                } else if (!devices.add(port.getDevice())) {
                    issue(at + "/device", "device '" + port.getDevice() + "' is used by another port");
                }
            }
            if (port.getNamespace() != null) {
                if (!NAMESPACE_NAME.matcher(port.getNamespace()).matches()) {
                    issue(
                            at + "/namespace",
                            "'" + port.getNamespace() + "' is not a namespace name (1..64 of A-Z a-z 0-9 _ . -)");
                } else if (!namespaces.add(port.getNamespace())) {
                    issue(at + "/namespace", "namespace '" + port.getNamespace() + "' is used by another port");
                }
            }
        }
    }

    private void natGateway(String at, io.vpclab.client.model.PortNatGateway nat) {
        requiredText(at + "/id", nat.getId());
        requiredIp(at + "/publicIp", nat.getPublicIp());
        range(at + "/portMin", nat.getPortMin(), 1, 65535);
        range(at + "/portMax", nat.getPortMax(), 1, 65535);
        if (nat.getPortMin() != null && nat.getPortMax() != null && nat.getPortMin() > nat.getPortMax()) {
            issue(at + "/portMax", "must be >= portMin " + nat.getPortMin());
        }
        range(at + "/tcpIdleSeconds", nat.getTcpIdleSeconds(), 1, 86_400);
        range(at + "/udpIdleSeconds", nat.getUdpIdleSeconds(), 1, 86_400);
        List<String> sources = nonNull(nat.getSources());
        for (int i = 0; i < sources.size(); i++) {
            try {
                Ipv4Prefix.parse(sources.get(i));
            } catch (IllegalArgumentException | NullPointerException e) {
                issue(at + "/sources/" + i, "'" + sources.get(i) + "' is not an IPv4 CIDR");
            }
        }
    }

    private void macs(
            List<MacEntry> macs,
            Map<Integer, Ipv4Prefix> segments,
            Set<String> vtepIds,
            Map<String, String> macOwners) {
        macs = nonNull(macs);
        for (int i = 0; i < macs.size(); i++) {
            String at = "/macs/" + i;
            MacEntry entry = macs.get(i);
            if (entry == null) {
                issue(at, "must be an object");
                continue;
            }
            Integer vni = requiredVni(at + "/vni", entry.getVni());
            if (vni != null && !segments.containsKey(vni)) {
                issue(at + "/vni", "vni " + vni + " is not a segment of this table");
            }
            Long mac = requiredUnicastMac(at + "/mac", entry.getMac());
            String owner = mac == null || vni == null
                    ? null
                    : macOwners.putIfAbsent(vni + "/" + mac, "vtep " + entry.getVtep());
            if (owner != null) {
                issue(at + "/mac", entry.getMac() + " on vni " + vni + " already belongs to " + owner);
            }
            if (requiredText(at + "/vtep", entry.getVtep()) && !vtepIds.contains(entry.getVtep())) {
                issue(at + "/vtep", "unknown vtep '" + entry.getVtep() + "' (not in vteps)");
            }
        }
    }

    private void bindings(List<IpBinding> bindings, Map<Integer, Ipv4Prefix> segments, Map<String, Long> portMacByIp) {
        Set<String> seen = new HashSet<>();
        bindings = nonNull(bindings);
        for (int i = 0; i < bindings.size(); i++) {
            String at = "/bindings/" + i;
            IpBinding binding = bindings.get(i);
            if (binding == null) {
                issue(at, "must be an object");
                continue;
            }
            Integer vni = requiredVni(at + "/vni", binding.getVni());
            if (vni != null && !segments.containsKey(vni)) {
                issue(at + "/vni", "vni " + vni + " is not a segment of this table");
            }
            Integer ip = requiredIp(at + "/ipAddress", binding.getIpAddress());
            Ipv4Prefix cidr = vni == null ? null : segments.get(vni);
            if (ip != null && cidr != null && !cidr.contains(ip.intValue())) {
                issue(at + "/ipAddress", binding.getIpAddress() + " is outside the segment's cidrBlock " + cidr);
            }
            if (ip != null && vni != null && !seen.add(vni + "/" + ip)) {
                issue(at + "/ipAddress", binding.getIpAddress() + " on vni " + vni + " is bound twice");
            }
            Long mac = requiredUnicastMac(at + "/mac", binding.getMac());
            Long portMac = ip == null || vni == null ? null : portMacByIp.get(vni + "/" + ip);
            if (mac != null && portMac != null && !portMac.equals(mac)) {
                issue(
                        at + "/mac",
                        binding.getIpAddress() + " is a local port's address, bound here to " + binding.getMac()
                                + " instead of the port's MAC " + MacAddress.format(portMac));
            }
        }
    }

    private void routers(List<Router> routers, Map<Integer, Ipv4Prefix> segments) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < routers.size(); i++) {
            String at = "/routers/" + i;
            Router router = routers.get(i);
            if (router == null) {
                issue(at, "must be an object");
                continue;
            }
            if (requiredText(at + "/id", router.getId()) && !ids.add(router.getId())) {
                issue(at + "/id", "duplicate router id '" + router.getId() + "'");
            }
            requiredUnicastMac(at + "/mac", router.getMac());
            List<Route> routes = nonNull(router.getRoutes());
            Set<Ipv4Prefix> destinations = new HashSet<>();
            for (int r = 0; r < routes.size(); r++) {
                String routeAt = at + "/routes/" + r;
                Route route = routes.get(r);
                if (route == null) {
                    issue(routeAt, "must be an object");
                    continue;
                }
                if (route.getDestination() == null) {
                    issue(routeAt + "/destination", "is required (a prefix like 10.0.2.0/24)");
                } else {
                    Ipv4Prefix destination = prefix(routeAt + "/destination", route.getDestination());
                    if (destination != null && !destinations.add(destination)) {
                        issue(routeAt + "/destination", "route to " + destination + " is listed twice in this router");
                    }
                }
                Integer vni = requiredVni(routeAt + "/vni", route.getVni());
                if (vni != null && !segments.containsKey(vni)) {
                    issue(routeAt + "/vni", "vni " + vni + " is not a segment of this table");
                }
                Integer nextHop = optionalIp(routeAt + "/nextHop", route.getNextHop());
                Ipv4Prefix cidr = vni == null ? null : segments.get(vni);
                if (nextHop != null && cidr != null && !cidr.contains(nextHop.intValue())) {
                    issue(routeAt + "/nextHop", route.getNextHop() + " is outside the segment's cidrBlock " + cidr);
                }
            }
        }
    }

    // ---- field checks: each reports at most one issue and returns the parsed value or null ----

    boolean requiredText(String pointer, String value) {
        if (value == null || value.isBlank()) {
            issue(pointer, "is required and must not be blank");
            return false;
        }
        return true;
    }

    private Integer requiredVni(String pointer, Integer vni) {
        if (vni == null) {
            issue(pointer, "is required: a VNI " + Vni.RANGE);
            return null;
        }
        if (!Vni.isValid(vni)) {
            issue(pointer, "VNI must be " + Vni.RANGE + " (24 bits, 0 is reserved), got " + vni);
            return null;
        }
        return vni;
    }

    void range(String pointer, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            issue(pointer, "must be " + min + ".." + max + ", got " + value);
        }
    }

    Integer requiredIp(String pointer, String text) {
        if (text == null) {
            issue(pointer, "is required: an IPv4 address like 192.168.77.1");
            return null;
        }
        return optionalIp(pointer, text);
    }

    private Integer optionalIp(String pointer, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Ipv4Address.parseBits(text);
        } catch (IllegalArgumentException e) {
            issue(pointer, "'" + text + "' is not an IPv4 address (four dotted octets 0..255)");
            return null;
        }
    }

    Ipv4Prefix prefix(String pointer, String text) {
        if (text == null) {
            return null;
        }
        try {
            Ipv4Prefix prefix = Ipv4Prefix.parse(text);
            if (prefix.network() != Ipv4Address.parseBits(text.substring(0, text.indexOf('/')))) {
                issue(pointer, "'" + text + "' has host bits set; the prefix is " + prefix);
                return null;
            }
            return prefix;
        } catch (IllegalArgumentException e) {
            issue(pointer, "'" + text + "' is not an IPv4 prefix like 10.0.1.0/24");
            return null;
        }
    }

    private Long requiredUnicastMac(String pointer, String text) {
        if (text == null) {
            issue(pointer, "is required: a MAC address like 02:00:0a:00:01:05");
            return null;
        }
        MacAddress mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            issue(pointer, "'" + text + "' is not a MAC address (six hex pairs like 02:00:0a:00:01:05)");
            return null;
        }
        if (mac.isMulticast()) {
            issue(pointer, text + " is a group (multicast/broadcast) address; a unicast MAC is needed");
            return null;
        }
        return mac.bits();
    }

    void issue(String pointer, String reason) {
        issues.add(DocumentProblem.at(pointer, reason));
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
