package io.vpclab.controlplane.host;

import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.CallerResolver;
import java.util.Optional;
import org.springframework.stereotype.Component;

@Component
class HostTokenResolver implements CallerResolver {

    private final HostService hosts;

    HostTokenResolver(HostService hosts) {
        this.hosts = hosts;
    }

    @Override
    public Optional<Caller> resolve(String tokenSha256) {
        return hosts.hostOfToken(tokenSha256).map(Caller::host);
    }
}
