package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.SecretSealer;
import io.vpclab.controlplane.system.VpcLabProperties;
import org.springframework.stereotype.Component;

/**
 * Seals the VPN's secrets at rest (gateways' private keys, connections' preshared keys) with the
 * key of {@link VpnProperties#sealingKey()}, else of {@code <data-dir>/vpn-sealing-key}. The
 * owning row's ID (gateway or connection) is the associated data.
 */
@Component
class VpnKeySealer {

    static final String PROPERTY = "vpclab.vpn.sealing-key";
    static final String KEY_FILE = "vpn-sealing-key";

    private final SecretSealer sealer;

    VpnKeySealer(VpnProperties vpn, VpcLabProperties properties) {
        String configured = vpn.sealingKey();
        this.sealer = configured != null && !configured.isBlank()
                ? new SecretSealer(SecretSealer.keyFromBase64(configured, PROPERTY), PROPERTY)
                : new SecretSealer(
                        SecretSealer.keyInDataDir(properties.dataDir(), KEY_FILE),
                        properties.dataDir().resolve(KEY_FILE).toString());
    }

    String seal(String rowId, String secretBase64) {
        return sealer.seal(rowId, secretBase64);
    }

    String open(String rowId, String sealed) {
        return sealer.open(rowId, sealed);
    }

    /** The connection's preshared key in WireGuard base64; null when it has none. */
    String presharedKey(VpnConnection connection) {
        return connection.hasPresharedKey() ? open(connection.id(), connection.sealedPresharedKey()) : null;
    }
}
