/**
 * Ping, traceroute and port probes from an instance: the request goes to the instance's host
 * agent on its table stream and the API call waits (bounded) for the agent's answer. The
 * packets are real, sent from the instance's port. Nothing is kept after the answer.
 */
package io.vpclab.controlplane.diagnostics;
