package io.vpclab.controlplane.vpn;

import org.springframework.stereotype.Component;

/**
 * V12: VPN gateways' private keys sealed at rest. Stored keys were WireGuard base64 in
 * {@code private_key}; they move, sealed, to {@code private_key_sealed}.
 */
@Component
class SealPrivateKeysMigration extends SealColumnMigration {

    SealPrivateKeysMigration(VpnKeySealer sealer) {
        super(sealer, "12", "vpn private keys sealed", "vpn_gateway", "private_key", "private_key_sealed", true);
    }
}
