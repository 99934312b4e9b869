package io.vpclab.controlplane.vpn;

import static io.vpclab.controlplane.vpn.PlainKeysDatabase.GATEWAY;
import static io.vpclab.controlplane.vpn.PlainKeysDatabase.TENANT;
import static io.vpclab.controlplane.vpn.PlainKeysDatabase.VPC;
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
 * A data directory written while VPN connections' preshared keys were stored plain: after V15 the
 * plain column is gone, a connection's key is sealed with the configured sealing key and its own
 * ID, it opens to the key that was stored (so the tunnel still comes up after the upgrade), and a
 * connection without a key stays without one.
 */
class SealPresharedKeysMigrationTest {

    private static final String CUSTOMER_GATEWAY = "cgw-0000000000000000a";
    private static final String WITH_KEY = "vpn-0000000000000000a";
    private static final String WITHOUT_KEY = "vpn-0000000000000000b";

    @Test
    void storedPlainPresharedKeysAreSealedAndThePlainColumnIsDropped(@TempDir Path dataDir) throws SQLException {
        PlainKeysDatabase database = new PlainKeysDatabase("14", dataDir);
        VpnKeySealer sealer = database.sealer();
        String psk = WireGuardKeys.toBase64(WireGuardKeys.generatePrivateKey());
        String publicKey = WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey()));
        database.execute(
                "insert into vpn_gateway (id, tenant_id, vpc_id, listen_port, public_key, private_key_sealed,"
                        + " state, created_at) values ('" + GATEWAY + "', '" + TENANT + "', '" + VPC + "', 51820, '"
                        + publicKey + "', 'sealed', 'pending', current_timestamp)",
                "insert into customer_gateway (id, tenant_id, ip_address, public_key, created_at) values ('"
                        + CUSTOMER_GATEWAY + "', '" + TENANT + "', '192.0.2.1', '" + publicKey
                        + "', current_timestamp)");
        for (String id : new String[] {WITH_KEY, WITHOUT_KEY}) {
            database.execute("insert into vpn_connection (id, tenant_id, vpc_id, vpn_gateway_id, customer_gateway_id,"
                    + " on_premises_cidrs, preshared_key, created_at) values ('" + id + "', '" + TENANT + "', '"
                    + VPC + "', '" + GATEWAY + "', '" + CUSTOMER_GATEWAY + "', '192.168.0.0/24', "
                    + (id.equals(WITH_KEY) ? "'" + psk + "'" : "null") + ", current_timestamp)");
        }

        database.upgrade();

        try (Connection db = database.connect();
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
}
