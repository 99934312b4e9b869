/**
 * Captures the control plane asks for: a {@code capture} event on the table stream starts or
 * stops writing pcap at a port or at the underlay (through the data plane's capture points),
 * the agent reports progress while it runs and uploads the file when it ends (asked to stop, or
 * a packet, byte or time bound reached). Files live in a temporary directory until uploaded;
 * a capture running when the agent stops is lost (the control plane fails it at its deadline).
 */
package io.vpclab.agent.capture;
