package io.vpclab.controlplane.networkacl;

import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.subnet.Subnet;
import io.vpclab.controlplane.subnet.SubnetChanged;
import io.vpclab.controlplane.subnet.SubnetDeleting;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcChanged;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Network ACLs, their entries and each subnet's association. Every change locks the ACL's VPC first. */
@Service
public class NetworkAclService {

    /** AWS's default quota of entries per direction. */
    public static final int MAX_ENTRIES_PER_DIRECTION = 20;

    /** The rule number of the default ACL's allow-everything entries (AWS). */
    static final int DEFAULT_ALLOW_NUMBER = 100;

    private final NetworkAclRepository acls;
    private final NetworkAclEntryRepository entries;
    private final SubnetNetworkAclRepository associations;
    private final VpcService vpcs;
    private final SubnetService subnets;
    private final ApplicationEventPublisher events;

    NetworkAclService(
            NetworkAclRepository acls,
            NetworkAclEntryRepository entries,
            SubnetNetworkAclRepository associations,
            VpcService vpcs,
            SubnetService subnets,
            ApplicationEventPublisher events) {
        this.acls = acls;
        this.entries = entries;
        this.associations = associations;
        this.vpcs = vpcs;
        this.subnets = subnets;
        this.events = events;
    }

    /** An ACL with its entries (ingress then egress, by number) and its subnets. */
    public record NetworkAclView(NetworkAcl acl, List<AclEntry> entries, List<String> subnetIds) {}

