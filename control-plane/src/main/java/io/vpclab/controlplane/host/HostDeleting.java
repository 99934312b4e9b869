package io.vpclab.controlplane.host;

/**
 * Published synchronously under the host's row lock before it is deregistered; a feature that
 * still places something on the host throws {@code ApiException.dependencyViolation(...)}.
 */
public record HostDeleting(String hostId) {}
