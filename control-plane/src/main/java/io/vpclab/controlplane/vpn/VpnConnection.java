package io.vpclab.controlplane.vpn;

import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A VPN gateway linked to a customer gateway, with the static on-premises blocks routed through it. */
@Entity
@Table(name = "vpn_connection")
public class VpnConnection {

    @Id
    private String id;

    @Column(name = "tenant_id", nullable = false)
    private String tenantId;

    /** Its gateway's VPC; null while the gateway is detached. */
    @Column(name = "vpc_id")
    private String vpcId;

    @Column(name = "vpn_gateway_id", nullable = false)
    private String vpnGatewayId;

    @Column(name = "customer_gateway_id", nullable = false)
    private String customerGatewayId;

    /** Canonical CIDR blocks, comma separated (a handful per connection); empty when it has no static route. */
    @Column(name = "on_premises_cidrs", nullable = false)
    private String onPremisesCidrs;

    /** Sealed by {@link VpnKeySealer} with the connection's ID; null when the connection has none. */
    @Column(name = "preshared_key_sealed")
    private String sealedPresharedKey;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected VpnConnection() {}

    VpnConnection(
            String id,
            String tenantId,
            String vpcId,
            String vpnGatewayId,
            String customerGatewayId,
            List<Ipv4Prefix> onPremisesCidrs,
            String sealedPresharedKey,
            Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.vpcId = vpcId;
        this.vpnGatewayId = vpnGatewayId;
        this.customerGatewayId = customerGatewayId;
        this.onPremisesCidrs = join(onPremisesCidrs);
        this.sealedPresharedKey = sealedPresharedKey;
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

    public String vpnGatewayId() {
        return vpnGatewayId;
    }

    public String customerGatewayId() {
        return customerGatewayId;
    }

    public List<Ipv4Prefix> onPremisesCidrs() {
        if (onPremisesCidrs.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(onPremisesCidrs.split(",")).map(Ipv4Prefix::parse).toList();
    }

    void routeOnPremises(List<Ipv4Prefix> blocks) {
        this.onPremisesCidrs = join(blocks);
    }

    void followGateway(String gatewayVpcId) {
        this.vpcId = gatewayVpcId;
    }

    private static String join(List<Ipv4Prefix> blocks) {
        return blocks.stream().map(Ipv4Prefix::toString).collect(Collectors.joining(","));
    }

    /** Null when the connection has none; opened only for the creation answer, the configuration and the table. */
    String sealedPresharedKey() {
        return sealedPresharedKey;
    }

    public boolean hasPresharedKey() {
        return sealedPresharedKey != null;
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public String toString() {
        // Never the preshared key.
        return "VpnConnection[" + id + ", " + vpnGatewayId + " <-> " + customerGatewayId + "]";
    }
}
