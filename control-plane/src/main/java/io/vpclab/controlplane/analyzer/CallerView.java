package io.vpclab.controlplane.analyzer;

import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.networkacl.NetworkAclService;
import io.vpclab.controlplane.securitygroup.SecurityGroupService;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Keeps a tenant's analysis to what the tenant may see: a path can end at another account's
 * instance (its elastic IP, a peered VPC); the hops there say that the other side allows or
 * blocks the flow, not which of its instances, groups, ACLs and rules decide. The admin sees all.
 */
@Component
class CallerView {

    private static final Set<PathComponent> OWNED = EnumSet.of(
            PathComponent.SECURITY_GROUP_EGRESS,
            PathComponent.SECURITY_GROUP_INGRESS,
            PathComponent.NETWORK_ACL_OUTBOUND,
            PathComponent.NETWORK_ACL_INBOUND,
            PathComponent.REPLY_NETWORK_ACL_OUTBOUND,
            PathComponent.REPLY_NETWORK_ACL_INBOUND,
            PathComponent.DESTINATION,
            PathComponent.APPLIANCE);

    private final InstanceService instances;
    private final SecurityGroupService groups;
    private final NetworkAclService acls;

    CallerView(InstanceService instances, SecurityGroupService groups, NetworkAclService acls) {
        this.instances = instances;
        this.groups = groups;
        this.acls = acls;
    }

    /** The hops as {@code caller} may see them; {@code alsoVisible} are ids the request itself named. */
    List<PathHop> redact(Caller caller, List<PathHop> hops, Set<String> alsoVisible) {
        if (caller.isAdmin()) {
            return hops;
        }
        Set<String> visible = new HashSet<>(alsoVisible);
        all(page -> instances.list(caller, null, null, null, page), i -> i.id(), visible);
        all(page -> groups.list(caller, null, page), g -> g.group().id(), visible);
        all(page -> acls.list(caller, null, page), a -> a.acl().id(), visible);
        List<PathHop> shown = new ArrayList<>();
        for (PathHop hop : hops) {
            if (OWNED.contains(hop.component()) && hop.componentId() != null && !visible.contains(hop.componentId())) {
                hop = new PathHop(
                        hop.component(),
                        null,
                        hop.hostId(),
                        null,
                        "another account's " + hop.component().apiName() + (hop.allowed() ? " allows" : " blocks")
                                + " the flow",
                        hop.allowed());
            }
            shown.add(hop);
        }
        return shown;
    }

    private static <T> void all(
            Function<PageRequest, PageRequest.Page<T>> lister, Function<T, String> id, Set<String> into) {
        String next = null;
        do {
            PageRequest.Page<T> page = lister.apply(PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, next));
            page.items().forEach(item -> into.add(id.apply(item)));
            next = page.nextToken();
        } while (next != null);
    }
}
