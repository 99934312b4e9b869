package io.vpclab.controlplane.tag;

import io.vpclab.controlplane.elasticip.ElasticIpChanged;
import io.vpclab.controlplane.instance.InstanceChanged;
import io.vpclab.controlplane.natgateway.NatGatewayChanged;
import io.vpclab.controlplane.networkacl.NetworkAclChanged;
import io.vpclab.controlplane.networkacl.NetworkAclService;
import io.vpclab.controlplane.peering.PeeringChanged;
import io.vpclab.controlplane.routetable.RouteTableChanged;
import io.vpclab.controlplane.routetable.RouteTableService;
import io.vpclab.controlplane.securitygroup.SecurityGroupChanged;
import io.vpclab.controlplane.securitygroup.SecurityGroupService;
import io.vpclab.controlplane.subnet.SubnetChanged;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantDeleting;
import io.vpclab.controlplane.vpc.VpcChanged;
import io.vpclab.controlplane.vpc.VpcDeleting;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores and reads tags by resource ID. The caller has checked that each resource exists and is
 * the tenant's; this service checks the tags themselves against AWS's limits.
 */
@Service
public class TagService {

    /** AWS's limits: tags per resource, key and value lengths, and the prefix reserved for AWS. */
    public static final int MAX_TAGS_PER_RESOURCE = 50;

    public static final int MAX_KEY_LENGTH = 128;
    public static final int MAX_VALUE_LENGTH = 256;
    private static final String RESERVED_PREFIX = "aws:";

    private final ResourceTagRepository tags;
    private final SecurityGroupService securityGroups;
    private final NetworkAclService networkAcls;
    private final RouteTableService routeTables;

    TagService(
            ResourceTagRepository tags,
            SecurityGroupService securityGroups,
            NetworkAclService networkAcls,
            RouteTableService routeTables) {
        this.tags = tags;
        this.securityGroups = securityGroups;
        this.networkAcls = networkAcls;
        this.routeTables = routeTables;
    }

    /** Sets each tag on each resource (a key already there takes the new value); all or nothing. */
    @Transactional
    public void tag(String tenantId, List<String> resourceIds, Map<String, String> keyValues) {
        requireValid(keyValues);
        for (String resourceId : resourceIds) {
            for (Map.Entry<String, String> tag : keyValues.entrySet()) {
                Optional<ResourceTag> existing = tags.findById(ResourceTag.id(resourceId, tag.getKey()));
                if (existing.isPresent()) {
                    existing.get().revalue(tag.getValue());
                } else {
                    tags.save(new ResourceTag(tenantId, resourceId, tag.getKey(), tag.getValue(), Times.now()));
                }
            }
            tags.flush();
            if (tags.countByResourceId(resourceId) > MAX_TAGS_PER_RESOURCE) {
                throw ApiException.badRequest(
                        "TagLimitExceeded",
                        "resource " + resourceId + " would have more than " + MAX_TAGS_PER_RESOURCE + " tags");
            }
        }
    }

    /**
     * Removes tags: each key given (only where its value matches, when a value is given), or every
     * tag of the resources when no key is given, as EC2's DeleteTags does.
     */
    @Transactional
    public void untag(List<String> resourceIds, Map<String, Optional<String>> keys) {
        for (String resourceId : resourceIds) {
            for (ResourceTag tag : tags.findByResourceIdOrderByKey(resourceId)) {
                Optional<String> value = keys.get(tag.key());
                boolean named = keys.isEmpty()
                        || (keys.containsKey(tag.key())
                                && value.map(v -> v.equals(tag.value())).orElse(true));
                if (named) {
                    tags.delete(tag);
                }
            }
        }
        tags.flush();
    }

    /** A resource's tags by key, in key order. */
    @Transactional(readOnly = true)
    public Map<String, String> of(String resourceId) {
        Map<String, String> byKey = new LinkedHashMap<>();
        tags.findByResourceIdOrderByKey(resourceId).forEach(tag -> byKey.put(tag.key(), tag.value()));
        return byKey;
    }

