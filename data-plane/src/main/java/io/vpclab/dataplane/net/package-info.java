/**
 * Configuration-level network values: {@link io.vpclab.dataplane.net.MacAddress},
 * {@link io.vpclab.dataplane.net.Ipv4Address}, {@link io.vpclab.dataplane.net.Ipv4Prefix} and
 * {@link io.vpclab.dataplane.net.Vni}. Each is an immutable record validated in its constructor,
 * and each has a primitive form ({@code long} MAC, {@code int} IPv4) that the hot path uses so
 * that a forwarded packet never creates one of these objects.
 */
package io.vpclab.dataplane.net;
