package io.vpclab.controlplane.vpn;

import org.springframework.stereotype.Component;

/**
 * V15: VPN connections' preshared keys sealed at rest, as V12 did the gateways' private keys.
 * Stored keys were WireGuard base64 in {@code preshared_key} (null for a connection without
 * one); they move, sealed with the connection's ID, to {@code preshared_key_sealed}.
 */
@Component
class SealPresharedKeysMigration extends SealColumnMigration {

    SealPresharedKeysMigration(VpnKeySealer sealer) {
        super(
                sealer,
                "15",
                "vpn preshared keys sealed",
                "vpn_connection",
                "preshared_key",
                "preshared_key_sealed",
                false);
    }
}
