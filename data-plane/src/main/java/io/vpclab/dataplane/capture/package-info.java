/**
 * Packet capture into classic pcap files (nanosecond timestamps, link type Ethernet) that
 * Wireshark and tshark read. A capture point sits at a port (the frames as the instance sees
 * them) or at the underlay, where each VXLAN datagram is written with synthesized outer
 * Ethernet, IPv4 and UDP headers built from the socket addresses, so the capture decodes as
 * VXLAN and shows the VNI. Captures start and stop at run time and are written on the event loop.
 */
package io.vpclab.dataplane.capture;
