package io.vpclab.controlplane.whitelist;

/**
 * Published synchronously under the whitelist's row lock before it is deleted; a NAT gateway or
 * EIP that still uses it throws {@code ApiException.dependencyViolation(...)}.
 */
public record WhitelistDeleting(String whitelistId) {}
