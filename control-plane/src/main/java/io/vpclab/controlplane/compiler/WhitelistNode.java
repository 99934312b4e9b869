package io.vpclab.controlplane.compiler;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.TableWhitelist;
import io.vpclab.client.model.TableWhitelistRule;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A whitelist as the data plane needs it: its id and its rules in order (the first match counts).
 * Protocols are the API's names (tcp, udp, icmp, all); ports are null for icmp and all.
 */
public record WhitelistNode(String id, List<Rule> rules) {

    public WhitelistNode {
        Objects.requireNonNull(id, "id");
        rules = List.copyOf(rules);
    }

    /** One rule: the remote side's CIDR and, for tcp/udp, the destination port range. */
    public record Rule(String id, String protocol, String cidrBlock, Integer fromPort, Integer toPort) {

        public Rule {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(cidrBlock, "cidrBlock");
        }
    }

    /**
     * Adds this whitelist to {@code table} unless it is there already (an elastic IP and a NAT
     * gateway of one host may share a whitelist; the table holds it once).
     */
    public void addTo(ForwardingTable table) {
        if (table.getWhitelists() != null
                && table.getWhitelists().stream().anyMatch(w -> w.getId().equals(id))) {
            return;
        }
        table.addWhitelistsItem(new TableWhitelist()
                .id(id)
                .rules(rules.stream()
                        .map(rule -> new TableWhitelistRule()
                                .id(rule.id())
                                .protocol(TableWhitelistRule.ProtocolEnum.fromValue(
                                        rule.protocol().toUpperCase(Locale.ROOT)))
                                .cidrBlock(rule.cidrBlock())
                                .fromPort(rule.fromPort())
                                .toPort(rule.toPort()))
                        .toList()));
    }
}
