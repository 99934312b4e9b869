/**
 * The reachability analyzer: {@code POST /api/v1/network-insights/paths} answers, without sending
 * a packet, whether a flow from a source (instance, internet host, elastic IP, address) reaches a
 * destination, hop by hop, and which component and rule block it. It walks the per-host forwarding
 * tables the compiler gives the agents, translated by the agent's own translator, with the data
 * plane's own evaluators (security group and ACL lookups, the router's {@code RouteDecision},
 * whitelists): one implementation of the rules, so the analyzer and the wire agree. Nothing is
 * stored; an answer costs one table translation per host the path crosses.
 */
package io.vpclab.controlplane.analyzer;
