package io.vpclab.dataplane.table;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A stateful allow-list used by elastic IP ingress and NAT gateway egress: a new flow passes when
 * a rule matches it (the first match, in list order, is the one counted); its replies pass by
 * connection tracking, not by rules.
 */
public record Whitelist(String id, List<WhitelistRule> rules) {

    public Whitelist {
        TableHost.requireNonNull(id, "whitelist id");
        TableHost.requireNonNull(rules, "whitelist " + id + ": rules");
        rules = List.copyOf(rules);
        Set<String> ruleIds = new HashSet<>();
        for (WhitelistRule rule : rules) {
            if (!ruleIds.add(rule.id())) {
                throw new IllegalArgumentException("whitelist " + id + ": rule " + rule.id() + " is listed twice");
            }
        }
    }
}
