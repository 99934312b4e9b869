/**
 * Simulated hosts: in-process instances with a small IPv4 stack on one port (ARP with a cache
 * and next-hop resolution, ICMP echo, UDP echo, a TCP listener that completes handshakes on
 * open ports and resets closed ones) and clients for ping, traceroute, TCP port probes and UDP
 * requests. A {@link io.vpclab.dataplane.host.SimulatedHost} is a
 * {@link io.vpclab.dataplane.port.FrameDevice}, so it attaches to a VTEP like a TAP device and
 * runs on the VTEP's event loop; its client calls may come from any thread.
 */
package io.vpclab.dataplane.host;
