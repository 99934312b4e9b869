package io.vpclab.controlplane.tenant;

import static io.vpclab.controlplane.system.Times.utc;

import io.vpclab.api.TenantsApi;
import io.vpclab.api.model.IssuedToken;
import io.vpclab.api.model.TenantCreate;
import io.vpclab.api.model.TenantList;
import io.vpclab.api.model.TokenCreate;
import io.vpclab.api.model.TokenInfo;
import io.vpclab.api.model.TokenList;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TenantController implements TenantsApi {

    private final TenantService tenants;

    TenantController(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Tenant> createTenant(TenantCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(toDto(tenants.create(Callers.current(), body.getName())));
    }

    @Override
    public ResponseEntity<TenantList> listTenants(Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.Tenant> page = tenants.list(
                        Callers.current(), PageRequest.of(maxResults, nextToken))
                .map(TenantController::toDto);
        return ResponseEntity.ok(new TenantList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Tenant> getTenant(String tenantId) {
        return ResponseEntity.ok(toDto(tenants.get(Callers.current(), tenantId)));
    }

    @Override
    public ResponseEntity<Void> deleteTenant(String tenantId, Boolean cascade) {
        tenants.delete(Callers.current(), tenantId, Boolean.TRUE.equals(cascade));
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<IssuedToken> createTenantToken(String tenantId, TokenCreate body) {
        TenantService.IssuedToken issued =
                tenants.issueToken(Callers.current(), tenantId, body == null ? null : body.getDescription());
        TenantToken token = issued.token();
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new IssuedToken(token.id(), token.tenantId(), issued.secret(), utc(token.createdAt()))
                        .description(token.description()));
    }

    @Override
    public ResponseEntity<TokenList> listTenantTokens(String tenantId) {
        return ResponseEntity.ok(new TokenList(tenants.listTokens(Callers.current(), tenantId).stream()
                .map(t -> new TokenInfo(t.id(), t.tenantId(), utc(t.createdAt())).description(t.description()))
                .toList()));
    }

    @Override
    public ResponseEntity<Void> revokeTenantToken(String tenantId, String tokenId) {
        tenants.revokeToken(Callers.current(), tenantId, tokenId);
        return ResponseEntity.noContent().build();
    }

    static io.vpclab.api.model.Tenant toDto(Tenant tenant) {
        return new io.vpclab.api.model.Tenant(tenant.id(), tenant.name(), utc(tenant.createdAt()));
    }
}
