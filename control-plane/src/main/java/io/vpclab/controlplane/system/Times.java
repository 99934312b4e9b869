package io.vpclab.controlplane.system;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The API shows every timestamp in UTC. */
public final class Times {

    private Times() {}

    /**
     * The current instant at the microsecond precision H2 and PostgreSQL store, so a create
     * response shows the same timestamp a later read returns.
     */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
