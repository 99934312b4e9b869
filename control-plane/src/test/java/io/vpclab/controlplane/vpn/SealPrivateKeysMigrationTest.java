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
 * A data directory written while VPN gateways' private keys were stored plain: after V12 the
 * plain column is gone, the key is sealed with the configured sealing key, and it opens to the
 * key that was stored (so the tunnel's identity survives the upgrade).
 */
class SealPrivateKeysMigrationTest {

    private static final String URL = "jdbc:h2:mem:vpn-seal-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private static final String TENANT = "tenant-0123456789abcdef0";
    private static final String VPC = "vpc-0000000000000000a";
    private static final String GATEWAY = "vgw-0000000000000000a";

    @Test
    void storedPlainKeysAreSealedAndThePlainColumnIsDropped(@TempDir Path dataDir) throws SQLException {
        String configured = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B');
        VpnKeySealer sealer = new VpnKeySealer(new VpnProperties(configured), properties(dataDir));
        byte[] privateKey = WireGuardKeys.generatePrivateKey();
        String plain = WireGuardKeys.toBase64(privateKey);
        flyway("11", sealer).migrate();
        try (Connection db = DriverManager.getConnection(URL, "sa", "");
                Statement sql = db.createStatement()) {
            sql.execute("insert into tenant (id, name, created_at) values ('" + TENANT + "', 't', current_timestamp)");
            sql.execute("insert into vpc (id, tenant_id, cidr_block, created_at) values ('" + VPC + "', '" + TENANT
                    + "', '10.0.0.0/16', current_timestamp)");
            sql.execute("insert into vpn_gateway (id, tenant_id, vpc_id, listen_port, public_key, private_key, state,"
                    + " created_at) values ('" + GATEWAY + "', '" + TENANT + "', '" + VPC + "', 51820, '"
                    + WireGuardKeys.toBase64(WireGuardKeys.publicKey(privateKey)) + "', '" + plain
                    + "', 'pending', current_timestamp)");
        }

        flyway(null, sealer).migrate();

        try (Connection db = DriverManager.getConnection(URL, "sa", "");
                Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery("select * from vpn_gateway")) {
            assertThat(row.next()).isTrue();
            assertThatThrownBy(() -> row.findColumn("private_key")).isInstanceOf(SQLException.class);
            String sealed = row.getString("private_key_sealed");
            assertThat(sealed).doesNotContain(plain);
            assertThat(sealer.open(GATEWAY, sealed)).isEqualTo(plain);
            assertThat(row.next()).isFalse();
        }
        assertThat(dataDir.resolve(VpnKeySealer.KEY_FILE))
                .as("a configured key is used, none generated")
                .doesNotExist();
        VpnKeySealer generated = new VpnKeySealer(new VpnProperties(null), properties(dataDir));
        assertThat(dataDir.resolve(VpnKeySealer.KEY_FILE)).exists();
        assertThatThrownBy(() -> generated.open(GATEWAY, sealer.seal(GATEWAY, plain)))
                .as("another key does not open it")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(VpnKeySealer.KEY_FILE);
    }

    @Test
    void aConfiguredKeyThatIsNot32BytesStopsTheStart(@TempDir Path dataDir) {
        assertThatThrownBy(() -> new VpnKeySealer(new VpnProperties("c2hvcnQ="), properties(dataDir)))
                .hasMessageContaining(VpnKeySealer.PROPERTY)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new VpnKeySealer(new VpnProperties("not base64!"), properties(dataDir)))
                .hasMessageContaining(VpnKeySealer.PROPERTY);
    }

    private static VpcLabProperties properties(Path dataDir) {
        return new VpcLabProperties(dataDir, null, null, null, null);
    }

    private static Flyway flyway(String target, VpnKeySealer sealer) {
        var configuration = Flyway.configure()
                .dataSource(URL, "sa", "")
                .locations("classpath:db/migration")
                .javaMigrations(new SealPrivateKeysMigration(sealer));
        return (target == null ? configuration : configuration.target(target)).load();
    }
}
