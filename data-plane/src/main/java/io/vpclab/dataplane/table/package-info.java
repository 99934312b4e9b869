/**
 * The forwarding state of one VTEP, as an immutable snapshot that mirrors the contract's
 * {@code ForwardingTable} (api-spec openapi.yaml): the host, remote VTEPs, segments, local
 * ports, remote MAC entries, IP bindings and distributed routers.
 *
 * <p>{@link io.vpclab.dataplane.table.ForwardingState.Builder#build()} validates every
 * cross-reference and refuses the whole table with an {@link IllegalArgumentException} naming the
 * entry, so a table is never half-applied. It then precomputes the lookups the hot path needs,
 * keyed by primitives (MAC as {@code long}, IPv4 as {@code int}) so a lookup allocates nothing.
 *
 * <p>How the tables grow, per host: segments = VNIs served here; per segment, one MAC entry per
 * local port and per remote instance, one binding per instance, a flood list of at most the
 * number of remote VTEPs; per router, one route per subnet of the VPC and of its active peers;
 * per routed segment at most one default route (to its NAT gateway); per NAT gateway served
 * here, one nat-gateway port plus its associated subnets' prefixes.
 */
package io.vpclab.dataplane.table;
