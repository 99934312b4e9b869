package io.vpclab.topology;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.topology.Topology.CustomerGatewayDecl;
import io.vpclab.topology.Topology.OnPremisesSiteDecl;
import io.vpclab.topology.Topology.SiteHostDecl;
import io.vpclab.topology.Topology.TenantDecl;
import io.vpclab.topology.Topology.VpcDecl;
import io.vpclab.topology.Topology.VpnConnectionDecl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The site-to-site VPN parts of a topology file, checked as the API would refuse them (RULES.md,
 * VPN): on-premises sites and their hosts, customer gateways (a site of the file, or an address
 * and a key), and each VPC's VPN gateway and connections (a declared gateway, a customer gateway
 * of the tenant, on-premises blocks that do not overlap the VPC or each other).
 */
final class VpnChecks {

    private final Topology topology;
    private final BiConsumer<String, String> problem;
    /** Site name -> its LAN (null when the LAN is not a CIDR). */
    private final Map<String, Ipv4Prefix> sites = new HashMap<>();

    private final Set<String> siteHosts = new HashSet<>();
    private final Set<String> sitesUsed = new HashSet<>();

    VpnChecks(Topology topology, BiConsumer<String, String> problem) {
        this.topology = topology;
        this.problem = problem;
    }

    /** Whether {@code name} is a host of an on-premises site of the file (an expectation's end). */
    boolean isSiteHost(String name) {
        return siteHosts.contains(name);
    }

    /** The sites and their hosts; {@code otherNames} are the instances' and internet hosts' names. */
    void checkSites(Set<String> otherNames) {
        Set<Long> lanAddresses = new HashSet<>();
        for (int s = 0; s < topology.onPremisesSites().size(); s++) {
            OnPremisesSiteDecl site = topology.onPremisesSites().get(s);
            String at = "/onPremisesSites/" + s;
            if (sites.containsKey(site.name())) {
                problem.accept(at + "/name", "on-premises site '" + site.name() + "' is declared twice");
            }
            Ipv4Prefix lan = Ipv4Prefix.parseOrNull(site.lanCidrBlock());
            if (lan == null || lan.length() > 30) {
                problem.accept(
                        at + "/lanCidrBlock", "'" + site.lanCidrBlock() + "' is not an IPv4 CIDR of /30 or wider");
                lan = null;
            }
            sites.put(site.name(), lan);
            if (site.address() != null && Ipv4Prefix.parseAddress(site.address()) == null) {
                problem.accept(at + "/address", "'" + site.address() + "' is not an IPv4 address");
            }
            for (int h = 0; h < site.hosts().size(); h++) {
                SiteHostDecl host = site.hosts().get(h);
                String hostAt = at + "/hosts/" + h;
                if (otherNames.contains(host.name()) || !siteHosts.add(host.name())) {
                    problem.accept(
                            hostAt + "/name",
                            "'" + host.name() + "' is used twice in this file (expectations name it)");
                }
                Long ip = Ipv4Prefix.parseAddress(host.ip());
                if (ip == null) {
                    problem.accept(hostAt + "/ip", "'" + host.ip() + "' is not an IPv4 address");
                } else if (lan != null
                        && (!lan.contains(ip) || ip == lan.first() || ip == lan.first() + 1 || ip == lan.last())) {
                    problem.accept(
                            hostAt + "/ip",
                            host.ip() + " is not a host address of " + lan
                                    + " (its first address is the site's router)");
                } else if (!lanAddresses.add(ip)) {
                    problem.accept(hostAt + "/ip", host.ip() + " is already used by another site host of this file");
                }
            }
        }
    }

    /** The tenant's customer gateways and its VPCs' VPN gateways and connections. */
    void checkTenant(TenantDecl tenant, String at) {
        Set<String> customerGateways = new HashSet<>();
        for (int c = 0; c < tenant.customerGateways().size(); c++) {
            CustomerGatewayDecl gateway = tenant.customerGateways().get(c);
            String gatewayAt = at + "/customerGateways/" + c;
            if (!customerGateways.add(gateway.name())) {
                problem.accept(gatewayAt + "/name", "customer gateway '" + gateway.name() + "' is declared twice");
            }
            if (gateway.site() != null) {
                if (gateway.ipAddress() != null || gateway.publicKey() != null) {
                    problem.accept(gatewayAt, "a site's customer gateway takes its address and key from the site");
                }
                if (!sites.containsKey(gateway.site())) {
                    problem.accept(
                            gatewayAt + "/site", "no on-premises site named '" + gateway.site() + "' in this file");
                } else if (!sitesUsed.add(gateway.site())) {
                    problem.accept(
                            gatewayAt + "/site", "site " + gateway.site() + " is already another customer gateway");
                }
            }
        }
        for (int v = 0; v < tenant.vpcs().size(); v++) {
            checkVpc(tenant.vpcs().get(v), customerGateways, at + "/vpcs/" + v);
        }
    }

    private void checkVpc(VpcDecl vpc, Set<String> customerGateways, String at) {
        if (!vpc.vpnConnections().isEmpty() && vpc.vpnGateway() == null) {
            problem.accept(at + "/vpnConnections", "VPN connections need the VPC's vpnGateway");
        }
        Ipv4Prefix vpcBlock = Ipv4Prefix.parseOrNull(vpc.cidrBlock());
        Map<Ipv4Prefix, String> blocks = new HashMap<>();
        Set<String> connected = new HashSet<>();
        for (int c = 0; c < vpc.vpnConnections().size(); c++) {
            VpnConnectionDecl connection = vpc.vpnConnections().get(c);
            String connectionAt = at + "/vpnConnections/" + c;
            if (!customerGateways.contains(connection.customerGateway())) {
                problem.accept(
                        connectionAt + "/customerGateway",
                        "no customer gateway named '" + connection.customerGateway() + "' in this tenant");
            } else if (!connected.add(connection.customerGateway())) {
                problem.accept(
                        connectionAt + "/customerGateway",
                        "the VPN gateway already has a connection to " + connection.customerGateway());
            }
            for (int b = 0; b < connection.onPremisesCidrBlocks().size(); b++) {
                String text = connection.onPremisesCidrBlocks().get(b);
                String blockAt = connectionAt + "/onPremisesCidrBlocks/" + b;
                Ipv4Prefix block = Ipv4Prefix.parseOrNull(text);
                if (block == null) {
                    problem.accept(blockAt, "'" + text + "' is not an IPv4 CIDR");
                } else if (vpcBlock != null && block.overlaps(vpcBlock)) {
                    problem.accept(blockAt, text + " overlaps the VPC's " + vpcBlock);
                } else {
                    for (Map.Entry<Ipv4Prefix, String> earlier : blocks.entrySet()) {
                        if (earlier.getKey().overlaps(block)) {
                            problem.accept(
                                    blockAt, text + " overlaps " + earlier.getKey() + " of " + earlier.getValue());
                        }
                    }
                    blocks.put(block, connection.customerGateway());
                }
            }
        }
    }
}
