package io.vpclab.controlplane.system;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The API shows every timestamp in UTC. */
public final class Times {

    private Times() {
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
