package io.vpclab.controlplane.tenant;

/**
 * Published synchronously, under the tenant's row lock, before a tenant is deleted. A feature
 * that still holds resources of the tenant throws {@code ApiException.dependencyViolation(...)}
 * from its listener, which refuses the delete and rolls it back.
 */
public record TenantDeleting(String tenantId) {}
