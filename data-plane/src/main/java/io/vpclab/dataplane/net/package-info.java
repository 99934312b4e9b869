/**
 * Address values of the data plane: {@link io.vpclab.dataplane.net.MacAddress} and
 * {@link io.vpclab.dataplane.net.Ipv4Address}; prefixes, VNIs and spec numbers shared with the
 * control plane live in the {@code net-values} module ({@link io.vpclab.net}). Each is an immutable record validated in its constructor,
 * and each has a primitive form ({@code long} MAC, {@code int} IPv4) that the hot path uses so
 * that a forwarded packet never creates one of these objects.
 */
package io.vpclab.dataplane.net;
