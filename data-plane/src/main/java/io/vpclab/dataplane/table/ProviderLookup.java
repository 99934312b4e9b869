package io.vpclab.dataplane.table;

import java.util.Arrays;
import java.util.List;

/**
 * The provider network of a table compiled for lookups: its segment, the elastic IPs (1:1 NAT,
 * found by public address and by private address per segment), the NAT gateways served here
 * (by public address and by their local port) and the default routes that lead private
 * segments to them. Every index is resolved at build time, so a lookup allocates nothing.
 */
final class ProviderLookup {

    private final int publicSegment;
    private final boolean hasElasticIps;
    private final LongIntMap elasticIpByPublic;
    private final LongIntMap elasticIpByPrivate;
    private final int[] elasticIpSegment;
    private final int[] elasticIpPrivate;
    private final boolean[] elasticIpAllowsAll;
    private final int[] elasticIpWhitelist;
    private final int[] defaultRouteVia;
    private final int[] defaultRouteNextHop;
    private final boolean hasNatGateways;
    private final LongIntMap natGatewayByPublic;
    private final int[] natGatewayOfPort;
    private final int[] natGatewayPort;
    private final int[] natGatewayWhitelist;

    /** Reads the entries and the segment, port and whitelist indexes that {@code state} has built. */
    ProviderLookup(ForwardingState state) {
        publicSegment =
                state.publicVni() == null ? ForwardingState.NONE : state.segmentOf(state.publicVni(), "publicVni");

        List<ElasticIp> elasticIps = state.elasticIps();
        hasElasticIps = !elasticIps.isEmpty();
        LongIntMap.Builder byPublic = new LongIntMap.Builder();
        LongIntMap.Builder byPrivate = new LongIntMap.Builder();
        elasticIpSegment = new int[elasticIps.size()];
        elasticIpPrivate = new int[elasticIps.size()];
        elasticIpAllowsAll = new boolean[elasticIps.size()];
        elasticIpWhitelist = new int[elasticIps.size()];
        for (int i = 0; i < elasticIps.size(); i++) {
            ElasticIp eip = elasticIps.get(i);
            String what = "elasticIp " + eip.publicIp();
            int segment = state.segmentOf(eip.vni(), what);
            byPublic.put(unsigned(eip.publicIp().bits()), i);
            byPrivate.put(privateKey(segment, eip.privateIp().bits()), i);
            elasticIpSegment[i] = segment;
            elasticIpPrivate[i] = eip.privateIp().bits();
            elasticIpAllowsAll[i] = eip.ingress() == IngressPolicy.ALLOW_ALL;
            elasticIpWhitelist[i] = eip.whitelistId() == null
                    ? ForwardingState.NONE
                    : ForwardingState.resolved(
                            state.whitelistIndexOf(eip.whitelistId()), what + ": whitelist " + eip.whitelistId());
        }
        elasticIpByPublic = byPublic.build();
        elasticIpByPrivate = byPrivate.build();

        defaultRouteVia = new int[state.segmentCount()];
        defaultRouteNextHop = new int[state.segmentCount()];
        Arrays.fill(defaultRouteVia, ForwardingState.NONE);
        for (DefaultRoute route : state.defaultRoutes()) {
            String what = "defaultRoute of " + route.from();
            int from = state.segmentOf(route.from(), what);
            defaultRouteVia[from] = state.segmentOf(route.via(), what);
            defaultRouteNextHop[from] = route.nextHop().bits();
        }

        List<NatGateway> natGateways = state.natGateways();
        hasNatGateways = !natGateways.isEmpty();
        LongIntMap.Builder natByPublic = new LongIntMap.Builder();
        natGatewayOfPort = new int[state.portCount()];
        Arrays.fill(natGatewayOfPort, ForwardingState.NONE);
        natGatewayPort = new int[natGateways.size()];
        natGatewayWhitelist = new int[natGateways.size()];
        for (int i = 0; i < natGateways.size(); i++) {
            NatGateway nat = natGateways.get(i);
            String what = "natGateway " + nat.id();
            int port = ForwardingState.resolved(state.portIndexOf(nat.portId()), what + ": port " + nat.portId());
            natByPublic.put(unsigned(nat.publicIp().bits()), i);
            natGatewayWhitelist[i] = nat.whitelistId() == null || nat.egress() != EgressPolicy.WHITELIST
                    ? ForwardingState.NONE
                    : ForwardingState.resolved(
                            state.whitelistIndexOf(nat.whitelistId()), what + ": whitelist " + nat.whitelistId());
            natGatewayOfPort[port] = i;
            natGatewayPort[i] = port;
        }
        natGatewayByPublic = natByPublic.build();
    }

    private static long unsigned(int ip) {
        return ip & 0xFFFF_FFFFL;
    }

    private static long privateKey(int segment, int ip) {
        return ((long) segment << 32) | unsigned(ip);
    }

    int publicSegment() {
        return publicSegment;
    }

    int elasticIpByPublic(int ip) {
        return elasticIpByPublic.get(unsigned(ip));
    }

    int elasticIpByPrivate(int segment, int ip) {
        return hasElasticIps ? elasticIpByPrivate.get(privateKey(segment, ip)) : ForwardingState.NONE;
    }

    int elasticIpSegment(int eip) {
        return elasticIpSegment[eip];
    }

    int elasticIpPrivate(int eip) {
        return elasticIpPrivate[eip];
    }

    boolean elasticIpAllowsAll(int eip) {
        return elasticIpAllowsAll[eip];
    }

    int elasticIpWhitelist(int eip) {
        return elasticIpWhitelist[eip];
    }

    int defaultRouteSegment(int segment) {
        return defaultRouteVia[segment];
    }

    int defaultRouteNextHop(int segment) {
        return defaultRouteNextHop[segment];
    }

    int natGatewayByPublic(int ip) {
        return hasNatGateways ? natGatewayByPublic.get(unsigned(ip)) : ForwardingState.NONE;
    }

    int natGatewayOfPort(int port) {
        return natGatewayOfPort[port];
    }

    int natGatewayPort(int nat) {
        return natGatewayPort[nat];
    }

    int natGatewayWhitelist(int nat) {
        return natGatewayWhitelist[nat];
    }
}
