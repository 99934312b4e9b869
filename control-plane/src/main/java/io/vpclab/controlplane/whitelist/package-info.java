/**
 * Whitelists: named per tenant, an ordered list of rules (protocol, canonical CIDR, port range)
 * with a hit counter each and one drop counter, all zero until the data plane reports (through
 * {@link io.vpclab.controlplane.whitelist.WhitelistCounterSource}: new flows admitted per rule
 * and drops, summed over the agents' latest reports). A whitelist
 * is attached to NAT gateway egress or EIP ingress by those features through
 * {@link io.vpclab.controlplane.whitelist.WhitelistService#attachmentAfter}; while attached it cannot
 * be deleted ({@link io.vpclab.controlplane.whitelist.WhitelistDeleting} lets them veto). A table
 * grows by one row per rule.
 */
package io.vpclab.controlplane.whitelist;
