/**
 * The all-in-one demo ({@code java -jar vpclab-server.jar --demo}): the server starts N agents in
 * its own JVM through the agent's public entry point ({@code FollowAgent.start}), so they talk
 * the same HTTP and UDP (loopback) protocols as remote agents; it then builds two tenants with
 * the same 10.0.0.0/16 over the REST API and prints the reachability matrix measured with real
 * pings. Nothing else in the control plane touches the agent or the data plane.
 */
package io.vpclab.controlplane.demo;
