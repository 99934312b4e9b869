package io.vpclab.controlplane.vpn;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vpclab.vpn.*} settings. {@code sealing-key} (VPCLAB_VPN_SEALING_KEY): 32 bytes in base64
 * that seal VPN gateways' private keys in the database; without it, a key is generated once into
 * {@code <data-dir>/vpn-sealing-key} (the embedded demo's default).
 */
@ConfigurationProperties("vpclab.vpn")
public record VpnProperties(String sealingKey) {}