    @Transactional
    public NetworkAclView create(Caller caller, String vpcId) {
        if (vpcId == null || vpcId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "vpcId is required");
        }
        VpcService.VpcView vpc = vpcs.lockForMutation(caller, vpcId);
        NetworkAcl acl = acls.saveAndFlush(
                new NetworkAcl(Ids.newId(Ids.NETWORK_ACL), vpc.tenantId(), vpcId, false, Times.now()));
        events.publishEvent(new NetworkAclChanged(acl.id(), vpcId, vpc.tenantId(), ChangeKind.CREATED));
        return view(acl);
    }

    @Transactional(readOnly = true)
    public NetworkAclView get(Caller caller, String aclId) {
        return view(visible(caller, aclId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<NetworkAclView> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        acls.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())),
                        NetworkAcl::id)
                .map(this::view);
    }

    @Transactional
    public NetworkAclView addEntry(Caller caller, String aclId, AclEntry entry) {
        NetworkAcl acl = lockVisible(caller, aclId);
        List<AclEntry> existing = entries(aclId);
        if (existing.stream().anyMatch(e -> e.egress() == entry.egress() && e.ruleNumber() == entry.ruleNumber())) {
            throw ApiException.badRequest(
                    "NetworkAclEntryAlreadyExists",
                    "network ACL " + aclId + " already has " + direction(entry.egress()) + " entry "
                            + entry.ruleNumber());
        }
        if (existing.stream().filter(e -> e.egress() == entry.egress()).count() >= MAX_ENTRIES_PER_DIRECTION) {
            throw ApiException.conflict(
                    "NetworkAclEntryLimitExceeded",
                    "a network ACL holds at most " + MAX_ENTRIES_PER_DIRECTION + " " + direction(entry.egress())
                            + " entries");
        }
        entries.saveAndFlush(new NetworkAclEntry(Ids.newId(Ids.NETWORK_ACL_ENTRY), aclId, entry));
        events.publishEvent(new NetworkAclChanged(aclId, acl.vpcId(), acl.tenantId(), ChangeKind.UPDATED));
        return view(acl);
    }

    @Transactional
    public NetworkAclView removeEntry(Caller caller, String aclId, boolean egress, int ruleNumber) {
        NetworkAcl acl = lockVisible(caller, aclId);
        NetworkAclEntry entry = entries.findByAclIdOrderByEgressAscRuleNumberAsc(aclId).stream()
                .filter(e -> e.egress() == egress && e.ruleNumber() == ruleNumber)
                .findFirst()
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidNetworkAclEntry.NotFound",
                        "network ACL " + aclId + " has no " + direction(egress) + " entry " + ruleNumber));
        entries.delete(entry);
        entries.flush();
        events.publishEvent(new NetworkAclChanged(aclId, acl.vpcId(), acl.tenantId(), ChangeKind.UPDATED));
        return view(acl);
    }

    @Transactional
    public void delete(Caller caller, String aclId) {
        NetworkAcl acl = lockVisible(caller, aclId);
        if (acl.isDefault()) {
            throw ApiException.conflict(
                    "CannotDelete", "the default network ACL of VPC " + acl.vpcId() + " cannot be deleted");
        }
        if (associations.existsByAclId(aclId)) {
            throw ApiException.dependencyViolation("network ACL " + aclId + " is associated with subnets");
        }
        remove(acl);
        events.publishEvent(new NetworkAclChanged(aclId, acl.vpcId(), acl.tenantId(), ChangeKind.DELETED));
    }

    /** ReplaceNetworkAclAssociation: the subnet now uses {@code aclId}, an ACL of its own VPC. */
    @Transactional
    public String replaceAssociation(Caller caller, String subnetId, String aclId) {
        Subnet subnet = subnets.get(caller, subnetId);
        vpcs.lockForMutation(caller, subnet.vpcId());
        if (aclId == null || aclId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "networkAclId is required");
        }
        NetworkAcl acl = visible(caller, aclId);
        if (!acl.vpcId().equals(subnet.vpcId())) {
            throw ApiException.invalidParameter(
                    "network ACL " + aclId + " belongs to VPC " + acl.vpcId() + ", not to " + subnet.vpcId());
        }
        associations
                .findById(subnetId)
                .ifPresentOrElse(
                        association -> association.replaceWith(aclId),
                        () -> associations.save(new SubnetNetworkAcl(subnetId, aclId)));
        associations.flush();
        events.publishEvent(new NetworkAclChanged(aclId, acl.vpcId(), acl.tenantId(), ChangeKind.UPDATED));
        return aclId;
    }

    /** The ACL of each subnet of a VPC, by subnet (for the compiler), and the VPC's ACLs. */
    @Transactional(readOnly = true)
    public List<NetworkAclView> ofVpc(String vpcId) {
        return acls.findByVpcIdOrderById(vpcId).stream().map(this::view).toList();
    }

    /** Each VPC gets its default ACL, allowing everything both ways, as AWS does. */
    @EventListener
    void createDefaultAcl(VpcChanged changed) {
        if (changed.kind() != ChangeKind.CREATED) {
            return;
        }
        NetworkAcl acl = acls.saveAndFlush(
                new NetworkAcl(Ids.newId(Ids.NETWORK_ACL), changed.tenantId(), changed.vpcId(), true, Times.now()));
        for (Permission.Direction direction : Permission.Direction.values()) {
            Permission everything =
                    new Permission(direction, Permission.Protocol.ALL, null, null, Ipv4Prefix.parse("0.0.0.0/0"), null);
            entries.save(new NetworkAclEntry(
                    Ids.newId(Ids.NETWORK_ACL_ENTRY), acl.id(), new AclEntry(DEFAULT_ALLOW_NUMBER, true, everything)));
        }
        entries.flush();
        events.publishEvent(new NetworkAclChanged(acl.id(), changed.vpcId(), changed.tenantId(), ChangeKind.CREATED));
    }

    /** A new subnet uses its VPC's default ACL. */
    @EventListener
    void associateNewSubnet(SubnetChanged changed) {
        if (changed.kind() != ChangeKind.CREATED) {
            return;
        }
        acls.findByVpcIdAndIsDefaultTrue(changed.vpcId())
                .ifPresent(acl -> associations.saveAndFlush(new SubnetNetworkAcl(changed.subnetId(), acl.id())));
    }

    @EventListener
    void forgetDeletedSubnet(SubnetDeleting deleting) {
        associations.findById(deleting.subnetId()).ifPresent(association -> {
            associations.delete(association);
            associations.flush();
        });
    }

    /** A VPC goes with its default ACL; custom ACLs keep it. */
    @EventListener
    void deleteDefaultAclWithVpc(VpcDeleting deleting) {
        List<NetworkAcl> ofVpc = acls.findByVpcIdOrderById(deleting.vpcId());
        if (ofVpc.stream().anyMatch(acl -> !acl.isDefault())) {
            throw ApiException.dependencyViolation("VPC " + deleting.vpcId() + " still has network ACLs");
        }
        for (NetworkAcl acl : ofVpc) {
            if (associations.existsByAclId(acl.id())) {
                throw ApiException.dependencyViolation("VPC " + deleting.vpcId() + " still has subnets");
            }
            remove(acl);
        }
    }

    private void remove(NetworkAcl acl) {
        entries.deleteByAclId(acl.id());
        entries.flush();
        acls.delete(acl);
        acls.flush();
    }

    private List<AclEntry> entries(String aclId) {
        return entries.findByAclIdOrderByEgressAscRuleNumberAsc(aclId).stream()
                .map(NetworkAclEntry::entry)
                .toList();
    }

    private NetworkAcl visible(Caller caller, String aclId) {
        caller.requireAdminOrTenant();
        return acls.findById(aclId == null ? "" : aclId)
                .filter(a -> caller.canSee(a.tenantId()))
                .orElseThrow(() -> notFound(aclId));
    }

    private NetworkAcl lockVisible(Caller caller, String aclId) {
        NetworkAcl acl = visible(caller, aclId);
        vpcs.lockForMutation(caller, acl.vpcId());
        return acls.findById(aclId).orElseThrow(() -> notFound(aclId));
    }

    private NetworkAclView view(NetworkAcl acl) {
        return new NetworkAclView(
                acl,
                entries(acl.id()),
                associations.findByAclIdOrderBySubnetId(acl.id()).stream()
                        .map(SubnetNetworkAcl::subnetId)
                        .toList());
    }

    private static String direction(boolean egress) {
        return egress ? "egress" : "ingress";
    }

    static ApiException notFound(String aclId) {
        return ApiException.notFound("InvalidNetworkAclID.NotFound", "network ACL " + aclId + " does not exist");
    }

    @EventListener
    @Order(TenantEmptying.NETWORK_ACLS)
    void deleteAclsOfEmptiedTenant(TenantEmptying emptying) {
        for (NetworkAcl acl : acls.page(emptying.tenantId(), null, "", Limit.unlimited())) {
            if (!acl.isDefault()) {
                delete(Caller.admin(), acl.id());
            }
        }
    }
}
