package io.vpclab.controlplane.publicnetwork;

import io.vpclab.controlplane.internethost.PublicAddressing;
import java.util.List;
import org.springframework.stereotype.Component;

/** The public network's configuration, as the internet-host feature checks new hosts against it. */
@Component
class ConfiguredPublicAddressing implements PublicAddressing {

    private final PublicNetworkProperties properties;

    ConfiguredPublicAddressing(PublicNetworkProperties properties) {
        this.properties = properties;
    }

    @Override
    public String publicCidr() {
        return properties.cidr();
    }

    @Override
    public String gatewayIp() {
        return properties.gateway();
    }

    @Override
    public String eipPool() {
        return properties.eipPool();
    }

    @Override
    public List<ConfiguredHost> configuredHosts() {
        return properties.internetHosts().stream()
                .map(h -> new ConfiguredHost(h.name(), h.ip(), h.host(), h.kind()))
                .toList();
    }
}
