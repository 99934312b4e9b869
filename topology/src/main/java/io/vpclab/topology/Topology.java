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
        List<Step> steps) {

    public Topology {
        hosts = orEmpty(hosts);
        internetHosts = orEmpty(internetHosts);
        tenants = orEmpty(tenants);
        peerings = orEmpty(peerings);
        expect = orEmpty(expect);
        steps = orEmpty(steps);
    }

    /** A VTEP host to register when no host of that name exists (demo hosts need no entry). */
    public record HostDecl(String name, String underlayIp, Integer udpPort, List<String> capabilities) {
        public HostDecl {
            capabilities = orEmpty(capabilities);
        }
    }

    /** A host on the simulated public network, placed on a VTEP host by name. */
    public record InternetHostDecl(String name, String ip, String host, String kind) {}

    public record TenantDecl(String name, List<WhitelistDecl> whitelists, List<VpcDecl> vpcs) {
        public TenantDecl {
            whitelists = orEmpty(whitelists);
            vpcs = orEmpty(vpcs);
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
            Boolean arpSuppression) {
        public VpcDecl {
            subnets = orEmpty(subnets);
            natGateways = orEmpty(natGateways);
            routeTables = orEmpty(routeTables);
        }
    }

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
    public record InstanceDecl(String name, String host, String kind, String privateIpAddress, EipDecl eip) {}

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
    public record Expectation(String from, String to, String probe, Integer port, String outcome, String dropReason) {

        public String describe() {
            return from + " -> " + to + " " + probe + (port == null ? "" : " " + port) + " " + outcome
                    + (dropReason == null ? "" : " (" + dropReason + ")");
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
