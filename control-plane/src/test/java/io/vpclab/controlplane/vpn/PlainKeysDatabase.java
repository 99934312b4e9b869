package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.VpcLabProperties;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * A data directory's database (H2, in memory) as it was written while VPN keys were stored plain:
 * migrated up to a given version and holding a tenant and a VPC. {@link #upgrade()} runs the
 * remaining migrations with the sealing ones, under a configured sealing key.
 */
final class PlainKeysDatabase {

    static final String TENANT = "tenant-0123456789abcdef0";
    static final String VPC = "vpc-0000000000000000a";
    static final String GATEWAY = "vgw-0000000000000000a";

    private final String url = "jdbc:h2:mem:vpn-seal-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private final VpnKeySealer sealer;

    /** @param version the last migration written while the keys under test were plain */
    PlainKeysDatabase(String version, Path dataDir) throws SQLException {
        String configured = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B');
        sealer = new VpnKeySealer(new VpnProperties(configured), properties(dataDir));
        flyway(version).migrate();
        execute(
                "insert into tenant (id, name, created_at) values ('" + TENANT + "', 't', current_timestamp)",
                "insert into vpc (id, tenant_id, cidr_block, created_at) values ('" + VPC + "', '" + TENANT
                        + "', '10.0.0.0/16', current_timestamp)");
    }

    /** The sealer under the configured key, as the upgraded application holds it. */
    VpnKeySealer sealer() {
        return sealer;
    }

    void execute(String... statements) throws SQLException {
        try (Connection db = connect();
                Statement sql = db.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    /** Runs every later migration, the sealing ones included. */
    void upgrade() {
        flyway(null).migrate();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    static VpcLabProperties properties(Path dataDir) {
        return new VpcLabProperties(dataDir, null, null, null, null);
    }

    private Flyway flyway(String target) {
        var configuration = Flyway.configure()
                .dataSource(url, "sa", "")
                .locations("classpath:db/migration")
                .javaMigrations(new SealPrivateKeysMigration(sealer), new SealPresharedKeysMigration(sealer));
        return (target == null ? configuration : configuration.target(target)).load();
    }
}
