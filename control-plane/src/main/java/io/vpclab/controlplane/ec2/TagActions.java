package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.elasticip.ElasticIpService;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.networkacl.NetworkAclService;
import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.routetable.RouteTableService;
import io.vpclab.controlplane.securitygroup.SecurityGroupService;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.tag.ResourceTag;
import io.vpclab.controlplane.tag.TagService;
import io.vpclab.controlplane.vpc.VpcService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * CreateTags, DeleteTags and DescribeTags on {@link TagService}, for every resource kind the EC2
 * API has. Each resource named is looked up through its own service first, so a resource of
 * another tenant answers as not found, as everywhere else.
 */
@Component
class TagActions implements Ec2Action.Group {

    private static final Map<String, Function<ResourceTag, String>> FILTERS = Map.of(
            "resource-id", ResourceTag::resourceId,
            "resource-type", tag -> resourceType(tag.resourceId()),
            "key", ResourceTag::key,
            "value", ResourceTag::value);

    /** By ID prefix: how to find the tenant of a resource of that kind, as the caller. */
    private final Map<String, BiFunction<Caller, String, String>> kinds = new LinkedHashMap<>();

    private final TagService tags;
    private final TransactionTemplate transaction;

    @SuppressWarnings("java:S107") // one service per resource kind that can be tagged
    TagActions(
            TagService tags,
            VpcService vpcs,
            SubnetService subnets,
            InstanceService instances,
            SecurityGroupService groups,
            NetworkAclService acls,
            RouteTableService tables,
            NatGatewayService nats,
            ElasticIpService eips,
            PeeringService peerings,
            PlatformTransactionManager transactions) {
        this.tags = tags;
        this.transaction = new TransactionTemplate(transactions);
        kinds.put(Ids.VPC, (c, id) -> vpcs.get(c, id).tenantId());
        kinds.put(Ids.SUBNET, (c, id) -> subnets.get(c, id).tenantId());
        kinds.put(Ids.INSTANCE, (c, id) -> instances.get(c, id).tenantId());
        kinds.put(Ids.SECURITY_GROUP, (c, id) -> groups.get(c, id).group().tenantId());
        kinds.put(Ids.NETWORK_ACL, (c, id) -> acls.get(c, id).acl().tenantId());
        kinds.put(Ids.ROUTE_TABLE, (c, id) -> tables.get(c, id).table().tenantId());
        kinds.put(Ids.NAT_GATEWAY, (c, id) -> nats.get(c, id).gateway().tenantId());
        kinds.put(Ids.EIP, (c, id) -> eips.get(c, id).tenantId());
        kinds.put(Ids.PEERING, (c, id) -> {
            // Either side of a peering may tag it; the tag is the caller's.
            String requester = peerings.get(c, id).peering().requesterTenantId();
            return c.tenantScope() != null ? c.tenantScope() : requester;
        });
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateTags", this::create,
                "DeleteTags", this::delete,
                "DescribeTags", this::describe);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> resourceIds = resourceIds(query);
        Map<String, String> keyValues = new LinkedHashMap<>();
        for (String tag : query.members("Tag")) {
            keyValues.put(
                    query.required(tag + ".Key"), query.string(tag + ".Value").orElse(""));
        }
        if (keyValues.isEmpty()) {
            throw Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter Tag.1.Key");
        }
        TagService.requireValid(keyValues);
        // All or nothing: an unknown resource or a full one leaves every resource as it was.
        transaction.executeWithoutResult(status -> {
            for (String resourceId : resourceIds) {
                tags.tag(tenantOf(caller, resourceId), List.of(resourceId), keyValues);
            }
        });
        response.field("return", true);
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> resourceIds = resourceIds(query);
        Map<String, Optional<String>> keys = new LinkedHashMap<>();
        for (String tag : query.members("Tag")) {
            keys.put(query.required(tag + ".Key"), query.string(tag + ".Value"));
        }
        resourceIds.forEach(id -> tenantOf(caller, id));
        tags.untag(resourceIds, keys);
        response.field("return", true);
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        caller.requireAdminOrTenant();
        Predicate<ResourceTag> matches = Ec2Filters.of(query.filters(), FILTERS);
        PageRequest.Page<ResourceTag> page = Ec2Pages.collect(
                request -> tags.list(caller.tenantScope(), request),
                matches,
                tag -> tag.resourceId() + "/" + tag.key(),
                query.maxResults(),
                query.nextToken());
        response.open("tagSet");
        for (ResourceTag tag : page.items()) {
            response.open("item")
                    .field("resourceId", tag.resourceId())
                    .field("resourceType", resourceType(tag.resourceId()))
                    .field("key", tag.key())
                    .field("value", tag.value())
                    .close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private static List<String> resourceIds(Ec2Query query) {
        List<String> ids = query.list("ResourceId");
        if (ids.isEmpty()) {
            throw Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter ResourceId.1");
        }
        return ids;
    }

    /** The resource's tenant, looked up as the caller: a resource the caller cannot see is not found. */
    private String tenantOf(Caller caller, String resourceId) {
        BiFunction<Caller, String, String> kind = kinds.get(prefix(resourceId));
        if (kind == null) {
            throw Ec2Exception.badRequest(
                    "InvalidID",
                    "the ID '" + Ec2Query.abbreviated(resourceId) + "' is not of a resource that takes tags");
        }
        return kind.apply(caller, resourceId);
    }

    private static String prefix(String resourceId) {
        int dash = resourceId.lastIndexOf('-');
        return dash < 0 ? "" : resourceId.substring(0, dash);
    }

    private static String resourceType(String resourceId) {
        return switch (prefix(resourceId)) {
            case Ids.VPC -> "vpc";
            case Ids.SUBNET -> "subnet";
            case Ids.INSTANCE -> "instance";
            case Ids.SECURITY_GROUP -> "security-group";
            case Ids.NETWORK_ACL -> "network-acl";
            case Ids.ROUTE_TABLE -> "route-table";
            case Ids.NAT_GATEWAY -> "natgateway";
            case Ids.EIP -> "elastic-ip";
            case Ids.PEERING -> "vpc-peering-connection";
            default -> "unknown";
        };
    }
}
