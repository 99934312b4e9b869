package io.vpclab.dataplane.table;

import java.util.Locale;

/** What kind of instance sits behind a port (contract schema {@code PortKind}). */
public enum PortKind {
    SIMULATED("simulated"),
    NETNS("netns"),
    TAP("tap"),
    /** A NAT gateway's private side, served by the data plane itself: no device is attached. */
    NAT_GATEWAY("nat-gateway"),
    /** A VPN gateway's side in its VPC: its device is the gateway's WireGuard interface. */
    VPN_GATEWAY("vpn-gateway");

    private final String wireName;

    PortKind(String wireName) {
        this.wireName = wireName;
    }

    /** Parses the contract's lower-case name; anything else is refused with the allowed values. */
    public static PortKind parse(String text) {
        for (PortKind kind : values()) {
            if (kind.wireName.equals(text == null ? null : text.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "port kind must be simulated, netns, tap, nat-gateway or vpn-gateway: " + text);
    }
}
