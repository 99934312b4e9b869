package io.vpclab.controlplane.vpn;

import static io.vpclab.controlplane.vpn.PlainKeysDatabase.GATEWAY;
import static io.vpclab.controlplane.vpn.PlainKeysDatabase.TENANT;
import static io.vpclab.controlplane.vpn.PlainKeysDatabase.VPC;
import static io.vpclab.controlplane.vpn.PlainKeysDatabase.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.net.WireGuardKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written while VPN gateways' private keys were stored plain: after V12 the
 * plain column is gone, the key is sealed with the configured sealing key, and it opens to the
 * key that was stored (so the tunnel's identity survives the upgrade).
 */
class SealPrivateKeysMigrationTest {

    @Test
    void storedPlainKeysAreSealedAndThePlainColumnIsDropped(@TempDir Path dataDir) throws SQLException {
        PlainKeysDatabase database = new PlainKeysDatabase("11", dataDir);
        VpnKeySealer sealer = database.sealer();
        byte[] privateKey = WireGuardKeys.generatePrivateKey();
        String plain = WireGuardKeys.toBase64(privateKey);
        database.execute("insert into vpn_gateway (id, tenant_id, vpc_id, listen_port, public_key, private_key, state,"
                + " created_at) values ('" + GATEWAY + "', '" + TENANT + "', '" + VPC + "', 51820, '"
                + WireGuardKeys.toBase64(WireGuardKeys.publicKey(privateKey)) + "', '" + plain
                + "', 'pending', current_timestamp)");

        database.upgrade();

        try (Connection db = database.connect();
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
}
