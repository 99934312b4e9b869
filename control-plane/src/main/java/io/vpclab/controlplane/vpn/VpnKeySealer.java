package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.SecretSealer;
import io.vpclab.controlplane.system.VpcLabProperties;
import org.springframework.stereotype.Component;

/**
 * Seals VPN gateways' private keys at rest with the key of {@link VpnProperties#sealingKey()},
 * else of {@code <data-dir>/vpn-sealing-key}. The gateway's ID is the associated data.
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

    String seal(String gatewayId, String privateKeyBase64) {
        return sealer.seal(gatewayId, privateKeyBase64);
    }

    String open(String gatewayId, String sealedPrivateKey) {
        return sealer.open(gatewayId, sealedPrivateKey);
    }
}
