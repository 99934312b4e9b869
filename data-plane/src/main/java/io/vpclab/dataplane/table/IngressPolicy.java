package io.vpclab.dataplane.table;

/**
 * What an elastic IP lets in that is not a reply to one of its instance's own flows (contract
 * schema {@code EipIngressPolicy}). Replies of outbound flows always pass.
 */
public enum IngressPolicy {
    /** Only replies of outbound flows (the default). */
    DENY_ALL,
    /** Everything addressed to the elastic IP. */
    ALLOW_ALL,
    /** New flows a rule of the elastic IP's whitelist admits (stateful: their later packets pass too). */
    WHITELIST
}
