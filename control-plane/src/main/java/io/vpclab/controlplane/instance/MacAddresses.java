package io.vpclab.controlplane.instance;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Instance MACs: unicast (bit 0 of the first octet clear) and locally administered (bit 1 set),
 * i.e. {@code 02:xx:xx:xx:xx:xx}, so they can never collide with a vendor-assigned address.
 */
final class MacAddresses {

    private static final SecureRandom RANDOM = new SecureRandom();

    private MacAddresses() {}

    static String random() {
        byte[] octets = new byte[6];
        RANDOM.nextBytes(octets);
        octets[0] = 0x02;
        return HexFormat.ofDelimiter(":").formatHex(octets);
    }

    static boolean isLocalUnicast(String mac) {
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        return (first & 0x01) == 0 && (first & 0x02) != 0;
    }
}