    /** Several resources' tags, by resource and then by key. */
    @Transactional(readOnly = true)
    public Map<String, Map<String, String>> of(Collection<String> resourceIds) {
        Map<String, Map<String, String>> byResource = new LinkedHashMap<>();
        tags.findByResourceIdInOrderByResourceIdAscKeyAsc(resourceIds)
                .forEach(tag -> byResource
                        .computeIfAbsent(tag.resourceId(), r -> new LinkedHashMap<>())
                        .put(tag.key(), tag.value()));
        return byResource;
    }

    /** A page of the tags of a tenant (of every tenant when {@code tenantScope} is null). */
    @Transactional(readOnly = true)
    public PageRequest.Page<ResourceTag> list(String tenantScope, PageRequest page) {
        List<ResourceTag> fetched = new ArrayList<>(tags.page(tenantScope, page.afterId(), Limit.of(page.fetchSize())));
        return page.page(fetched, tag -> ResourceTag.id(tag.resourceId(), tag.key()));
    }

    /** Refuses tags no resource may carry, before anything is created or changed. */
    public static void requireValid(Map<String, String> keyValues) {
        if (keyValues.size() > MAX_TAGS_PER_RESOURCE) {
            throw ApiException.badRequest(
                    "TagLimitExceeded", "a resource carries at most " + MAX_TAGS_PER_RESOURCE + " tags");
        }
        keyValues.forEach(TagService::requireValid);
    }

    private static void requireValid(String key, String value) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw ApiException.invalidParameter("a tag key must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        if (key.toLowerCase(java.util.Locale.ROOT).startsWith(RESERVED_PREFIX)) {
            throw ApiException.invalidParameter("tag keys starting with aws: are reserved for AWS");
        }
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            throw ApiException.invalidParameter("a tag value must be at most " + MAX_VALUE_LENGTH + " characters");
        }
    }

    private void forget(String resourceId, ChangeKind kind) {
        if (kind == ChangeKind.DELETED) {
            tags.deleteByResourceId(resourceId);
            tags.flush();
        }
    }

    @EventListener
    void forgetVpc(VpcChanged changed) {
        forget(changed.vpcId(), changed.kind());
    }

    @EventListener
    void forgetSubnet(SubnetChanged changed) {
        forget(changed.subnetId(), changed.kind());
    }

    @EventListener
    void forgetInstance(InstanceChanged changed) {
        forget(changed.instanceId(), changed.kind());
    }

    @EventListener
    void forgetSecurityGroup(SecurityGroupChanged changed) {
        forget(changed.groupId(), changed.kind());
    }

    @EventListener
    void forgetNetworkAcl(NetworkAclChanged changed) {
        forget(changed.networkAclId(), changed.kind());
    }

    @EventListener
    void forgetRouteTable(RouteTableChanged changed) {
        forget(changed.routeTableId(), changed.kind());
    }

    @EventListener
    void forgetNatGateway(NatGatewayChanged changed) {
        forget(changed.natGatewayId(), changed.kind());
    }

    @EventListener
    void forgetElasticIp(ElasticIpChanged changed) {
        forget(changed.allocationId(), changed.kind());
    }

    @EventListener
    void forgetPeering(PeeringChanged changed) {
        forget(changed.peeringId(), changed.kind());
    }

    /**
     * A VPC's default security group, default ACL and main route table go with it without an
     * event of their own: their tags go first (a refused VPC delete rolls this back too).
     */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void forgetDefaultsOfVpc(VpcDeleting deleting) {
        List<String> ids = new ArrayList<>();
        securityGroups
                .ofVpc(deleting.vpcId())
                .forEach(g -> ids.add(g.view().group().id()));
        networkAcls.ofVpc(deleting.vpcId()).forEach(acl -> ids.add(acl.acl().id()));
        routeTables
                .list(Caller.admin(), deleting.vpcId(), PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, null))
                .items()
                .forEach(table -> ids.add(table.table().id()));
        ids.forEach(tags::deleteByResourceId);
        tags.flush();
    }

    @EventListener
    void forgetTenant(TenantDeleting deleting) {
        tags.deleteByTenantId(deleting.tenantId());
        tags.flush();
    }
}
