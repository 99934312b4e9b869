package io.vpclab.controlplane.peering;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "vpc_peering")
public class Peering {

    @Id
    private String id;

    @Column(name = "requester_vpc_id", nullable = false)
    private String requesterVpcId;

    @Column(name = "requester_tenant_id", nullable = false)
    private String requesterTenantId;

    @Column(name = "accepter_vpc_id", nullable = false)
    private String accepterVpcId;

    @Column(name = "accepter_tenant_id", nullable = false)
    private String accepterTenantId;

    @Column(nullable = false)
    private String status;

    /** "lowVpcId/highVpcId" while pending or active, null once rejected: the unique key of a live pair. */
    @Column(name = "pair_key")
    private String pairKey;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Peering() {}

    Peering(
            String id,
            String requesterVpcId,
            String requesterTenantId,
            String accepterVpcId,
            String accepterTenantId,
            PeeringStatus status,
            Instant createdAt) {
        this.id = id;
        this.requesterVpcId = requesterVpcId;
        this.requesterTenantId = requesterTenantId;
        this.accepterVpcId = accepterVpcId;
        this.accepterTenantId = accepterTenantId;
        this.status = status.value();
        this.pairKey = pairKey(requesterVpcId, accepterVpcId);
        this.createdAt = createdAt;
    }

    static String pairKey(String vpcA, String vpcB) {
        return vpcA.compareTo(vpcB) < 0 ? vpcA + "/" + vpcB : vpcB + "/" + vpcA;
    }

    public String id() {
        return id;
    }

    public String requesterVpcId() {
        return requesterVpcId;
    }

    public String requesterTenantId() {
        return requesterTenantId;
    }

    public String accepterVpcId() {
        return accepterVpcId;
    }

    public String accepterTenantId() {
        return accepterTenantId;
    }

    public PeeringStatus status() {
        return PeeringStatus.fromValue(status);
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The other side of the peering, seen from {@code vpcId}. */
    public String peerOf(String vpcId) {
        return requesterVpcId.equals(vpcId) ? accepterVpcId : requesterVpcId;
    }

    void activate() {
        this.status = PeeringStatus.ACTIVE.value();
    }

    void reject() {
        this.status = PeeringStatus.REJECTED.value();
        this.pairKey = null;
    }
}
