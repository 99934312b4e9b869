package io.vpclab.agent.table;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableNetworkAcl;
import io.vpclab.client.model.TableNetworkAclEntry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of {@link TableValidator} about network ACLs: unique ACL ids; per entry a rule number
 * within 1..32766, unique per direction, an action, a protocol with the ports it takes (as a
 * security group rule's) and a CIDR without host bits; a segment's {@code networkAclId} names an
 * ACL of this table.
 */
final class NetworkAclTableRules {

    private static final int MIN_RULE_NUMBER = 1;
    /** AWS: 32767 is the final {@code *} deny, which every ACL has implicitly. */
    private static final int MAX_RULE_NUMBER = 32766;

    private final TableValidator validator;
    private final ForwardingTable table;

    NetworkAclTableRules(TableValidator validator, ForwardingTable table) {
        this.validator = validator;
        this.table = table;
    }

    void check() {
        Set<String> aclIds = acls(nonNull(table.getNetworkAcls()));
        List<Segment> segments = nonNull(table.getSegments());
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment != null && segment.getNetworkAclId() != null && !aclIds.contains(segment.getNetworkAclId())) {
                validator.issue(
                        "/segments/" + i + "/networkAclId",
                        "unknown network ACL '" + segment.getNetworkAclId() + "' (not in networkAcls)");
            }
        }
    }

    private Set<String> acls(List<TableNetworkAcl> acls) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < acls.size(); i++) {
            String at = "/networkAcls/" + i;
            TableNetworkAcl acl = acls.get(i);
            if (acl == null) {
                validator.issue(at, "must be an object");
                continue;
            }
            if (validator.requiredText(at + "/id", acl.getId()) && !ids.add(acl.getId())) {
                validator.issue(at + "/id", "duplicate network ACL id '" + acl.getId() + "'");
            }
            Set<String> numbers = new HashSet<>();
            List<TableNetworkAclEntry> entries = nonNull(acl.getEntries());
            for (int e = 0; e < entries.size(); e++) {
                entry(at + "/entries/" + e, entries.get(e), numbers);
            }
        }
        return ids;
    }

    private void entry(String at, TableNetworkAclEntry entry, Set<String> numbers) {
        if (entry == null) {
            validator.issue(at, "must be an object");
            return;
        }
        if (entry.getEgress() == null) {
            validator.issue(at + "/egress", "is required (true for outbound, false for inbound)");
        }
        if (entry.getRuleNumber() == null) {
            validator.issue(at + "/ruleNumber", "is required");
        } else {
            validator.range(at + "/ruleNumber", entry.getRuleNumber(), MIN_RULE_NUMBER, MAX_RULE_NUMBER);
            String key = Boolean.TRUE.equals(entry.getEgress()) + ":" + entry.getRuleNumber();
            if (!numbers.add(key)) {
                validator.issue(
                        at + "/ruleNumber",
                        "duplicate " + (Boolean.TRUE.equals(entry.getEgress()) ? "egress" : "ingress") + " entry "
                                + entry.getRuleNumber() + " in this network ACL");
            }
        }
        if (entry.getAction() == null) {
            validator.issue(at + "/action", "is required (ALLOW or DENY)");
        }
        if (entry.getCidrBlock() == null) {
            validator.issue(at + "/cidrBlock", "is required");
        } else {
            validator.prefix(at + "/cidrBlock", entry.getCidrBlock());
        }
        if (entry.getProtocol() == null) {
            validator.issue(at + "/protocol", "is required (TCP, UDP, ICMP or ALL)");
            return;
        }
        SecurityGroupTableRules.ports(
                validator, at, entry.getProtocol().getValue(), entry.getFromPort(), entry.getToPort());
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
