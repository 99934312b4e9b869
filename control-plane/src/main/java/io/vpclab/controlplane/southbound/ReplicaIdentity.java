package io.vpclab.controlplane.southbound;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.stereotype.Component;

/**
 * This replica's name in the shared database (random per start): the hosts whose streams it
 * serves name it, and its lease carries it. A single replica has one too.
 */
@Component
class ReplicaIdentity {

    private final String id = HexFormat.of().toHexDigits(new SecureRandom().nextLong());

    String id() {
        return id;
    }
}
