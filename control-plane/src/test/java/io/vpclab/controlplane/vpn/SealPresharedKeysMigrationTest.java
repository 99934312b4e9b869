package io.vpclab.controlplane.vpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.controlplane.system.VpcLabProperties;
import io.vpclab.net.WireGuardKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written while VPN connections' preshared keys were stored plain: after V15 the
 * plain column is gone, a connection's key is sealed with the configured sealing key and its own
 * ID, it opens to the key that was stored (so the tunnel still comes up after the upgrade), and a
 * connection without a key stays without one.
 */
class SealPresharedKeysMigrationTest {

    private static final String URL = "jdbc:h2:mem:vpn-psk-seal-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private static final String TENANT = "tenant-0123456789abcdef0";
    private static final String VPC = "vpc-0000000000000000a";
    private static final String GATEWAY = "vgw-0000000000000000a";
    private static final String CUSTOMER_GATEWAY = "cgw-0000000000000000a";
    private static final String WITH_KEY = "vpn-0000000000000000a";
    private static final String WITHOUT_KEY = "vpn-0000000000000000b";

    @Test
    void storedPlainPresharedKeysAreSealedAndThePlainColumnIsDropped(@TempDir Path dataDir) throws SQLException {
        String configured = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'C');
        VpnKeySealer sealer =
                new VpnKeySealer(new VpnProperties(configured), new VpcLabProperties(dataDir, null, null, null, null));
        String psk = WireGuardKeys.toBase64(WireGuardKeys.generatePrivateKey());
        String publicKey = WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()));
        flyway("14", sealer).migrate();
        try (Connection db = DriverManager.getConnection(URL, "sa", "");
                Statement sql = db.createStatement()) {
            sql.execute("insert into tenant (id, name, created_at) values ('" + TENANT + "', 't', current_timestamp)");
            sql.execute("insert into vpc (id, tenant_id, cidr_block, created_at) values ('" + VPC + "', '" + TENANT
                    + "', '10.0.0.0/16', current_timestamp)");
            sql.execute("insert into vpn_gateway (id, tenant_id, vpc_id, listen_port, public_key, private_key_sealed,"
                    + " state, created_at) values ('" + GATEWAY + "', '" + TENANT + "', '" + VPC + "', 51820, '"
                    + publicKey + "', 'sealed', 'pending', current_timestamp)");
            sql.execute("insert into customer_gateway (id, tenant_id, ip_address, public_key, created_at) values ('"
                    + CUSTOMER_GATEWAY + "', '" + TENANT + "', '192.0.2.1', '" + publicKey + "', current_timestamp)");
            for (String id : new String[] {WITH_KEY, WITHOUT_KEY}) {
                sql.execute("insert into vpn_connection (id, tenant_id, vpc_id, vpn_gateway_id, customer_gateway_id,"
                        + " on_premises_cidrs, preshared_key, created_at) values ('" + id + "', '" + TENANT + "', '"
                        + VPC + "', '" + GATEWAY + "', '" + CUSTOMER_GATEWAY + "', '192.168.0.0/24', "
                        + (id.equals(WITH_KEY) ? "'" + psk + "'" : "null") + ", current_timestamp)");
            }
        }

        flyway(null, sealer).migrate();

        try (Connection db = DriverManager.getConnection(URL, "sa", "");
                Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery("select * from vpn_connection order by id")) {
            assertThat(row.next()).isTrue();
            assertThatThrownBy(() -> row.findColumn("preshared_key")).isInstanceOf(SQLException.class);
            String sealed = row.getString("preshared_key_sealed");
            assertThat(sealed).isNotNull().doesNotContain(psk);
            assertThat(sealer.open(WITH_KEY, sealed)).isEqualTo(psk);
            assertThatThrownBy(() -> sealer.open(WITHOUT_KEY, sealed))
                    .as("sealed with its own connection's ID: copied to another row it does not open")
                    .isInstanceOf(IllegalStateException.class);
            assertThat(row.next()).isTrue();
            assertThat(row.getString("preshared_key_sealed")).isNull();
            assertThat(row.next()).isFalse();
        }
    }

    private static Flyway flyway(String target, VpnKeySealer sealer) {
        var configuration = Flyway.configure()
                .dataSource(URL, "sa", "")
                .locations("classpath:db/migration")
                .javaMigrations(new SealPrivateKeysMigration(sealer), new SealPresharedKeysMigration(sealer));
        return (target == null ? configuration : configuration.target(target)).load();
    }
}
