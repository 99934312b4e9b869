package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Vni;

/**
 * 1:1 NAT for one local instance: traffic from {@code privateIp} on segment {@code vni} to a
 * destination its VPC does not route leaves on the public segment with source {@code publicIp};
 * traffic to {@code publicIp} arriving on the public segment is delivered to {@code privateIp}
 * if {@code ingress} (or the flow table, for replies) lets it in. Under
 * {@link IngressPolicy#WHITELIST} the whitelist {@code whitelistId} of the same table decides.
 */
public record ElasticIp(
        Ipv4Address publicIp, Vni vni, Ipv4Address privateIp, IngressPolicy ingress, String whitelistId) {

    public ElasticIp {
        TableHost.requireNonNull(publicIp, "elasticIp.publicIp");
        TableHost.requireNonNull(vni, "elasticIp " + publicIp + ": vni");
        TableHost.requireNonNull(privateIp, "elasticIp " + publicIp + ": privateIp");
        ingress = ingress == null ? IngressPolicy.DENY_ALL : ingress;
        if ((ingress == IngressPolicy.WHITELIST) != (whitelistId != null)) {
            throw new IllegalArgumentException("elasticIp " + publicIp + ": a whitelistId goes with ingress WHITELIST"
                    + " and only with it (ingress " + ingress + ", whitelistId " + whitelistId + ")");
        }
    }

    /** An elastic IP whose ingress policy names no whitelist. */
    public ElasticIp(Ipv4Address publicIp, Vni vni, Ipv4Address privateIp, IngressPolicy ingress) {
        this(publicIp, vni, privateIp, ingress, null);
    }
}
