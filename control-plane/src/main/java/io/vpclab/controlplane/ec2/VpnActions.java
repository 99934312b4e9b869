package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.vpn.CustomerGateway;
import io.vpclab.controlplane.vpn.CustomerGatewayService;
import io.vpclab.controlplane.vpn.VpnConnection;
import io.vpclab.controlplane.vpn.VpnConnectionService;
import io.vpclab.controlplane.vpn.VpnGateway;
import io.vpclab.controlplane.vpn.VpnGatewayService;
import io.vpclab.controlplane.vpn.VpnGatewayService.VpnGatewayView;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Site-to-site VPN actions on the VPN services. VPC Lab's VPN is WireGuard, so a customer gateway
 * carries its device's WireGuard public key, given as {@code DeviceName}; a connection's
 * first on-premises block may be given as {@code Options.LocalIpv4NetworkCidr} (static routing:
 * CreateVpnConnectionRoute adds more) and its preshared key {@code Options.TunnelOptions.1.PreSharedKey}.
 * A VPN gateway is made detached and attached to a VPC, as in EC2; the REST API shows and drives the
 * same states.
 */
@Component
class VpnActions implements Ec2Action.Group {

    private static final String TYPE = "ipsec.1";
    /** EC2 shows a BGP ASN on every customer gateway; VPC Lab routes statically and uses none. */
    private static final String BGP_ASN = "65000";
    /** The Amazon-side ASN EC2 shows for a VPN gateway by default. */
    private static final String AMAZON_SIDE_ASN = "64512";

    private static final Map<String, Function<CustomerGateway, String>> CUSTOMER_GATEWAY_FILTERS = Map.of(
            "customer-gateway-id", CustomerGateway::id,
            "ip-address", CustomerGateway::ipAddress,
            "state", g -> "available",
            "type", g -> TYPE,
            "bgp-asn", g -> BGP_ASN);
    private static final Map<String, Function<VpnGatewayView, String>> VPN_GATEWAY_FILTERS = Map.of(
            "vpn-gateway-id", v -> v.gateway().id(),
            "state", v -> v.gateway().state(),
            "type", v -> TYPE,
            "attachment.vpc-id", v -> v.gateway().attachmentVpcId(),
            "attachment.state", v -> v.gateway().attachmentState(),
            "amazon-side-asn", v -> AMAZON_SIDE_ASN);
    private static final Map<String, Function<VpnConnection, List<String>>> VPN_CONNECTION_FILTERS = Map.of(
            "vpn-connection-id", c -> List.of(c.id()),
            "state", c -> List.of("available"),
            "type", c -> List.of(TYPE),
            "customer-gateway-id", c -> List.of(c.customerGatewayId()),
            "vpn-gateway-id", c -> List.of(c.vpnGatewayId()),
            "option.static-routes-only", c -> List.of("true"),
            "route.destination-cidr-block",
                    c -> c.onPremisesCidrs().stream().map(Ipv4Prefix::toString).toList());

    private final CustomerGatewayService customerGateways;
    private final VpnGatewayService vpnGateways;
    private final VpnConnectionService connections;
    private final Tags tags;
    private final TransactionTemplate transaction;

    VpnActions(
            CustomerGatewayService customerGateways,
            VpnGatewayService vpnGateways,
            VpnConnectionService connections,
            Tags tags,
            PlatformTransactionManager transactions) {
        this.customerGateways = customerGateways;
        this.vpnGateways = vpnGateways;
        this.connections = connections;
        this.tags = tags;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.ofEntries(
                Map.entry("CreateCustomerGateway", this::createCustomerGateway),
                Map.entry("DescribeCustomerGateways", this::describeCustomerGateways),
                Map.entry("DeleteCustomerGateway", this::deleteCustomerGateway),
                Map.entry("CreateVpnGateway", this::createVpnGateway),
                Map.entry("AttachVpnGateway", this::attachVpnGateway),
                Map.entry("DetachVpnGateway", this::detachVpnGateway),
                Map.entry("DescribeVpnGateways", this::describeVpnGateways),
                Map.entry("DeleteVpnGateway", this::deleteVpnGateway),
                Map.entry("CreateVpnConnection", this::createVpnConnection),
                Map.entry("DescribeVpnConnections", this::describeVpnConnections),
                Map.entry("DeleteVpnConnection", this::deleteVpnConnection),
                Map.entry("CreateVpnConnectionRoute", this::createVpnConnectionRoute),
                Map.entry("DeleteVpnConnectionRoute", this::deleteVpnConnectionRoute));
    }

