/**
 * Tenants and their bearer tokens (SHA-256 stored, secret shown once). Deleting a tenant asks
 * every feature through {@link io.vpclab.controlplane.tenant.TenantDeleting} whether it still
 * holds resources of that tenant; a cascading delete first asks each to delete them
 * ({@link io.vpclab.controlplane.tenant.TenantEmptying}).
 */
package io.vpclab.controlplane.tenant;
