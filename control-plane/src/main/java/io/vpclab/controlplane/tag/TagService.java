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
import io.vpclab.controlplane.vpn.VpnChanged;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads and sets tags on resources of every kind, for the EC2 actions and the REST API alike.
 * Each resource is found as the caller through {@link TaggedResources}, so another tenant's
 * answers as not found. A named resource's {@code Name} tag is its own name (renaming it renames
 * the resource, and a rename shows as the tag); every other tag is a row of this store.
 */
@Service
public class TagService {

    /** AWS's limits: tags per resource, key and value lengths, and the prefix reserved for AWS. */
    public static final int MAX_TAGS_PER_RESOURCE = 50;

    public static final int MAX_KEY_LENGTH = 128;
    public static final int MAX_VALUE_LENGTH = 256;
    private static final String RESERVED_PREFIX = "aws:";
    private static final String NAME = TaggedResources.NAME_KEY;
    /** Attempts of a tag write that lost a race to insert the same key (the next attempt updates). */
    private static final int WRITE_ATTEMPTS = 3;

    /** One tag as shown: stored, or a named resource's name. */
    public record Tag(String tenantId, String resourceId, String resourceType, String key, String value) {
        /** The tag's place in listings and the token of the page that ends with it. */
        public String id() {
            return ResourceTag.id(resourceId, key);
        }
    }

    private final ResourceTagRepository tags;
    private final TaggedResources resources;
    private final SecurityGroupService securityGroups;
    private final NetworkAclService networkAcls;
    private final RouteTableService routeTables;
    private final TransactionTemplate transaction;

