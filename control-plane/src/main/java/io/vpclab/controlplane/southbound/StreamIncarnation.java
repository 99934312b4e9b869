package io.vpclab.controlplane.southbound;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The first part of every table-stream event id: one random value per store, kept in the
 * database. Generations are allocated in the store ({@link TableGenerations}), so with this
 * value an event id means the same table on every replica and after a restart; another store
 * (a data reset, another database) has another value and its agents get a snapshot.
 */
@Component
class StreamIncarnation {

    private final String value;

    @Autowired
    StreamIncarnation(JdbcTemplate jdbc) {
        this(readOrCreate(jdbc));
    }

    private StreamIncarnation(String value) {
        this.value = value;
    }

    /** A given value, for tests without a store. */
    static StreamIncarnation fixed(String value) {
        return new StreamIncarnation(value);
    }

    String value() {
        return value;
    }

    /** The first replica of a store writes it; one that starts at the same moment reads the winner's. */
    private static String readOrCreate(JdbcTemplate jdbc) {
        List<String> stored = read(jdbc);
        if (!stored.isEmpty()) {
            return stored.get(0);
        }
        try {
            jdbc.update(
                    "insert into table_stream_incarnation (singleton, incarnation) values (1, ?)",
                    HexFormat.of().toHexDigits(new SecureRandom().nextLong()));
        } catch (DuplicateKeyException anotherReplicaWroteIt) {
            // fall through and read it
        }
        return read(jdbc).get(0);
    }

    private static List<String> read(JdbcTemplate jdbc) {
        return jdbc.queryForList("select incarnation from table_stream_incarnation where singleton = 1", String.class);
    }
}
