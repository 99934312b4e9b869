package io.vpclab.controlplane.vpn;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The on-premises WireGuard peer of VPN connections. */
@Entity
@Table(name = "customer_gateway")
public class CustomerGateway {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    private String name;

    @Column(name = "ip_address", nullable = false)
    private String ipAddress;

    @Column(name = "public_key", nullable = false)
    private String publicKey;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected CustomerGateway() {}

    CustomerGateway(String id, String tenantId, String name, String ipAddress, String publicKey, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.name = name;
        this.ipAddress = ipAddress;
        this.publicKey = publicKey;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    public String name() {
        return name;
    }

    public String ipAddress() {
        return ipAddress;
    }

    public String publicKey() {
        return publicKey;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
