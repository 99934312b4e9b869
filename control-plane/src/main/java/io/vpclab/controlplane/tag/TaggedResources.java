package io.vpclab.controlplane.tag;

import io.vpclab.controlplane.elasticip.ElasticIpService;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.networkacl.NetworkAclService;
import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.routetable.RouteTableService;
import io.vpclab.controlplane.securitygroup.SecurityGroupService;
import io.vpclab.controlplane.subnet.Subnet;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.controlplane.vpn.CustomerGateway;
import io.vpclab.controlplane.vpn.CustomerGatewayService;
import io.vpclab.controlplane.vpn.VpnConnectionService;
import io.vpclab.controlplane.vpn.VpnGatewayService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Every kind of resource that takes tags, by ID prefix: how to find one as a caller (another
 * tenant's answers as not found, through its own service) and, for kinds with a name of their own,
 * that name. The name is the resource's {@code Name} tag: one value, read and set through the
 * resource's service, never stored as a tag row.
 */
@Component
public class TaggedResources {

    /** The tag key that is a resource's own name, as EC2 has it. */
    public static final String NAME_KEY = "Name";

    /** A resource found as the caller: its tenant, and its name (null when it has none). */
    public record Found(String resourceId, String tenantId, String name) {}

    @FunctionalInterface
    interface Renamer {
        void rename(Caller caller, String resourceId, String name);
    }

    /**
     * One kind: its EC2 resource type, how to find one, and for named kinds how to list them and
     * (where the service can) rename one.
     */
    private record Kind(
            String type,
            BiFunction<Caller, String, Found> find,
            Function<Caller, List<Found>> named,
            Renamer renamer) {}

    private final Map<String, Kind> kinds = new LinkedHashMap<>();

    @SuppressWarnings("java:S107") // one service per resource kind that can be tagged
    TaggedResources(
            VpcService vpcs,
            SubnetService subnets,
            InstanceService instances,
            SecurityGroupService groups,
            NetworkAclService acls,
            RouteTableService tables,
            NatGatewayService nats,
            ElasticIpService eips,
            PeeringService peerings,
            CustomerGatewayService customerGateways,
            VpnGatewayService vpnGateways,
            VpnConnectionService vpnConnections) {
        kinds.put(
                Ids.VPC,
                new Kind(
                        "vpc",
                        (c, id) -> vpc(vpcs.get(c, id)),
                        c -> all(p -> vpcs.list(c, null, p), TaggedResources::vpc),
                        vpcs::rename));
        kinds.put(
                Ids.SUBNET,
                new Kind(
                        "subnet",
                        (c, id) -> subnet(subnets.get(c, id)),
                        c -> all(p -> subnets.list(c, null, p), TaggedResources::subnet),
                        subnets::rename));
        kinds.put(
                Ids.INSTANCE,
                new Kind(
                        "instance",
                        (c, id) -> instance(instances.get(c, id)),
                        c -> all(p -> instances.list(c, null, null, null, p), TaggedResources::instance),
                        instances::rename));
        kinds.put(
                Ids.ROUTE_TABLE,
                new Kind(
                        "route-table",
                        (c, id) -> {
                            var table = tables.get(c, id).table();
                            return found(id, table.tenantId(), table.name());
                        },
                        c -> all(
                                p -> tables.list(c, null, p),
                                v -> found(
                                        v.table().id(),
                                        v.table().tenantId(),
                                        v.table().name())),
                        tables::rename));
        kinds.put(
                Ids.NAT_GATEWAY,
                new Kind(
                        "natgateway",
                        (c, id) -> {
                            var gateway = nats.get(c, id).gateway();
                            return found(id, gateway.tenantId(), gateway.name());
                        },
                        c -> all(
                                p -> nats.list(c, null, p),
                                v -> found(
                                        v.gateway().id(),
                                        v.gateway().tenantId(),
                                        v.gateway().name())),
                        nats::rename));
        // A VPN gateway's and a customer gateway's names are given at creation only.
        kinds.put(
                Ids.CUSTOMER_GATEWAY,
                new Kind(
                        "customer-gateway",
                        (c, id) -> customerGateway(customerGateways.get(c, id)),
                        c -> all(p -> customerGateways.list(c, p), TaggedResources::customerGateway),
                        null));
        kinds.put(
                Ids.VPN_GATEWAY,
                new Kind(
                        "vpn-gateway",
                        (c, id) -> {
                            var gateway = vpnGateways.get(c, id).gateway();
                            return found(id, gateway.tenantId(), gateway.name());
                        },
                        c -> all(
                                p -> vpnGateways.list(c, null, p),
                                v -> found(
                                        v.gateway().id(),
                                        v.gateway().tenantId(),
                                        v.gateway().name())),
                        null));
        // Kinds without a name of their own: a Name tag on them is a tag like any other.
        kinds.put(
                Ids.SECURITY_GROUP,
                unnamed("security-group", (c, id) -> groups.get(c, id).group().tenantId()));
        kinds.put(
                Ids.NETWORK_ACL,
                unnamed("network-acl", (c, id) -> acls.get(c, id).acl().tenantId()));
        kinds.put(Ids.EIP, unnamed("elastic-ip", (c, id) -> eips.get(c, id).tenantId()));
        kinds.put(
                Ids.VPN_CONNECTION,
                unnamed("vpn-connection", (c, id) -> vpnConnections.get(c, id).tenantId()));
        kinds.put(Ids.PEERING, unnamed("vpc-peering-connection", (c, id) -> {
            // Either side of a peering may tag it; the tag is the caller's.
            String requester = peerings.get(c, id).peering().requesterTenantId();
            return c.tenantScope() != null ? c.tenantScope() : requester;
        }));
    }

    /** The resource as the caller sees it; an unknown kind is 400 InvalidID, another tenant's 404. */
    public Found find(Caller caller, String resourceId) {
        return kind(resourceId).find().apply(caller, resourceId);
    }

    /** EC2's resource type of an ID ({@code vpc}, {@code natgateway}, ...), or "unknown". */
    public String type(String resourceId) {
        Kind kind = kinds.get(prefix(resourceId));
        return kind == null ? "unknown" : kind.type();
    }

    /** Whether the resource's Name tag is its own name rather than a stored tag. */
    public boolean isNamed(String resourceId) {
        Kind kind = kinds.get(prefix(resourceId));
        return kind != null && kind.named() != null;
    }

    /** Whether the resource's name can change after its creation. */
    boolean canRename(String resourceId) {
        Kind kind = kinds.get(prefix(resourceId));
        return kind != null && kind.renamer() != null;
    }

    /** Every resource of a named kind the caller sees that has a name. */
    List<Found> named(Caller caller) {
        List<Found> named = new ArrayList<>();
        kinds.values().stream()
                .filter(kind -> kind.named() != null)
                .forEach(kind -> named.addAll(kind.named().apply(caller)));
        return named;
    }

    /** Sets or clears (null) the resource's own name through its service. */
    void rename(Caller caller, String resourceId, String name) {
        Renamer renamer = kind(resourceId).renamer();
        if (renamer == null) {
            throw ApiException.invalidParameter(
                    "the Name of " + resourceId + " is given when it is created and cannot change");
        }
        renamer.rename(caller, resourceId, name);
    }

    private Kind kind(String resourceId) {
        Kind kind = kinds.get(prefix(resourceId));
        if (kind == null) {
            throw ApiException.badRequest(
                    "InvalidID", "the ID '" + abbreviated(resourceId) + "' is not of a resource that takes tags");
        }
        return kind;
    }

    private static Kind unnamed(String type, BiFunction<Caller, String, String> tenantOf) {
        return new Kind(type, (c, id) -> found(id, tenantOf.apply(c, id), null), null, null);
    }

    private static Found found(String resourceId, String tenantId, String name) {
        return new Found(resourceId, tenantId, name);
    }

    private static Found vpc(VpcService.VpcView vpc) {
        return found(vpc.id(), vpc.tenantId(), vpc.vpc().name());
    }

    private static Found subnet(Subnet subnet) {
        return found(subnet.id(), subnet.tenantId(), subnet.name());
    }

    private static Found instance(Instance instance) {
        return found(instance.id(), instance.tenantId(), instance.name());
    }

    private static Found customerGateway(CustomerGateway gateway) {
        return found(gateway.id(), gateway.tenantId(), gateway.name());
    }

    /** Every item of an ID-ordered paged listing that has a name. */
    private static <T> List<Found> all(Function<PageRequest, PageRequest.Page<T>> fetch, Function<T, Found> found) {
        List<Found> all = new ArrayList<>();
        String after = null;
        do {
            PageRequest.Page<T> page = fetch.apply(PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, after));
            page.items().stream().map(found).filter(f -> f.name() != null).forEach(all::add);
            after = page.nextToken();
        } while (after != null);
        return all;
    }

    private static String prefix(String resourceId) {
        int dash = resourceId == null ? -1 : resourceId.lastIndexOf('-');
        return dash < 0 ? "" : resourceId.substring(0, dash);
    }

    private static String abbreviated(String text) {
        return text == null || text.length() <= 64 ? String.valueOf(text) : text.substring(0, 64) + "...";
    }
}
