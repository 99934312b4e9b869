package io.vpclab.controlplane.system;

import io.vpclab.net.Ipv4Prefix;

/**
 * Request parameters that hold IPv4 blocks or addresses, parsed by the one strict parser of
 * {@link Ipv4Prefix}: an absent value is 400 MissingParameter, anything not in canonical form
 * (no prefix, IPv6, ranges, leading zeros that other parsers read as octal, surrounding spaces,
 * garbage) is 400 InvalidParameterValue naming the parameter.
 */
public final class Ipv4Parameters {

    private Ipv4Parameters() {}

    /** A CIDR block; host bits are cleared. */
    public static Ipv4Prefix prefix(String text, String parameterName) {
        if (text == null || text.isEmpty()) {
            throw ApiException.badRequest("MissingParameter", parameterName + " is required");
        }
        try {
            return Ipv4Prefix.parse(text);
        } catch (IllegalArgumentException refused) {
            throw ApiException.invalidParameter(parameterName + " " + refused.getMessage());
        }
    }

    /** An address as its unsigned value. */
    public static long address(String text, String parameterName) {
        if (text == null) {
            throw ApiException.badRequest("MissingParameter", parameterName + " is required");
        }
        Long address = Ipv4Prefix.parseAddress(text);
        if (address == null) {
            throw ApiException.invalidParameter(parameterName + " " + Ipv4Prefix.notAnAddress(text));
        }
        return address;
    }
}