    TagService(
            ResourceTagRepository tags,
            TaggedResources resources,
            SecurityGroupService securityGroups,
            NetworkAclService networkAcls,
            RouteTableService routeTables,
            PlatformTransactionManager transactions) {
        this.tags = tags;
        this.resources = resources;
        this.securityGroups = securityGroups;
        this.networkAcls = networkAcls;
        this.routeTables = routeTables;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * Sets each tag on each resource as the caller (a key already there takes the new value), all
     * or nothing. Two callers setting one new key at once both succeed, the later value winning:
     * the one whose insert collides runs again and finds the row to update.
     */
    public void tag(Caller caller, List<String> resourceIds, Map<String, String> keyValues) {
        requireValid(keyValues);
        retryingCollisions(() -> set(caller, resourceIds, keyValues));
    }

    /** Removes the keys given, then sets the tags given, on one resource: all or nothing, as {@link #tag}. */
    public void update(Caller caller, String resourceId, List<String> remove, Map<String, String> set) {
        requireValid(set);
        retryingCollisions(() -> {
            if (!remove.isEmpty()) {
                Map<String, Optional<String>> keys = new LinkedHashMap<>();
                remove.forEach(key -> keys.put(key, Optional.empty()));
                untag(caller, List.of(resourceId), keys);
            }
            set(caller, List.of(resourceId), set);
        });
    }

    private void set(Caller caller, List<String> resourceIds, Map<String, String> keyValues) {
        for (String resourceId : resourceIds) {
            TaggedResources.Found found = resources.find(caller, resourceId);
            for (Map.Entry<String, String> tag : keyValues.entrySet()) {
                if (isName(resourceId, tag.getKey())) {
                    resources.rename(caller, resourceId, tag.getValue());
                } else {
                    upsert(found.tenantId(), resourceId, tag.getKey(), tag.getValue());
                }
            }
            requireWithinLimit(resourceId);
        }
    }

    /** Runs the write in a transaction, again when it lost a race to insert a key another write inserted first. */
    private void retryingCollisions(Runnable write) {
        boolean outer = TransactionSynchronizationManager.isActualTransactionActive();
        for (int attempt = 1; ; attempt++) {
            try {
                transaction.executeWithoutResult(status -> write.run());
                return;
            } catch (DataIntegrityViolationException | ConcurrencyFailureException collided) {
                // Inside a caller's transaction the collision has spoiled it: only the caller can retry.
                if (outer || attempt == WRITE_ATTEMPTS) {
                    throw collided;
                }
            }
        }
    }

    /**
     * Stores the tags given when the resource was created, in the creating transaction; a named
     * resource's Name was its name at creation, so it is not stored again.
     */
    public void tagNew(String tenantId, String resourceId, Map<String, String> keyValues) {
        requireValid(keyValues);
        keyValues.forEach((key, value) -> {
            if (!isName(resourceId, key)) {
                upsert(tenantId, resourceId, key, value);
            }
        });
        requireWithinLimit(resourceId);
    }

    /**
     * Removes tags as the caller: each key given (only where its value matches, when a value is
     * given), or every tag of the resources when no key is given, as EC2's DeleteTags does.
     * Removing a named resource's Name clears its name.
     */
    @Transactional
    public void untag(Caller caller, List<String> resourceIds, Map<String, Optional<String>> keys) {
        for (String resourceId : resourceIds) {
            TaggedResources.Found found = resources.find(caller, resourceId);
            for (Map.Entry<String, String> tag : shown(found).entrySet()) {
                Optional<String> value = keys.get(tag.getKey());
                boolean named = keys.isEmpty()
                        || (keys.containsKey(tag.getKey())
                                && value.map(v -> v.equals(tag.getValue())).orElse(true));
                if (!named) {
                    continue;
                }
                if (isName(resourceId, tag.getKey())) {
                    // Removing every tag leaves a name that cannot change (a VPN gateway's) as it is.
                    if (!keys.isEmpty() || resources.canRename(resourceId)) {
                        resources.rename(caller, resourceId, null);
                    }
                } else {
                    tags.deleteById(ResourceTag.id(resourceId, tag.getKey()));
                }
            }
        }
        tags.flush();
    }

    /** The resource's tags by key as the caller sees them: its name first, then the stored ones in key order. */
    @Transactional(readOnly = true)
    public Map<String, String> of(Caller caller, String resourceId) {
        return shown(resources.find(caller, resourceId));
    }

    /**
     * The tags of a resource the caller has already read, with the name it carries: for listings
     * that show many resources' tags.
     */
    @Transactional(readOnly = true)
    public Map<String, String> of(String resourceId, String name) {
        return shown(new TaggedResources.Found(resourceId, null, name));
    }

    /** Every tag the caller sees, names included, in ID order (resource, then key). */
    @Transactional(readOnly = true)
    public List<Tag> list(Caller caller) {
        caller.requireAdminOrTenant();
        List<Tag> all = new ArrayList<>();
        String after = "";
        List<ResourceTag> page;
        do {
            page = tags.page(caller.tenantScope(), after, Limit.of(PageRequest.LIMIT_MAX_RESULTS));
            for (ResourceTag tag : page) {
                if (!isName(tag.resourceId(), tag.key())) {
                    all.add(new Tag(
                            tag.tenantId(),
                            tag.resourceId(),
                            resources.type(tag.resourceId()),
                            tag.key(),
                            tag.value()));
                }
            }
            if (!page.isEmpty()) {
                ResourceTag last = page.get(page.size() - 1);
                after = ResourceTag.id(last.resourceId(), last.key());
            }
        } while (page.size() == PageRequest.LIMIT_MAX_RESULTS);
        for (TaggedResources.Found named : resources.named(caller)) {
            all.add(new Tag(
                    named.tenantId(), named.resourceId(), resources.type(named.resourceId()), NAME, named.name()));
        }
        all.sort(Comparator.comparing(Tag::id));
        return all;
    }

    /**
     * The tags the caller sees that match, at most {@code maxResults} after the tag {@code afterId}
     * names; the next token is the last tag's ID when more match.
     */
    @Transactional(readOnly = true)
    public PageRequest.Page<Tag> page(Caller caller, Predicate<Tag> matches, int maxResults, String afterId) {
        String after = afterId == null ? "" : afterId;
        List<Tag> fetched = list(caller).stream()
                .filter(tag -> tag.id().compareTo(after) > 0)
                .filter(matches)
                .limit(maxResults + 1L)
                .toList();
        return new PageRequest(maxResults, after).page(fetched, Tag::id);
    }

    private Map<String, String> shown(TaggedResources.Found found) {
        Map<String, String> byKey = new LinkedHashMap<>();
        boolean named = resources.isNamed(found.resourceId());
        if (named && found.name() != null) {
            byKey.put(NAME, found.name());
        }
        for (ResourceTag tag : tags.findByResourceIdOrderByKey(found.resourceId())) {
            if (!(named && NAME.equals(tag.key()))) {
                byKey.put(tag.key(), tag.value());
            }
        }
        return byKey;
    }

    private boolean isName(String resourceId, String key) {
        return NAME.equals(key) && resources.isNamed(resourceId);
    }

    private void upsert(String tenantId, String resourceId, String key, String value) {
        Optional<ResourceTag> existing = tags.findById(ResourceTag.id(resourceId, key));
        if (existing.isPresent()) {
            existing.get().revalue(value);
        } else {
            tags.save(new ResourceTag(tenantId, resourceId, key, value, Times.now()));
        }
    }

    private void requireWithinLimit(String resourceId) {
        tags.flush();
        if (tags.countByResourceId(resourceId) > MAX_TAGS_PER_RESOURCE) {
            throw ApiException.badRequest(
                    "TagLimitExceeded",
                    "resource " + resourceId + " would have more than " + MAX_TAGS_PER_RESOURCE + " tags");
        }
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

    /**
     * Drops a deleted resource's tags, in the delete's transaction. The one place for it: every
     * taggable kind's delete announces itself to a listener below.
     */
    private void forget(String resourceId) {
        tags.deleteByResourceId(resourceId);
        tags.flush();
    }

    private void forget(String resourceId, ChangeKind kind) {
        if (kind == ChangeKind.DELETED) {
            forget(resourceId);
        }
    }

    @EventListener
    void forgetVpnGatewayConnectionOrCustomerGateway(VpnChanged changed) {
        forget(changed.resourceId(), changed.kind());
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
