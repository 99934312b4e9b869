package io.vpclab.controlplane.vpn;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A VPC's WireGuard endpoint. The private key is stored sealed ({@link VpnKeySealer}: its host
 * needs it, a copy of the database must not reveal it) and only this package opens it, for the
 * host's table: no response and no log line carries it.
 */
@Entity
@Table(name = "vpn_gateway")
public class VpnGateway {

    /** WireGuard's customary port. */
    public static final int DEFAULT_LISTEN_PORT = 51820;

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    /** The VPC it is attached to now; null while detached. */
    @Column(name = "vpc_id")
    private String vpcId;

    /** The VPC it was last detached from (EC2 shows that attachment as "detached"); null once attached. */
    @Column(name = "detached_vpc_id")
    private String detachedVpcId;

    private String name;

    @Column(name = "host_id")
    private String hostId;

    @Column(name = "listen_port", nullable = false)
    private int listenPort;

    @Column(name = "public_key", nullable = false)
    private String publicKey;

    @Column(name = "private_key_sealed", nullable = false)
    private String sealedPrivateKey;

    /** "available" when placed on a host, "pending" while no host is registered. */
    @Column(nullable = false)
    private String state;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected VpnGateway() {}

    VpnGateway(
            String id,
            String tenantId,
            String vpcId,
            String name,
            String hostId,
            int listenPort,
            String publicKey,
            String sealedPrivateKey,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.name = name;
        this.hostId = hostId;
        this.listenPort = listenPort;
        this.publicKey = publicKey;
        this.sealedPrivateKey = sealedPrivateKey;
        this.state = hostId == null ? "pending" : "available";
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    public String vpcId() {
        return vpcId;
    }

    /** "attached", "detached", or null for a gateway never attached (EC2 lists no attachment then). */
    public String attachmentState() {
        if (vpcId != null) {
            return "attached";
        }
        return detachedVpcId == null ? null : "detached";
    }

    /** The VPC of its attachment, attached or detached; null when it never was. */
    public String attachmentVpcId() {
        return vpcId != null ? vpcId : detachedVpcId;
    }

    public String name() {
        return name;
    }

    public String hostId() {
        return hostId;
    }

    public int listenPort() {
        return listenPort;
    }

    public String publicKey() {
        return publicKey;
    }

    /** The private key as {@link VpnKeySealer} sealed it, with this gateway's ID as associated data. */
    String sealedPrivateKey() {
        return sealedPrivateKey;
    }

    public String state() {
        return state;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void attachTo(String newVpcId) {
        this.vpcId = newVpcId;
        this.detachedVpcId = null;
    }

    void detach() {
        this.detachedVpcId = vpcId;
        this.vpcId = null;
    }

    void placeOn(String newHostId) {
        this.hostId = newHostId;
        this.state = "available";
    }

    @Override
    public String toString() {
        // Never the private key.
        return "VpnGateway[" + id + ", vpc " + vpcId + ", host " + hostId + ", port " + listenPort + "]";
    }
}
