package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.Vpc;
import io.vpclab.topology.apply.Pages;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One kind of resource as {@code vpclab get} shows it: every item from the API (for -o json|yaml)
 * and a table with names, IDs and parents by name, sorted by tenant, then name.
 */
record Listing(List<?> items, TextTable table) {

    /** The kinds, as the command line spells them (plural, as kubectl's). */
    static final List<String> KINDS = List.of(
            "tenants",
            "hosts",
            "vpcs",
            "subnets",
            "instances",
            "natgateways",
            "elasticips",
            "peerings",
            "securitygroups");

    static Listing of(String kind, ApiClient api) throws ApiException {
        NameDirectory names = new NameDirectory(api);
        return switch (kind) {
            case "tenants" -> tenants(api);
            case "hosts" -> hosts(api);
            case "vpcs" -> vpcs(api, names);
            case "subnets" -> subnets(api, names);
            case "instances" -> instances(api, names);
            case "natgateways" -> natGateways(api, names);
            case "elasticips" -> elasticIps(api, names);
            case "peerings" -> peerings(api, names);
            case "securitygroups" -> securityGroups(api, names);
            default -> throw new IllegalArgumentException("unknown kind '" + kind + "': one of " + KINDS);
        };
    }

    private static Listing tenants(ApiClient api) throws ApiException {
        List<Tenant> items = sorted(
                Pages.all(
                        t -> new TenantsApi(api).listTenants(Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken()),
                t -> "",
                Tenant::getName);
        TextTable table = new TextTable("NAME", "ID", "CREATED");
        items.forEach(t -> table.row(t.getName(), t.getTenantId(), String.valueOf(t.getCreatedAt())));
        return new Listing(items, table);
    }

    private static Listing hosts(ApiClient api) throws ApiException {
        List<Host> items = sorted(
                Pages.all(
                        t -> new HostsApi(api).listHosts(Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken()),
                h -> "",
                Host::getName);
        TextTable table = new TextTable("NAME", "ID", "UNDERLAY", "STATUS", "KINDS", "APPLIED/DESIRED");
        items.forEach(h -> table.row(
                h.getName(),
                h.getHostId(),
                h.getUnderlayIp() + ":" + h.getUdpPort(),
                String.valueOf(h.getStatus()),
                h.getCapabilities() == null
                        ? null
                        : h.getCapabilities().stream()
                                .map(InstanceKind::getValue)
                                .collect(Collectors.joining(",")),
                h.getAppliedGeneration() + "/" + h.getDesiredGeneration()));
        return new Listing(items, table);
    }

    private static Listing vpcs(ApiClient api, NameDirectory names) throws ApiException {
        List<Vpc> items = sorted(
                Pages.all(
                        t -> new VpcsApi(api).listVpcs(null, Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken()),
                v -> names.tenant(v.getTenantId()),
                Vpc::getName);
        TextTable table = new TextTable("NAME", "ID", "TENANT", "CIDR");
        items.forEach(v -> table.row(v.getName(), v.getVpcId(), names.tenant(v.getTenantId()), v.getCidrBlock()));
        return new Listing(items, table);
    }

    private static Listing subnets(ApiClient api, NameDirectory names) throws ApiException {
        List<Subnet> items = sorted(
                Pages.all(
                        t -> new SubnetsApi(api).listSubnets(null, Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken()),
                s -> names.tenant(s.getTenantId()) + "/" + names.vpc(s.getVpcId()),
                Subnet::getName);
        TextTable table = new TextTable("NAME", "ID", "TENANT", "VPC", "CIDR", "SEGMENT", "FREE");
        items.forEach(s -> table.row(
                s.getName(),
                s.getSubnetId(),
                names.tenant(s.getTenantId()),
                names.vpc(s.getVpcId()),
                s.getCidrBlock(),
                String.valueOf(s.getSegmentId()),
                String.valueOf(s.getAvailableIpAddressCount())));
        return new Listing(items, table);
    }

    private static Listing instances(ApiClient api, NameDirectory names) throws ApiException {
        // The API names the parents of each instance; the directory only fills in for an older server.
        List<Instance> items = sorted(
                ProbeCommand.allInstances(api),
                i -> or(i.getTenantName(), () -> names.tenant(i.getTenantId())) + "/"
                        + or(i.getVpcName(), () -> names.vpc(i.getVpcId())),
                Instance::getName);
        TextTable table = new TextTable(
                "NAME", "ID", "TENANT", "VPC", "SUBNET", "HOST", "KIND", "PRIVATE IP", "PUBLIC IP", "STATE");
        items.forEach(i -> table.row(
                i.getName(),
                i.getInstanceId(),
                or(i.getTenantName(), () -> names.tenant(i.getTenantId())),
                or(i.getVpcName(), () -> names.vpc(i.getVpcId())),
                or(i.getSubnetName(), () -> names.subnet(i.getSubnetId())),
                or(i.getHostName(), () -> names.host(i.getHostId())),
                i.getKind() == null ? null : i.getKind().getValue(),
                i.getPrivateIpAddress(),
                i.getPublicIp(),
                i.getState() == null ? null : i.getState().getValue()));
        return new Listing(items, table);
    }

    private static Listing natGateways(ApiClient api, NameDirectory names) throws ApiException {
        List<NatGateway> items = sorted(
                Pages.all(
                        t -> new NatGatewaysApi(api).listNatGateways(null, Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken()),
                n -> names.tenant(n.getTenantId()) + "/" + names.vpc(n.getVpcId()),
                NatGateway::getName);
        TextTable table =
                new TextTable("NAME", "ID", "TENANT", "VPC", "SUBNET", "HOST", "PUBLIC IP", "PRIVATE IP", "STATE");
        items.forEach(n -> table.row(
                n.getName(),
                n.getNatGatewayId(),
                names.tenant(n.getTenantId()),
                names.vpc(n.getVpcId()),
                names.subnet(n.getSubnetId()),
                names.host(n.getHostId()),
                n.getPublicIp(),
                n.getPrivateIpAddress(),
                String.valueOf(n.getState())));
        return new Listing(items, table);
    }

    private static Listing elasticIps(ApiClient api, NameDirectory names) throws ApiException {
        List<Eip> items = sorted(
                Pages.all(
                        t -> new EipsApi(api).listEips(null, Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken()),
                e -> names.tenant(e.getTenantId()),
                Eip::getPublicIp);
        TextTable table = new TextTable("PUBLIC IP", "ID", "TENANT", "ASSOCIATED WITH", "PRIVATE IP", "INGRESS");
        items.forEach(e -> table.row(
                e.getPublicIp(),
                e.getAllocationId(),
                names.tenant(e.getTenantId()),
                e.getInstanceId() != null
                        ? "instance " + names.instance(e.getInstanceId())
                        : e.getNatGatewayId() != null ? "natgateway " + names.natGateway(e.getNatGatewayId()) : null,
                e.getPrivateIpAddress(),
                String.valueOf(e.getIngressPolicy())));
        return new Listing(items, table);
    }

    private static Listing peerings(ApiClient api, NameDirectory names) throws ApiException {
        List<Peering> items = sorted(
                Pages.all(
                        t -> new PeeringsApi(api).listPeerings(null, Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken()),
                p -> names.tenant(p.getRequesterTenantId()),
                Peering::getVpcPeeringConnectionId);
        TextTable table = new TextTable("ID", "REQUESTER", "ACCEPTER", "STATUS");
        items.forEach(p -> table.row(
                p.getVpcPeeringConnectionId(),
                names.tenant(p.getRequesterTenantId()) + "/" + names.vpc(p.getRequesterVpcId()),
                names.tenant(p.getAccepterTenantId()) + "/" + names.vpc(p.getAccepterVpcId()),
                String.valueOf(p.getStatus())));
        return new Listing(items, table);
    }

    private static Listing securityGroups(ApiClient api, NameDirectory names) throws ApiException {
        List<SecurityGroup> items = sorted(
                Pages.all(
                        t -> new SecurityGroupsApi(api).listSecurityGroups(null, Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken()),
                g -> names.tenant(g.getTenantId()) + "/" + names.vpc(g.getVpcId()),
                SecurityGroup::getGroupName);
        TextTable table = new TextTable("NAME", "ID", "TENANT", "VPC", "INGRESS RULES", "EGRESS RULES");
        items.forEach(g -> table.row(
                g.getGroupName(),
                g.getGroupId(),
                names.tenant(g.getTenantId()),
                names.vpc(g.getVpcId()),
                String.valueOf(
                        g.getIngressRules() == null ? 0 : g.getIngressRules().size()),
                String.valueOf(
                        g.getEgressRules() == null ? 0 : g.getEgressRules().size())));
        return new Listing(items, table);
    }

    private static <T> List<T> sorted(List<T> items, Function<T, String> parent, Function<T, String> name) {
        return items.stream()
                .sorted(Comparator.comparing((T item) -> Objects.toString(parent.apply(item), ""))
                        .thenComparing(item -> Objects.toString(name.apply(item), "")))
                .toList();
    }

    private static String or(String value, java.util.function.Supplier<String> fallback) {
        return value != null ? value : fallback.get();
    }
}
