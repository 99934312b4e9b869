package io.vpclab.topology;

import java.util.List;

/**
 * A topology file as read (see topology-samples/README.md for the format and
 * topology-samples/topology.schema.json for its schema). Lists are never null; names are the
 * keys by which an apply finds what an earlier apply created.
 */
public record Topology(
        String name,
        String description,
        List<HostDecl> hosts,
        List<InternetHostDecl> internetHosts,
        List<TenantDecl> tenants,
        List<PeeringDecl> peerings,
        List<Expectation> expect,
        List<Step> steps,
        List<OnPremisesSiteDecl> onPremisesSites) {

    public Topology {
        onPremisesSites = orEmpty(onPremisesSites);
        hosts = orEmpty(hosts);
        internetHosts = orEmpty(internetHosts);
        tenants = orEmpty(tenants);
        peerings = orEmpty(peerings);
        expect = orEmpty(expect);
        steps = orEmpty(steps);
    }

    /** A topology without on-premises sites. */
    public Topology(
            String name,
            String description,
            List<HostDecl> hosts,
            List<InternetHostDecl> internetHosts,
            List<TenantDecl> tenants,
            List<PeeringDecl> peerings,
            List<Expectation> expect,
            List<Step> steps) {
        this(name, description, hosts, internetHosts, tenants, peerings, expect, steps, List.of());
    }

    /**
     * A simulated on-premises site the applying process runs: a LAN of simulated hosts behind a
     * WireGuard router (the project's own WireGuard) whose socket is on {@code address} (absent:
     * 127.0.0.1). A customer gateway with {@code site:} stands for it.
     */
    public record OnPremisesSiteDecl(String name, String lanCidrBlock, String address, List<SiteHostDecl> hosts) {
        public OnPremisesSiteDecl {
            hosts = orEmpty(hosts);
        }
    }

    /** A host of an on-premises site: it answers pings, SYN-ACKs its tcpPorts (RST elsewhere), echoes its udpEchoPorts. */
    public record SiteHostDecl(String name, String ip, List<Integer> tcpPorts, List<Integer> udpEchoPorts) {
        public SiteHostDecl {
            tcpPorts = orEmpty(tcpPorts);
            udpEchoPorts = orEmpty(udpEchoPorts);
        }
    }

    /**
     * The on-premises end of VPN connections: exactly one of {@code site} (a site of this file; its
     * address and key come from the site) or {@code ipAddress} with {@code publicKey} (a real
     * machine, which holds its own private key).
     */
    public record CustomerGatewayDecl(String name, String site, String ipAddress, String publicKey) {}

    /** The VPC's VPN gateway (one per VPC), placed on a host (absent: the server places it), UDP listenPort (absent: 51820). */
    public record VpnGatewayDecl(String name, String host, Integer listenPort) {}

    /** A VPN connection of the VPC's gateway to a customer gateway of the tenant; presharedKey true: one is generated. */
    public record VpnConnectionDecl(String customerGateway, List<String> onPremisesCidrBlocks, Boolean presharedKey) {
        public VpnConnectionDecl {
            onPremisesCidrBlocks = orEmpty(onPremisesCidrBlocks);
        }
    }

    /** A VTEP host to register when no host of that name exists (demo hosts need no entry). */
    public record HostDecl(String name, String underlayIp, Integer udpPort, List<String> capabilities) {
        public HostDecl {
            capabilities = orEmpty(capabilities);
        }
    }

    /** A host on the simulated public network, placed on a VTEP host by name. */
    public record InternetHostDecl(String name, String ip, String host, String kind) {}

    public record TenantDecl(
            String name,
            List<WhitelistDecl> whitelists,
            List<VpcDecl> vpcs,
            List<CustomerGatewayDecl> customerGateways) {
        public TenantDecl {
            whitelists = orEmpty(whitelists);
            vpcs = orEmpty(vpcs);
            customerGateways = orEmpty(customerGateways);
        }

        public TenantDecl(String name, List<WhitelistDecl> whitelists, List<VpcDecl> vpcs) {
            this(name, whitelists, vpcs, List.of());
        }
    }

    public record WhitelistDecl(String name, List<RuleDecl> rules) {
        public WhitelistDecl {
            rules = orEmpty(rules);
        }
    }

    /** protocol tcp|udp|icmp|all, a CIDR, and for tcp/udp an optional port range. */
    public record RuleDecl(String protocol, String cidrBlock, Integer fromPort, Integer toPort) {}

    /** {@code arpSuppression} null keeps the API's default (on) for a new VPC and leaves an existing one as it is. */
    public record VpcDecl(
            String name,
            String cidrBlock,
            List<SubnetDecl> subnets,
            List<NatGatewayDecl> natGateways,
            List<RouteTableDecl> routeTables,
            Boolean arpSuppression,
            List<SecurityGroupDecl> securityGroups,
            List<NetworkAclDecl> networkAcls,
            VpnGatewayDecl vpnGateway,
            List<VpnConnectionDecl> vpnConnections) {
        public VpcDecl {
            subnets = orEmpty(subnets);
            natGateways = orEmpty(natGateways);
            routeTables = orEmpty(routeTables);
            securityGroups = orEmpty(securityGroups);
            networkAcls = orEmpty(networkAcls);
            vpnConnections = orEmpty(vpnConnections);
        }

        public VpcDecl(
                String name,
                String cidrBlock,
                List<SubnetDecl> subnets,
                List<NatGatewayDecl> natGateways,
                List<RouteTableDecl> routeTables,
                Boolean arpSuppression,
                List<SecurityGroupDecl> securityGroups,
                List<NetworkAclDecl> networkAcls) {
            this(
                    name,
                    cidrBlock,
                    subnets,
                    natGateways,
                    routeTables,
                    arpSuppression,
                    securityGroups,
                    networkAcls,
                    null,
                    null);
        }
    }

    /**
     * A security group of the VPC (stateful, allow-only). outbound absent: the new group's own
     * rule, all traffic to 0.0.0.0/0, as in AWS; written out, it is exactly the list.
     */
    public record SecurityGroupDecl(
            String name, String description, List<GroupRuleDecl> inbound, List<GroupRuleDecl> outbound) {
        public static final GroupRuleDecl ALL_OUT = new GroupRuleDecl(null, "all", null, null, "0.0.0.0/0", null);

        public SecurityGroupDecl {
            inbound = orEmpty(inbound);
            outbound = outbound == null ? List.of(ALL_OUT) : List.copyOf(outbound);
        }
    }

    /**
     * A rule: protocol tcp|udp|icmp|all, ports for tcp/udp, and exactly one of cidrBlock or group
     * (a group of this VPC by name, or tenant/vpc/group of a VPC peered in this file). name: what
     * an expectation's decidedBy calls it (stored as the rule's description).
     */
    public record GroupRuleDecl(
            String name, String protocol, Integer fromPort, Integer toPort, String cidrBlock, String group) {}

    /**
     * A custom network ACL (stateless, numbered entries, evaluated lowest first, then a final deny).
     * The API keeps no ACL names: the apply finds the ACL again by its subnets, so it needs one.
     */
    public record NetworkAclDecl(
            String name, List<String> subnets, List<AclEntryDecl> inbound, List<AclEntryDecl> outbound) {
        public NetworkAclDecl {
            subnets = orEmpty(subnets);
            inbound = orEmpty(inbound);
            outbound = orEmpty(outbound);
        }
    }

    /** rule 1..32766, action allow|deny, protocol tcp|udp|icmp|all, a CIDR, destination ports for tcp/udp. */
    public record AclEntryDecl(
            Integer rule, String action, String protocol, String cidrBlock, Integer fromPort, Integer toPort) {}

    /** A custom route table of the VPC: its routes (local ones are implicit) and the subnets it serves. */
    public record RouteTableDecl(String name, List<TableRouteDecl> routes, List<String> subnets) {
        public RouteTableDecl {
            routes = orEmpty(routes);
            subnets = orEmpty(subnets);
        }
    }

    /** A route to exactly one of: a NAT gateway of the VPC, an instance of the VPC (an appliance), a blackhole. */
    public record TableRouteDecl(String destination, String natGateway, String instance, Boolean blackhole) {}

    public record SubnetDecl(String name, String cidrBlock, List<InstanceDecl> instances) {
        public SubnetDecl {
            instances = orEmpty(instances);
        }
    }

    /** host absent: the applier spreads instances over the connected hosts that run the kind. */
    public record InstanceDecl(
            String name, String host, String kind, String privateIpAddress, EipDecl eip, List<String> securityGroups) {
        public InstanceDecl {
            securityGroups = orEmpty(securityGroups);
        }
    }

    /** An elastic IP associated with the instance (or the NAT gateway) that declares it. */
    public record EipDecl(String ingressPolicy, String whitelist) {}

    /** subnet: where the gateway lives; subnets: the private subnets it serves. */
    public record NatGatewayDecl(
            String name,
            String subnet,
            String host,
            String egressPolicy,
            String whitelist,
            Integer idleTimeoutSeconds,
            Integer udpIdleTimeoutSeconds,
            List<String> subnets,
            EipDecl eip) {
        public NatGatewayDecl {
            subnets = orEmpty(subnets);
        }
    }

    /** requester and accepter as tenant/vpc; a peering between tenants is accepted by the admin. */
    public record PeeringDecl(String requester, String accepter) {}

    /**
     * A probe from an instance and the outcome it must have. to: an instance, an internet host,
     * eip:NAME (the public IP of the instance or NAT gateway NAME) or an IPv4 address.
     */
    public record Expectation(
            String from,
            String to,
            String probe,
            Integer port,
            String outcome,
            String dropReason,
            DecidedBy decidedBy) {

        public String describe() {
            return from + " -> " + to + " " + probe + (port == null ? "" : " " + port) + " " + outcome
                    + (dropReason == null ? "" : " (" + dropReason + ")")
                    + (decidedBy == null ? "" : " decided by " + decidedBy.describe());
        }
    }

    /**
     * The rule an expectation's outcome must come from, checked against the counters of the real
     * probe: exactly one of a security group (with rule: the rule that admitted the flow; without:
     * none of its rules did, SECURITY_GROUP_DENIED), a network ACL entry (rule number, 32767 for the
     * final deny; direction inbound|outbound optional), or a route table's route (to a blackhole:
     * BLACKHOLE_ROUTE counted).
     */
    public record DecidedBy(
            String securityGroup, String networkAcl, String rule, String direction, String routeTable, String route) {

        public String describe() {
            if (securityGroup != null) {
                return "security group " + securityGroup + (rule == null ? " (no rule admits)" : " rule " + rule);
            }
            if (networkAcl != null) {
                return "network ACL " + networkAcl + " rule " + rule + (direction == null ? "" : " " + direction);
            }
            return "route table " + routeTable + " route " + route;
        }
    }

    /** Ordered changes after the resources exist, each followed by its expectations. */
    public record Step(String name, List<Move> move, List<Expectation> expect) {
        public Step {
            move = orEmpty(move);
            expect = orEmpty(expect);
        }
    }

    /** Live migration: the instance goes to this host and keeps its IP and MAC. */
    public record Move(String instance, String host) {}

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
