package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.networkacl.AclEntry;
import io.vpclab.controlplane.networkacl.NetworkAclService;
import io.vpclab.controlplane.networkacl.NetworkAclService.NetworkAclView;
import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * CreateNetworkAcl, DeleteNetworkAcl, CreateNetworkAclEntry, ReplaceNetworkAclEntry,
 * DeleteNetworkAclEntry, ReplaceNetworkAclAssociation and DescribeNetworkAcls on
 * {@link NetworkAclService}. Entries show their protocol as EC2 does, by number.
 */
@Component
class NetworkAclActions implements Ec2Action.Group {

    private static final Map<String, Function<NetworkAclView, List<String>>> FILTERS = Map.of(
            "network-acl-id", v -> List.of(v.acl().id()),
            "vpc-id", v -> List.of(v.acl().vpcId()),
            "default", v -> List.of(String.valueOf(v.acl().isDefault())),
            "owner-id", v -> List.of(v.acl().tenantId()),
            "association.subnet-id", NetworkAclView::subnetIds,
            "association.network-acl-id",
                    v -> v.subnetIds().isEmpty() ? List.of() : List.of(v.acl().id()),
            "association.association-id",
                    v -> v.subnetIds().stream()
                            .map(s -> SubnetAssociations.id(SubnetAssociations.NETWORK_ACL, s))
                            .toList());

    private final NetworkAclService acls;
    private final Tags tags;
    private final TransactionTemplate transaction;

    NetworkAclActions(NetworkAclService acls, Tags tags, PlatformTransactionManager transactions) {
        this.acls = acls;
        this.tags = tags;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateNetworkAcl", this::create,
                "DeleteNetworkAcl", this::delete,
                "CreateNetworkAclEntry", this::createEntry,
                "ReplaceNetworkAclEntry", this::replaceEntry,
                "DeleteNetworkAclEntry", this::deleteEntry,
                "ReplaceNetworkAclAssociation", this::replaceAssociation,
                "DescribeNetworkAcls", this::describe);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        Tags.name(query);
        NetworkAclView view = acls.create(caller, query.required("VpcId"));
        tags.tagNew(view.acl().tenantId(), view.acl().id(), query);
        write(response.open("networkAcl"), view).close();
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        acls.delete(caller, query.required("NetworkAclId"));
        response.field("return", true);
    }

    private void createEntry(Caller caller, Ec2Query query, Ec2Xml response) {
        acls.addEntry(caller, query.required("NetworkAclId"), entry(query));
        response.field("return", true);
    }

    /** ReplaceNetworkAclEntry: the entry of that number and direction now matches and acts as given. */
    private void replaceEntry(Caller caller, Ec2Query query, Ec2Xml response) {
        AclEntry entry = entry(query);
        String aclId = query.required("NetworkAclId");
        // One transaction: a refused new entry leaves the old one in place.
        transaction.executeWithoutResult(status -> {
            acls.removeEntry(caller, aclId, entry.egress(), entry.ruleNumber());
            acls.addEntry(caller, aclId, entry);
        });
        response.field("return", true);
    }

    private void deleteEntry(Caller caller, Ec2Query query, Ec2Xml response) {
        acls.removeEntry(
                caller,
                query.required("NetworkAclId"),
                query.bool("Egress").orElse(false),
                query.integer("RuleNumber").orElseThrow(() -> missing("RuleNumber")));
        response.field("return", true);
    }

    private void replaceAssociation(Caller caller, Ec2Query query, Ec2Xml response) {
        String subnetId = SubnetAssociations.subnetId(SubnetAssociations.NETWORK_ACL, query.required("AssociationId"));
        acls.replaceAssociation(caller, subnetId, query.required("NetworkAclId"));
        response.field("newAssociationId", SubnetAssociations.id(SubnetAssociations.NETWORK_ACL, subnetId));
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("NetworkAclId");
        Predicate<NetworkAclView> matches =
                tags.filterMany(query.filters(), FILTERS, v -> v.acl().id(), v -> null);
        PageRequest.Page<NetworkAclView> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> acls.list(caller, null, request),
                        matches,
                        v -> v.acl().id(),
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> acls.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("networkAclSet");
        for (NetworkAclView view : page.items()) {
            write(response.open("item"), view).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private static AclEntry entry(Ec2Query query) {
        String protocol = IpPermissions.protocol(query.required("Protocol"));
        boolean icmp = protocol.equals("icmp");
        return AclEntry.of(
                query.integer("RuleNumber").orElseThrow(() -> missing("RuleNumber")),
                query.bool("Egress").orElse(false) ? Permission.Direction.EGRESS : Permission.Direction.INGRESS,
                protocol.equals("all") ? "-1" : protocol,
                query.required("RuleAction"),
                query.required("CidrBlock"),
                query.integer(icmp ? "Icmp.Type" : "PortRange.From").orElse(null),
                query.integer(icmp ? "Icmp.Code" : "PortRange.To").orElse(null));
    }

    private Ec2Xml write(Ec2Xml xml, NetworkAclView view) {
        xml.field("networkAclId", view.acl().id())
                .field("vpcId", view.acl().vpcId())
                .field("default", view.acl().isDefault())
                .field("ownerId", view.acl().tenantId())
                .open("entrySet");
        for (AclEntry entry : view.entries()) {
            writeEntry(xml.open("item"), entry.ruleNumber(), entry.allow(), entry.match())
                    .close();
        }
        // EC2 shows the final deny of each direction, which no request can change.
        for (Permission.Direction direction : Permission.Direction.values()) {
            writeEntry(
                            xml.open("item"),
                            AclEntry.FINAL_DENY_NUMBER,
                            false,
                            new Permission(
                                    direction,
                                    Permission.Protocol.ALL,
                                    null,
                                    null,
                                    Ipv4Prefix.parse("0.0.0.0/0"),
                                    null))
                    .close();
        }
        xml.close().open("associationSet");
        for (String subnetId : view.subnetIds()) {
            xml.open("item")
                    .field("networkAclAssociationId", SubnetAssociations.id(SubnetAssociations.NETWORK_ACL, subnetId))
                    .field("networkAclId", view.acl().id())
                    .field("subnetId", subnetId)
                    .close();
        }
        xml.close();
        return tags.write(xml, view.acl().id(), null);
    }

    private static Ec2Xml writeEntry(Ec2Xml xml, int ruleNumber, boolean allow, Permission match) {
        xml.field("ruleNumber", ruleNumber)
                .field("protocol", protocolNumber(match.protocol()))
                .field("ruleAction", allow ? "allow" : "deny")
                .field("egress", match.direction() == Permission.Direction.EGRESS)
                .field("cidrBlock", match.cidr().toString());
        switch (match.protocol()) {
            case TCP, UDP ->
                xml.open("portRange")
                        .field("from", match.fromPort())
                        .field("to", match.toPort())
                        .close();
            case ICMP ->
                xml.open("icmpTypeCode")
                        .field("type", match.fromPort())
                        .field("code", match.toPort())
                        .close();
            case ALL -> {}
        }
        return xml;
    }

    private static String protocolNumber(Permission.Protocol protocol) {
        return switch (protocol) {
            case TCP -> "6";
            case UDP -> "17";
            case ICMP -> "1";
            case ALL -> "-1";
        };
    }

    private static Ec2Exception missing(String name) {
        return Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter " + name);
    }
}
