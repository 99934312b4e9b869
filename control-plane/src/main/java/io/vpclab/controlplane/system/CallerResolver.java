package io.vpclab.controlplane.system;

import java.util.Optional;

/**
 * Finds the Caller of a stored token by its SHA-256. The tenant and host features each provide
 * one, so the filter never reads their tables.
 */
public interface CallerResolver {

    Optional<Caller> resolve(String tokenSha256);
}
