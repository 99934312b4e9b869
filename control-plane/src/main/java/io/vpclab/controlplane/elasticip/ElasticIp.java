package io.vpclab.controlplane.elasticip;

import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A public address held by a tenant; associated with at most one instance or NAT gateway. */
@Entity
@Table(name = "elastic_ip")
public class ElasticIp {

    public enum IngressPolicy {
        DENY_ALL,
        ALLOW_ALL,
        WHITELIST
    }

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    @Column(name = "public_ip", nullable = false)
    private String publicIp;

    @Column(nullable = false)
    private long address;

    @Column(name = "association_id")
    private String associationId;

    @Column(name = "instance_id")
    private String instanceId;

    @Column(name = "nat_gateway_id")
    private String natGatewayId;

    @Column(name = "vpc_id")
    private String vpcId;

    @Column(name = "subnet_id")
    private String subnetId;

    @Column(name = "private_ip_address")
    private String privateIpAddress;

    @Column(name = "ingress_policy", nullable = false)
    private String ingressPolicy;

    @Column(name = "whitelist_id")
    private String whitelistId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected ElasticIp() {}

    ElasticIp(
            String id,
            String tenantId,
            long address,
            IngressPolicy ingressPolicy,
            String whitelistId,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.address = address;
        this.publicIp = Ipv4Prefix.formatAddress(address);
        this.ingressPolicy = ingressPolicy.name();
        this.whitelistId = whitelistId;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String tenantId() {
        return tenantId;
    }

    public String publicIp() {
        return publicIp;
    }

    public long address() {
        return address;
    }

    public String associationId() {
        return associationId;
    }

    public String instanceId() {
        return instanceId;
    }

    public String natGatewayId() {
        return natGatewayId;
    }

    public String vpcId() {
        return vpcId;
    }

    public String subnetId() {
        return subnetId;
    }

    public String privateIpAddress() {
        return privateIpAddress;
    }

    public IngressPolicy ingressPolicy() {
        return IngressPolicy.valueOf(ingressPolicy);
    }

    public String whitelistId() {
        return whitelistId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public boolean associated() {
        return associationId != null;
    }

    void associate(String newAssociationId, ElasticIpTarget target) {
        this.associationId = newAssociationId;
        this.instanceId = target.kind() == ElasticIpTarget.Kind.INSTANCE ? target.id() : null;
        this.natGatewayId = target.kind() == ElasticIpTarget.Kind.NAT_GATEWAY ? target.id() : null;
        this.vpcId = target.vpcId();
        this.subnetId = target.subnetId();
        this.privateIpAddress = target.privateIpAddress();
    }

    void disassociate() {
        this.associationId = null;
        this.instanceId = null;
        this.natGatewayId = null;
        this.vpcId = null;
        this.subnetId = null;
        this.privateIpAddress = null;
    }

    void applyPolicy(IngressPolicy policy, String newWhitelistId) {
        this.ingressPolicy = policy.name();
        this.whitelistId = newWhitelistId;
    }
}
