package io.vpclab.controlplane.system;

import java.util.Objects;

/**
 * Who sent the request, from its bearer token. Services take a Caller explicitly, so the
 * tenancy rule (another tenant's IDs answer 404) is visible in every signature.
 */
public record Caller(Kind kind, String id) {

    public enum Kind {
        ADMIN,
        TENANT,
        HOST,
        BOOTSTRAP
    }

    private static final Caller ADMIN = new Caller(Kind.ADMIN, "admin");
    private static final Caller BOOTSTRAP = new Caller(Kind.BOOTSTRAP, "bootstrap");

    public Caller {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Caller admin() {
        return ADMIN;
    }

    public static Caller bootstrap() {
        return BOOTSTRAP;
    }

    public static Caller tenant(String tenantId) {
        return new Caller(Kind.TENANT, tenantId);
    }

    public static Caller host(String hostId) {
        return new Caller(Kind.HOST, hostId);
    }

    public boolean isAdmin() {
        return kind == Kind.ADMIN;
    }

    public boolean isTenant() {
        return kind == Kind.TENANT;
    }

    public boolean isHost() {
        return kind == Kind.HOST;
    }

    /** True when this caller may see a resource of {@code tenantId}: the admin, or that tenant. */
    public boolean canSee(String tenantId) {
        return isAdmin() || (isTenant() && id.equals(tenantId));
    }

    /** The tenant filter for lists: null (all) for the admin, the caller's tenant otherwise. */
    public String tenantScope() {
        return isAdmin() ? null : id;
    }

    public void requireAdmin() {
        if (!isAdmin()) {
            throw ApiException.forbidden("only the admin token may do this");
        }
    }

    /** Tenant resources are for the admin and tenants; host and bootstrap tokens serve the southbound. */
    public void requireAdminOrTenant() {
        if (!isAdmin() && !isTenant()) {
            throw ApiException.forbidden("a " + kind.name().toLowerCase() + " token may not manage tenant resources");
        }
    }

    /**
     * The tenant a new resource belongs to: a tenant token's own tenant (a different requested
     * tenantId is 404, as for any other foreign ID), or the tenantId the admin must name.
     */
    public String owningTenant(String requestedTenantId) {
        requireAdminOrTenant();
        if (isTenant()) {
            if (requestedTenantId != null && !requestedTenantId.equals(id)) {
                throw ApiException.notFound(
                        "InvalidTenant.NotFound", "tenant " + requestedTenantId + " does not exist");
            }
            return id;
        }
        if (requestedTenantId == null || requestedTenantId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "tenantId is required with the admin token");
        }
        return requestedTenantId;
    }
}
