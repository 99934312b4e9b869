package io.vpclab.dataplane.stats;

/**
 * The connections of one instance, elastic IP or NAT gateway on this host, as the connection
 * tracking holds them. A connection is a tracked flow (protocol, both addresses and ports).
 *
 * @param kind     {@code instance} (id: its port id), {@code elasticIp} (id: the public address)
 *                 or {@code natGateway} (id: the gateway id)
 * @param active   tracked connections that carried a packet in the last {@code activeSeconds}
 * @param inactive tracked connections quiet for longer, kept until their idle timeout
 * @param created  connections seen for the first time, cumulative (a rate is a difference)
 */
public record ConnectionSnapshot(String kind, String id, long active, long inactive, long created) {

    public static final String INSTANCE = "instance";
    public static final String ELASTIC_IP = "elasticIp";
    public static final String NAT_GATEWAY = "natGateway";
}
