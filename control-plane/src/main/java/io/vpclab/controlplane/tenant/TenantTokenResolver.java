package io.vpclab.controlplane.tenant;

import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.CallerResolver;
import java.util.Optional;
import org.springframework.stereotype.Component;

@Component
class TenantTokenResolver implements CallerResolver {

    private final TenantService tenants;

    TenantTokenResolver(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public Optional<Caller> resolve(String tokenSha256) {
        return tenants.tenantOfToken(tokenSha256).map(Caller::tenant);
    }
}
