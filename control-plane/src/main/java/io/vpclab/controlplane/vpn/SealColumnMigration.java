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

/**
 * A Flyway Java migration that moves one plain secret column of a table to a sealed column and
 * drops the plain one. Java because the sealing key comes from the configuration, which SQL cannot
 * reach; Spring Boot hands the subclasses' beans to Flyway. Each row is sealed with its {@code id}
 * as associated data; rows whose plain value is null stay null. The description is part of Flyway's
 * history: it never changes once released.
 */
abstract class SealColumnMigration implements JavaMigration {

    private final VpnKeySealer sealer;
    private final String version;
    private final String description;
    private final String table;
    private final String plainColumn;
    private final String sealedColumn;
    private final boolean required;

    SealColumnMigration(
            VpnKeySealer sealer,
            String version,
            String description,
            String table,
            String plainColumn,
            String sealedColumn,
            boolean required) {
        this.sealer = sealer;
        this.version = version;
        this.description = description;
        this.table = table;
        this.plainColumn = plainColumn;
        this.sealedColumn = sealedColumn;
        this.required = required;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(version);
    }

    @Override
    public String getDescription() {
        return description;
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
            sql.execute("alter table " + table + " add column " + sealedColumn + " varchar(200)");
            try (ResultSet rows = sql.executeQuery("select id, " + plainColumn + " from " + table + " where "
                    + plainColumn + " is not null order by id")) {
                while (rows.next()) {
                    plain.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        try (PreparedStatement update =
                db.prepareStatement("update " + table + " set " + sealedColumn + " = ? where id = ?")) {
            for (Map.Entry<String, String> row : plain.entrySet()) {
                update.setString(1, sealer.seal(row.getKey(), row.getValue()));
                update.setString(2, row.getKey());
                update.executeUpdate();
            }
        }
        try (Statement sql = db.createStatement()) {
            if (required) {
                sql.execute("alter table " + table + " alter column " + sealedColumn + " set not null");
            }
            sql.execute("alter table " + table + " drop column " + plainColumn);
        }
    }
}
