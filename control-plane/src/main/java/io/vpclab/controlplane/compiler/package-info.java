/**
 * Compiles what the store holds into one forwarding table per host: a pure function of an
 * immutable {@link io.vpclab.controlplane.compiler.NetworkSnapshot} and a host id, tested
 * without Spring.
 *
 * <p>A host's table covers every VPC it has a port in plus the active peers of those VPCs:
 * segments = subnets of those VPCs; ports = its own instances; macs = the other instances of
 * those segments (one entry each, pointing at their VTEP); bindings = every instance of those
 * segments (ARP suppression and routing); routers = one per VPC with a local port, with routes
 * to its own subnets and its active peers' subnets (never the peers' peers: peering is not
 * transitive). So entries per host grow with the instances of the VPCs it serves, not with the
 * whole installation, and a change to one VPC touches only the hosts that serve it or its peers.
 *
 * <p>Tables are the contract's own types ({@code io.vpclab.client.model}), so the control plane and
 * the agent diff and apply them with one shared {@link io.vpclab.client.table.TableDiff}.
 */
package io.vpclab.controlplane.compiler;
