package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;

/** Request values of the VPN feature: WireGuard keys and the customer gateway's public address. */
final class WireGuardParameters {

    private static final Ipv4Prefix THIS_NETWORK = Ipv4Prefix.parse("0.0.0.0/8");
    /** Multicast (224/4) and the reserved block with the limited broadcast (240/4). */
    private static final Ipv4Prefix NOT_UNICAST = Ipv4Prefix.parse("224.0.0.0/3");

    private WireGuardParameters() {}

    /** A WireGuard key in its base64 form (44 characters, 32 bytes); 400 InvalidKey.Format otherwise. */
    static String key(String text, String parameterName) {
        if (text == null || text.isEmpty()) {
            throw ApiException.badRequest("MissingParameter", parameterName + " is required");
        }
        try {
            return WireGuardKeys.toBase64(WireGuardKeys.fromBase64(text));
        } catch (IllegalArgumentException refused) {
            throw ApiException.badRequest("InvalidKey.Format", parameterName + ": " + refused.getMessage());
        }
    }

    /**
     * A unicast IPv4 address a peer can send from: not 0.0.0.0/8, multicast, reserved or
     * broadcast; 400 InvalidAddress.Malformed otherwise. Loopback is accepted (an on-premises peer
     * on this machine, as the tests and the demo run it).
     */
    static String unicastAddress(String text, String parameterName) {
        if (text == null || text.isEmpty()) {
            throw ApiException.badRequest("MissingParameter", parameterName + " is required");
        }
        Long address = Ipv4Prefix.parseAddress(text);
        if (address == null) {
            throw ApiException.badRequest(
                    "InvalidAddress.Malformed", parameterName + " " + Ipv4Prefix.notAnAddress(text));
        }
        if (THIS_NETWORK.contains(address) || NOT_UNICAST.contains(address)) {
            throw ApiException.badRequest(
                    "InvalidAddress.Malformed",
                    parameterName + " " + text + " is not a unicast address (0.0.0.0/8, 224.0.0.0/4 and"
                            + " 240.0.0.0/4 are refused)");
        }
        return Ipv4Prefix.formatAddress(address);
    }
}
