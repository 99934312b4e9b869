package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.Ipv4Prefix;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The on-premises side's {@code wg-quick} file for a VPN connection. The customer's private key
 * stays with the customer: the file has a commented placeholder for it. The on-premises peer
 * initiates (it is usually behind NAT) and keeps the path open with a 25 s keepalive, as
 * wg-quick's documentation recommends behind NAT. {@code Address} gives the interface an address
 * inside the first on-premises block (a /32, so wg-quick routes only the VPC's blocks through the
 * tunnel), so the file works with {@code wg-quick up} once the private key is filled in.
 */
@Component
class WgQuickConfiguration {

    static final int PERSISTENT_KEEPALIVE_SECONDS = 25;
    /** Where the on-premises side listens (WireGuard's customary port); the agents send initiations there. */
    static final int CUSTOMER_GATEWAY_PORT = 51820;

    private final VpnConnectionService connections;
    private final VpnGatewayService vpnGateways;
    private final CustomerGatewayService customerGateways;
    private final VpcService vpcs;

    WgQuickConfiguration(
            VpnConnectionService connections,
            VpnGatewayService vpnGateways,
            CustomerGatewayService customerGateways,
            VpcService vpcs) {
        this.connections = connections;
        this.vpnGateways = vpnGateways;
        this.customerGateways = customerGateways;
        this.vpcs = vpcs;
    }

    @Transactional(readOnly = true)
    public String render(Caller caller, String vpnConnectionId) {
        VpnConnection connection = connections.get(caller, vpnConnectionId);
        VpnGatewayService.VpnGatewayView gateway = vpnGateways.get(caller, connection.vpnGatewayId());
        if (gateway.endpointIp() == null) {
            throw ApiException.conflict(
                    "IncorrectState",
                    "VPN gateway " + connection.vpnGatewayId()
                            + " is pending (no host registered yet), so it has no endpoint to connect to");
        }
        if (connection.vpcId() == null) {
            throw ApiException.conflict(
                    "IncorrectState",
                    "VPN gateway " + connection.vpnGatewayId()
                            + " is detached: attach it to a VPC first (the file routes the VPC's blocks)");
        }
        if (connection.onPremisesCidrs().isEmpty()) {
            throw ApiException.conflict(
                    "IncorrectState",
                    "VPN connection " + connection.id()
                            + " has no static route yet: add its on-premises block first (the file's address is in it)");
        }
        CustomerGateway customerGateway = customerGateways.get(caller, connection.customerGatewayId());
        String allowedIps = vpcs.get(Caller.admin(), connection.vpcId()).cidrs().stream()
                .map(Ipv4Prefix::toString)
                .collect(Collectors.joining(", "));
        String onPremises =
                connection.onPremisesCidrs().stream().map(Ipv4Prefix::toString).collect(Collectors.joining(", "));
        StringBuilder file = new StringBuilder()
                .append("# VPC Lab VPN connection ")
                .append(connection.id())
                .append(": on-premises side (customer gateway ")
                .append(customerGateway.id())
                .append(", ")
                .append(customerGateway.ipAddress())
                .append(")\n")
                .append("# Routed from VPC ")
                .append(connection.vpcId())
                .append(" to on premises: ")
                .append(onPremises)
                .append("\n")
                .append("# Use: fill in PrivateKey, then `wg-quick up ./")
                .append(connection.id())
                .append(".conf`\n")
                .append("[Interface]\n")
                .append("# PrivateKey = <the private key of ")
                .append(customerGateway.publicKey())
                .append(", which only you hold>\n")
                .append("# This machine's address on premises as the VPC sees it; put its own LAN address in ")
                .append(connection.onPremisesCidrs().get(0))
                .append(" here if it has one\n")
                .append("Address = ")
                .append(Ipv4Prefix.formatAddress(
                        interfaceAddress(connection.onPremisesCidrs().get(0))))
                .append("/32\n")
                .append("# The VPN gateway starts the tunnel toward this port when the VPC sends first\n")
                .append("ListenPort = ")
                .append(CUSTOMER_GATEWAY_PORT)
                .append("\n")
                .append("\n[Peer]\n")
                .append("# VPN gateway ")
                .append(gateway.gateway().id())
                .append("\n")
                .append("PublicKey = ")
                .append(gateway.gateway().publicKey())
                .append("\n");
        if (connection.hasPresharedKey()) {
            file.append("PresharedKey = ")
                    .append(connections.presharedKey(connection))
                    .append("\n");
        }
        return file.append("Endpoint = ")
                .append(gateway.endpointIp())
                .append(':')
                .append(gateway.gateway().listenPort())
                .append("\n")
                .append("AllowedIPs = ")
                .append(allowedIps)
                .append("\n")
                .append("PersistentKeepalive = ")
                .append(PERSISTENT_KEEPALIVE_SECONDS)
                .append("\n")
                .toString();
    }

    /** The block's first host address (the block itself for a /31 or /32). */
    static long interfaceAddress(Ipv4Prefix onPremises) {
        return onPremises.length() >= 31 ? onPremises.first() : onPremises.first() + 1;
    }
}
