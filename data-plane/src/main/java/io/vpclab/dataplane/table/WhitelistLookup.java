package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Prefix;

/**
 * One whitelist's rules as flat arrays, so matching a new flow scans ints without allocating.
 * Rules are few (tens), so a linear scan in rule order beats any index and keeps "first match
 * counts" obvious.
 */
final class WhitelistLookup {

    private final int[] protocols; // IPv4 protocol number, -1 = any
    private final int[] networks;
    private final int[] masks;
    private final int[] fromPorts;
    private final int[] toPorts;

    WhitelistLookup(Whitelist whitelist) {
        int count = whitelist.rules().size();
        protocols = new int[count];
        networks = new int[count];
        masks = new int[count];
        fromPorts = new int[count];
        toPorts = new int[count];
        for (int i = 0; i < count; i++) {
            WhitelistRule rule = whitelist.rules().get(i);
            protocols[i] = rule.protocol().number();
            networks[i] = rule.cidr().network();
            masks[i] = Ipv4Prefix.mask(rule.cidr().length());
            fromPorts[i] = rule.fromPort();
            toPorts[i] = rule.toPort();
        }
    }

    /** The first rule matching, or {@link ForwardingState#NONE}; {@code port} is ignored by rules without ports. */
    int match(int protocol, int remoteIp, int port) {
        for (int i = 0; i < protocols.length; i++) {
            if ((protocols[i] == -1 || protocols[i] == protocol)
                    && (remoteIp & masks[i]) == networks[i]
                    && port >= fromPorts[i]
                    && port <= toPorts[i]) {
                return i;
            }
        }
        return ForwardingState.NONE;
    }
}
