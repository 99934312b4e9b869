package io.vpclab.net;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A Linux network device name an instance's TAP gets: 1..15 characters (IFNAMSIZ 16 with its
 * terminating zero), letters, digits, {@code _ . -}, not starting with {@code .} (so never
 * {@code .} or {@code ..}), no {@code /}, {@code :} or white space (dev_valid_name() in the
 * kernel's net/core/dev.c refuses those). Chosen by the user or derived from the port's id.
 *
 * @param value the name
 */
public record DeviceName(String value) {

    /** IFNAMSIZ - 1. */
    public static final int MAX_LENGTH = 15;
    /** Longest namespace name derived here; iproute2 keeps them as files under /run/netns. */
    public static final int MAX_NAMESPACE_LENGTH = 64;
    /** What {@link #isValid} accepts, as the API and error messages describe it. */
    public static final String RULE = "1 to " + MAX_LENGTH + " characters of A-Z a-z 0-9 _ . -, not starting with '.'";

    private static final String PREFIX = "vl";

    public DeviceName {
        if (!isValid(value)) {
            throw new IllegalArgumentException("device name must be " + RULE + ": " + value);
        }
    }

    public static DeviceName of(String value) {
        return new DeviceName(value);
    }

    public static boolean isValid(String value) {
        return value != null
                && !value.isEmpty()
                && value.length() <= MAX_LENGTH
                && value.charAt(0) != '.'
                && value.chars().allMatch(DeviceName::allowed);
    }

    /** The device name of a port that was given none: {@code vl-ID}, shortened with a hash when too long. */
    public static DeviceName derivedFrom(String portId) {
        return new DeviceName(derive(portId, MAX_LENGTH));
    }

    /** The namespace of a netns port that was given none, derived from its id as the device name is. */
    public static String namespaceFor(String portId) {
        return derive(portId, MAX_NAMESPACE_LENGTH);
    }

    /**
     * {@code vl-id} with unsafe characters replaced; when too long, shortened with a hash of the
     * id so two long ids sharing a prefix still get distinct names.
     */
    static String derive(String id, int max) {
        String name = PREFIX + "-" + id.replaceAll("[^A-Za-z0-9_.-]", "-");
        if (name.length() <= max) {
            return name;
        }
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        String hash = String.format("%08x", crc.getValue()).substring(0, 6);
        return name.substring(0, max - hash.length() - 1) + "-" + hash;
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == '-';
    }

    @Override
    public String toString() {
        return value;
    }
}