    private void createCustomerGateway(Caller caller, Ec2Query query, Ec2Xml response) {
        requireType(query);
        String ipAddress = query.string("IpAddress")
                .or(() -> query.string("PublicIp"))
                .orElseThrow(() -> Ec2Exception.badRequest(
                        "MissingParameter", "the request must contain the parameter IpAddress"));
        String publicKey = query.string("DeviceName")
                .orElseThrow(() -> Ec2Exception.badRequest(
                        "MissingParameter",
                        "the request must contain the parameter DeviceName: the customer device's WireGuard"
                                + " public key (base64)"));
        CustomerGateway gateway = transaction.execute(status -> {
            CustomerGateway created = customerGateways.create(caller, null, Tags.name(query), ipAddress, publicKey);
            tags.tagNew(created.tenantId(), created.id(), query);
            return created;
        });
        write(response.open("customerGateway"), gateway).close();
    }

    private void describeCustomerGateways(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("CustomerGatewayId");
        Predicate<CustomerGateway> matches =
                tags.filter(query.filters(), CUSTOMER_GATEWAY_FILTERS, CustomerGateway::id, CustomerGateway::name);
        List<CustomerGateway> shown = ids.isEmpty()
                ? Ec2Pages.collect(
                                request -> customerGateways.list(caller, request),
                                matches,
                                CustomerGateway::id,
                                java.util.Optional.empty(),
                                java.util.Optional.empty())
                        .items()
                : ids.stream()
                        .map(id -> customerGateways.get(caller, id))
                        .filter(matches)
                        .toList();
        response.open("customerGatewaySet");
        shown.forEach(gateway -> write(response.open("item"), gateway).close());
        response.close();
    }

    private void deleteCustomerGateway(Caller caller, Ec2Query query, Ec2Xml response) {
        customerGateways.delete(caller, query.required("CustomerGatewayId"));
        response.field("return", true);
    }

    private void createVpnGateway(Caller caller, Ec2Query query, Ec2Xml response) {
        requireType(query);
        // AmazonSideAsn is accepted and not kept: VPC Lab routes statically
        query.string("AmazonSideAsn");
        VpnGatewayView gateway = transaction.execute(status -> {
            VpnGatewayView created = vpnGateways.create(
                    caller, new VpnGatewayService.Creation(null, null, Tags.name(query), null, null));
            tags.tagNew(created.gateway().tenantId(), created.gateway().id(), query);
            return created;
        });
        write(response.open("vpnGateway"), gateway).close();
    }

    private void attachVpnGateway(Caller caller, Ec2Query query, Ec2Xml response) {
        VpnGatewayView gateway = vpnGateways.attach(caller, query.required("VpnGatewayId"), query.required("VpcId"));
        response.open("attachment")
                .field("vpcId", gateway.gateway().vpcId())
                .field("state", gateway.gateway().attachmentState())
                .close();
    }

    private void detachVpnGateway(Caller caller, Ec2Query query, Ec2Xml response) {
        vpnGateways.detach(caller, query.required("VpnGatewayId"), query.required("VpcId"));
        response.field("return", true);
    }

    private void createVpnConnectionRoute(Caller caller, Ec2Query query, Ec2Xml response) {
        connections.addRoute(caller, query.required("VpnConnectionId"), query.required("DestinationCidrBlock"));
        response.field("return", true);
    }

    private void deleteVpnConnectionRoute(Caller caller, Ec2Query query, Ec2Xml response) {
        connections.removeRoute(caller, query.required("VpnConnectionId"), query.required("DestinationCidrBlock"));
        response.field("return", true);
    }

    private void describeVpnGateways(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("VpnGatewayId");
        Predicate<VpnGatewayView> matches = tags.filter(
                query.filters(),
                VPN_GATEWAY_FILTERS,
                v -> v.gateway().id(),
                v -> v.gateway().name());
        List<VpnGatewayView> shown = ids.isEmpty()
                ? Ec2Pages.collect(
                                request -> vpnGateways.list(caller, null, request),
                                matches,
                                v -> v.gateway().id(),
                                java.util.Optional.empty(),
                                java.util.Optional.empty())
                        .items()
                : ids.stream()
                        .map(id -> vpnGateways.get(caller, id))
                        .filter(matches)
                        .toList();
        response.open("vpnGatewaySet");
        shown.forEach(view -> write(response.open("item"), view).close());
        response.close();
    }

