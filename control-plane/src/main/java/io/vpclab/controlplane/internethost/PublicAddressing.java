package io.vpclab.controlplane.internethost;

import java.util.List;

/**
 * The public network as configured (vpclab.public.*): its range, gateway, EIP pool and the
 * internet hosts configuration places. Implemented by the publicnetwork package, which owns that
 * configuration; this feature checks new hosts against it.
 */
public interface PublicAddressing {

    String publicCidr();

    String gatewayIp();

    String eipPool();

    List<ConfiguredHost> configuredHosts();

    /** An internet host of vpclab.public.internet-hosts; hostName is the VTEP host's name. */
    record ConfiguredHost(String name, String ip, String hostName, String kind) {}
}
