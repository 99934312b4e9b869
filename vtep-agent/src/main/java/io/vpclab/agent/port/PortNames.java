package io.vpclab.agent.port;

import io.vpclab.dataplane.table.LocalPort;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Device and namespace names of a port: given in the table, or derived from its id. */
final class PortNames {

    /** IFNAMSIZ - 1. */
    static final int MAX_DEVICE_NAME = 15;

    private PortNames() {}

    static String device(LocalPort port) {
        return port.device() != null ? port.device() : derive("vl", port.id(), MAX_DEVICE_NAME);
    }

    static String namespace(LocalPort port) {
        return port.namespace() != null ? port.namespace() : derive("vl", port.id(), 64);
    }

    /**
     * {@code prefix-id} with unsafe characters replaced; when too long, shortened with a hash of
     * the id so two long ids sharing a prefix still get distinct names.
     */
    static String derive(String prefix, String id, int max) {
        String clean = id.replaceAll("[^A-Za-z0-9_.-]", "-");
        String name = prefix + "-" + clean;
        if (name.length() <= max) {
            return name;
        }
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        String hash = String.format("%08x", crc.getValue()).substring(0, 6);
        return name.substring(0, max - hash.length() - 1) + "-" + hash;
    }
}