    private void deleteVpnGateway(Caller caller, Ec2Query query, Ec2Xml response) {
        vpnGateways.delete(caller, query.required("VpnGatewayId"));
        response.field("return", true);
    }

    private void createVpnConnection(Caller caller, Ec2Query query, Ec2Xml response) {
        requireType(query);
        if (query.bool("Options.StaticRoutesOnly")
                .filter(staticOnly -> !staticOnly)
                .isPresent()) {
            throw Ec2Exception.badRequest(
                    "InvalidParameterValue",
                    "VPC Lab's VPN connections route statically: StaticRoutesOnly must be true");
        }
        // without it the connection routes nothing until CreateVpnConnectionRoute
        List<String> onPremises =
                query.string("Options.LocalIpv4NetworkCidr").map(List::of).orElse(List.of());
        String presharedKey =
                query.string("Options.TunnelOptions.1.PreSharedKey").orElse(null);
        Tags.name(query);
        VpnConnection connection = transaction.execute(status -> {
            VpnConnection created = connections
                    .create(
                            caller,
                            new VpnConnectionService.Creation(
                                    query.required("VpnGatewayId"),
                                    query.required("CustomerGatewayId"),
                                    onPremises,
                                    presharedKey,
                                    false))
                    .connection();
            tags.tagNew(created.tenantId(), created.id(), query);
            return created;
        });
        write(response.open("vpnConnection"), connection).close();
    }

    private void describeVpnConnections(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("VpnConnectionId");
        Predicate<VpnConnection> matches =
                tags.filterMany(query.filters(), VPN_CONNECTION_FILTERS, VpnConnection::id, c -> null);
        List<VpnConnection> shown = ids.isEmpty()
                ? Ec2Pages.collect(
                                request -> connections.list(caller, null, request),
                                matches,
                                VpnConnection::id,
                                java.util.Optional.empty(),
                                java.util.Optional.empty())
                        .items()
                : ids.stream()
                        .map(id -> connections.get(caller, id))
                        .filter(matches)
                        .toList();
        response.open("vpnConnectionSet");
        shown.forEach(connection -> write(response.open("item"), connection).close());
        response.close();
    }

    private void deleteVpnConnection(Caller caller, Ec2Query query, Ec2Xml response) {
        connections.delete(caller, query.required("VpnConnectionId"));
        response.field("return", true);
    }

    private Ec2Xml write(Ec2Xml xml, CustomerGateway gateway) {
        xml.field("customerGatewayId", gateway.id())
                .field("state", "available")
                .field("type", TYPE)
                .field("ipAddress", gateway.ipAddress())
                .field("bgpAsn", BGP_ASN)
                .field("deviceName", gateway.publicKey());
        return tags.write(xml, gateway.id(), gateway.name());
    }

    private Ec2Xml write(Ec2Xml xml, VpnGatewayView view) {
        VpnGateway gateway = view.gateway();
        xml.field("vpnGatewayId", gateway.id())
                .field("state", gateway.state())
                .field("type", TYPE)
                .field("amazonSideAsn", AMAZON_SIDE_ASN)
                .open("attachments");
        if (gateway.attachmentState() != null) {
            xml.open("item")
                    .field("vpcId", gateway.attachmentVpcId())
                    .field("state", gateway.attachmentState())
                    .close();
        }
        xml.close();
        return tags.write(xml, gateway.id(), gateway.name());
    }

    private Ec2Xml write(Ec2Xml xml, VpnConnection connection) {
        List<String> blocks =
                connection.onPremisesCidrs().stream().map(Ipv4Prefix::toString).toList();
        xml.field("vpnConnectionId", connection.id())
                .field("state", "available")
                .field("type", TYPE)
                .field("category", "VPN")
                .field("customerGatewayId", connection.customerGatewayId())
                .field("vpnGatewayId", connection.vpnGatewayId())
                .open("options")
                .field("staticRoutesOnly", true)
                .field("localIpv4NetworkCidr", blocks.isEmpty() ? null : blocks.get(0))
                .close()
                .open("routes");
        for (String block : blocks) {
            xml.open("item")
                    .field("destinationCidrBlock", block)
                    .field("source", "Static")
                    .field("state", "available")
                    .close();
        }
        xml.close();
        return tags.write(xml, connection.id(), null);
    }

    private static void requireType(Ec2Query query) {
        query.string("Type").filter(type -> !type.equals(TYPE)).ifPresent(type -> {
            throw Ec2Exception.badRequest(
                    "InvalidParameterValue", "Type " + Ec2Query.abbreviated(type) + " is not supported: " + TYPE);
        });
    }
}
