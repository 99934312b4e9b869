package io.vpclab.controlplane.vpn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.stereotype.Component;

/**
 * V12: VPN gateways' private keys sealed at rest. Stored keys were WireGuard base64 in
 * {@code private_key}; they move, sealed, to {@code private_key_sealed} and the plain column is
 * dropped. A Java migration because the sealing key comes from the configuration, which SQL cannot
 * reach; Spring Boot hands this bean to Flyway.
 */
@Component
class SealPrivateKeysMigration implements JavaMigration {

    private final VpnKeySealer sealer;

    SealPrivateKeysMigration(VpnKeySealer sealer) {
        this.sealer = sealer;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("12");
    }

    @Override
    public String getDescription() {
        return "vpn private keys sealed";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection db = context.getConnection();
        Map<String, String> plain = new LinkedHashMap<>();
        try (Statement sql = db.createStatement()) {
            sql.execute("alter table vpn_gateway add column private_key_sealed varchar(200)");
            try (ResultSet rows = sql.executeQuery("select id, private_key from vpn_gateway order by id")) {
                while (rows.next()) {
                    plain.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        try (PreparedStatement update =
                db.prepareStatement("update vpn_gateway set private_key_sealed = ? where id = ?")) {
            for (Map.Entry<String, String> row : plain.entrySet()) {
                update.setString(1, sealer.seal(row.getKey(), row.getValue()));
                update.setString(2, row.getKey());
                update.executeUpdate();
            }
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("alter table vpn_gateway alter column private_key_sealed set not null");
            sql.execute("alter table vpn_gateway drop column private_key");
        }
    }
}
