package io.vpclab.dataplane.table;

import io.vpclab.dataplane.packet.IpProtocol;

/** The protocols a whitelist rule can name (contract schema {@code WhitelistRuleEntry.protocol}). */
public enum WhitelistProtocol {
    TCP,
    UDP,
    ICMP,
    /** Any IPv4 protocol, any port. */
    ALL;

    /** True for TCP and UDP, the protocols whose rules carry a port range. */
    public boolean hasPorts() {
        return this == TCP || this == UDP;
    }

    /** The IPv4 protocol number this matches, or -1 for {@link #ALL}. */
    int number() {
        return switch (this) {
            case TCP -> IpProtocol.TCP_VALUE;
            case UDP -> IpProtocol.UDP_VALUE;
            case ICMP -> IpProtocol.ICMP_VALUE;
            case ALL -> -1;
        };
    }
}
