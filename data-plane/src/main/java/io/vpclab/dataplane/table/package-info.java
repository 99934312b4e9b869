/**
 * The forwarding state of one VTEP, as an immutable snapshot that mirrors the contract's
 * {@code ForwardingTable} (api-spec openapi.yaml): the host, remote VTEPs, segments, local
 * ports, remote MAC entries, IP bindings and distributed routers.
 *
 * <p>The rules a table must satisfy (unique ids, references that resolve, addresses inside
 * their segments, the provider network's routing) have one home: the agent's
 * {@code TableValidator}, which checks a file or a pushed table whole and answers every problem
 * with its JSON pointer before anything is built. {@link io.vpclab.dataplane.table.ForwardingState.Builder#build()}
 * relies on that: it resolves every reference to an index (refusing one that does not resolve,
 * so unchecked input never reaches the hot path) and precomputes the lookups, keyed by
 * primitives (MAC as {@code long}, IPv4 as {@code int}) so a lookup allocates nothing. Lookups
 * are split by concern: {@code SegmentLookup}, {@code RouterLookup}, {@code WhitelistLookup}
 * and {@code ProviderLookup}.
 *
 * <p>How the tables grow, per host: segments = VNIs served here; per segment, one MAC entry per
 * local port and per remote instance, one binding per instance, a flood list of at most the
 * number of remote VTEPs; per router, one route per subnet of the VPC and of its active peers;
 * per routed segment at most one default route (to its NAT gateway); per NAT gateway served
 * here, one nat-gateway port plus its associated subnets' prefixes.
 */
package io.vpclab.dataplane.table;
