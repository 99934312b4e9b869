package io.vpclab.controlplane.tenant;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Tokens;
import io.vpclab.controlplane.system.VpcLabProperties;
import java.time.Instant;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Tenants and their tokens. Other features call {@link #lockForUse} before creating a tenant's resource. */
@Service
public class TenantService {

    private final TenantRepository tenants;
    private final TenantTokenRepository tokens;
    private final ApplicationEventPublisher events;
    private final VpcLabProperties properties;

    TenantService(
            TenantRepository tenants,
            TenantTokenRepository tokens,
            ApplicationEventPublisher events,
            VpcLabProperties properties) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.events = events;
        this.properties = properties;
    }

    /** An issued token: the entity and its secret, which exists only in this response. */
    public record IssuedToken(TenantToken token, String secret) {}

    @Transactional
    public Tenant create(Caller caller, String name) {
        caller.requireAdmin();
        if (tenants.existsByName(name)) {
            throw ApiException.conflict("InvalidTenant.Duplicate", "a tenant named '" + name + "' already exists");
        }
        if (tenants.count() >= properties.quota().tenants()) {
            throw ApiException.conflict(
                    "TenantLimitExceeded", "at most " + properties.quota().tenants() + " tenants");
        }
        Tenant tenant = tenants.saveAndFlush(new Tenant(Ids.newId(Ids.TENANT), name, Instant.now()));
        events.publishEvent(new TenantChanged(tenant.id(), ChangeKind.CREATED));
        return tenant;
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<Tenant> list(Caller caller, PageRequest page) {
        caller.requireAdmin();
        return page.page(
                tenants.findByIdGreaterThanOrderByIdAsc(page.afterId(), Limit.of(page.fetchSize())), Tenant::id);
    }

    @Transactional(readOnly = true)
    public Tenant get(Caller caller, String tenantId) {
        if (!caller.canSee(tenantId)) {
            throw notFound(tenantId);
        }
        return tenants.findById(tenantId).orElseThrow(() -> notFound(tenantId));
    }

    /**
     * Locks the tenant row for the rest of the caller's transaction, so a tenant cannot be deleted
     * while one of its resources is being created, and per-tenant quotas are counted race-free.
     */
    @Transactional
    public Tenant lockForUse(Caller caller, String tenantId) {
        if (!caller.canSee(tenantId)) {
            throw notFound(tenantId);
        }
        return tenants.lockById(tenantId).orElseThrow(() -> notFound(tenantId));
    }

    @Transactional
    public void delete(Caller caller, String tenantId) {
        delete(caller, tenantId, false);
    }

    /** With {@code cascade}, everything the tenant holds goes first, in one transaction ({@link TenantEmptying}). */
    @Transactional
    public void delete(Caller caller, String tenantId, boolean cascade) {
        caller.requireAdmin();
        tenants.lockById(tenantId).orElseThrow(() -> notFound(tenantId));
        if (cascade) {
            events.publishEvent(new TenantEmptying(tenantId));
        }
        events.publishEvent(new TenantDeleting(tenantId));
        tokens.deleteByTenantId(tenantId);
        tenants.deleteById(tenantId);
        tenants.flush();
        events.publishEvent(new TenantChanged(tenantId, ChangeKind.DELETED));
    }

    @Transactional
    public IssuedToken issueToken(Caller caller, String tenantId, String description) {
        caller.requireAdmin();
        tenants.findById(tenantId).orElseThrow(() -> notFound(tenantId));
        String secret = Tokens.newSecret("vpclab_tenant");
        TenantToken token = tokens.saveAndFlush(
                new TenantToken(Ids.newId(Ids.TOKEN), tenantId, Tokens.sha256(secret), description, Instant.now()));
        return new IssuedToken(token, secret);
    }

    @Transactional(readOnly = true)
    public List<TenantToken> listTokens(Caller caller, String tenantId) {
        caller.requireAdmin();
        tenants.findById(tenantId).orElseThrow(() -> notFound(tenantId));
        return tokens.findByTenantIdOrderByIdAsc(tenantId);
    }

    @Transactional
    public void revokeToken(Caller caller, String tenantId, String tokenId) {
        caller.requireAdmin();
        TenantToken token = tokens.findById(tokenId)
                .filter(t -> t.tenantId().equals(tenantId))
                .orElseThrow(
                        () -> ApiException.notFound("InvalidToken.NotFound", "token " + tokenId + " does not exist"));
        tokens.delete(token);
    }

    @Transactional(readOnly = true)
    java.util.Optional<String> tenantOfToken(String tokenSha256) {
        return tokens.findByTokenHash(tokenSha256).map(TenantToken::tenantId);
    }

    static ApiException notFound(String tenantId) {
        return ApiException.notFound("InvalidTenant.NotFound", "tenant " + tenantId + " does not exist");
    }
}
