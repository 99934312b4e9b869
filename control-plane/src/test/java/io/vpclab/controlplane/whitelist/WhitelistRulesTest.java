package io.vpclab.controlplane.whitelist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.Whitelist;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.client.model.WhitelistProtocol;
import io.vpclab.client.model.WhitelistRule;
import io.vpclab.client.model.WhitelistRuleCreate;
import io.vpclab.controlplane.ApiTestSupport;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class WhitelistRulesTest extends ApiTestSupport {

    @Autowired
    private WhitelistService whitelistService;

    private TenantClient tenant;
    private WhitelistsApi whitelists;

    @BeforeEach
    void tenant() throws Exception {
        tenant = newTenant();
        whitelists = new WhitelistsApi(tenant.api());
    }

    private static WhitelistRuleCreate rule(WhitelistProtocol protocol, String cidr, Integer from, Integer to) {
        return new WhitelistRuleCreate()
                .protocol(protocol)
                .cidrBlock(cidr)
                .fromPort(from)
                .toPort(to);
    }

    @Test
    void rulesAreCanonicalisedAndCountersStartAtZero() throws Exception {
        Whitelist created = whitelists.createWhitelist(new WhitelistCreate()
                .name("web")
                .rules(List.of(
                        rule(WhitelistProtocol.TCP, "198.51.100.77/24", 443, 443),
                        rule(WhitelistProtocol.UDP, "0.0.0.0/0", null, null),
                        rule(WhitelistProtocol.TCP, "192.0.2.1/32", 8080, null),
                        rule(WhitelistProtocol.ICMP, "10.9.8.7/8", null, null),
                        rule(WhitelistProtocol.ALL, "192.0.2.0/24", null, null))));

        assertThat(created.getWhitelistId()).startsWith("wl-");
        assertThat(created.getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(created.getDropCount()).isZero();
        List<WhitelistRule> rules = created.getRules();
        assertThat(rules)
                .extracting(WhitelistRule::getCidrBlock)
                .containsExactly("198.51.100.0/24", "0.0.0.0/0", "192.0.2.1/32", "10.0.0.0/8", "192.0.2.0/24");
        assertThat(rules).extracting(WhitelistRule::getFromPort).containsExactly(443, 0, 8080, null, null);
        assertThat(rules).extracting(WhitelistRule::getToPort).containsExactly(443, 65535, 8080, null, null);
        assertThat(rules).extracting(WhitelistRule::getHitCount).containsOnly(0L);
        assertThat(rules)
                .extracting(WhitelistRule::getRuleId)
                .allSatisfy(id -> assertThat(id).startsWith("wlr-"));
        assertThat(whitelists.getWhitelist(created.getWhitelistId())).isEqualTo(created);
    }

    @Test
    void badRulesAreRefusedAndNothingIsStored() throws Exception {
        Whitelist list = whitelists.createWhitelist(new WhitelistCreate()
                .name("base")
                .rules(List.of(rule(WhitelistProtocol.TCP, "198.51.100.0/24", 80, 80))));
        String id = list.getWhitelistId();

        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.TCP, "0.0.0.0/0", 90, 80)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.TCP, "0.0.0.0/0", 0, 65536)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.UDP, "0.0.0.0/0", -1, 5)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.ICMP, "0.0.0.0/0", 0, 0)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.ALL, "0.0.0.0/0", null, 22)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.TCP, "300.1.1.1/24", 1, 2)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.TCP, "10.0.0.0", 1, 2)));
        assertRefused(
                400,
                "MissingParameter",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.TCP, null, 1, 2)));
        // The same rule written with host bits set is still a duplicate once canonicalised.
        assertRefused(
                400,
                "InvalidPermission.Duplicate",
                () -> whitelists.addWhitelistRule(id, rule(WhitelistProtocol.TCP, "198.51.100.9/24", 80, 80)));
        assertRefused(
                400,
                "InvalidPermission.Duplicate",
                () -> whitelists.createWhitelist(new WhitelistCreate()
                        .name("dups")
                        .rules(List.of(
                                rule(WhitelistProtocol.UDP, "192.0.2.0/24", 53, 53),
                                rule(WhitelistProtocol.UDP, "192.0.2.0/24", 53, 53)))));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> whitelists.createWhitelist(new WhitelistCreate()
                        .name("bad")
                        .rules(List.of(rule(WhitelistProtocol.UDP, "192.0.2.0/24", 60, 53)))));
        assertRefused(
                409,
                "InvalidWhitelist.Duplicate",
                () -> whitelists.createWhitelist(new WhitelistCreate().name("base")));
        assertRefused(400, "MissingParameter", () -> whitelists.createWhitelist(new WhitelistCreate()));

        HttpResponse<String> unknownProtocol = raw(
                "POST",
                "/api/v1/whitelists/" + id + "/rules",
                tenant.token(),
                "{\"protocol\":\"sctp\",\"cidrBlock\":\"0.0.0.0/0\"}");
        assertThat(unknownProtocol.statusCode()).isEqualTo(400);
        assertThat(json(unknownProtocol.body()).path("code").asString()).isEqualTo("InvalidParameterValue");

        assertThat(whitelists.getWhitelist(id)).isEqualTo(list);
        assertThat(whitelists.listWhitelists(null, null).getItems()).containsExactly(list);
    }

    @Test
    void rulesCanBeAddedAndRemoved() throws Exception {
        Whitelist list = whitelists.createWhitelist(new WhitelistCreate().name("grow"));
        Whitelist grown =
                whitelists.addWhitelistRule(list.getWhitelistId(), rule(WhitelistProtocol.TCP, "192.0.2.0/24", 22, 22));
        assertThat(grown.getRules()).hasSize(1);
        String ruleId = grown.getRules().get(0).getRuleId();
        assertThat(whitelists.removeWhitelistRule(list.getWhitelistId(), ruleId).getRules())
                .isEmpty();
        assertRefused(
                404,
                "InvalidWhitelistRuleID.NotFound",
                () -> whitelists.removeWhitelistRule(list.getWhitelistId(), ruleId));
        whitelists.deleteWhitelist(list.getWhitelistId());
        assertRefused(404, "InvalidWhitelistID.NotFound", () -> whitelists.getWhitelist(list.getWhitelistId()));
    }

    @Test
    void countersShowWhatTheDataPlaneReports() throws Exception {
        Whitelist list = whitelists.createWhitelist(new WhitelistCreate()
                .name("counted")
                .rules(List.of(
                        rule(WhitelistProtocol.TCP, "192.0.2.0/24", 443, 443),
                        rule(WhitelistProtocol.ICMP, "0.0.0.0/0", null, null))));
        String https = list.getRules().get(0).getRuleId();
        String icmp = list.getRules().get(1).getRuleId();
        whitelistService.addCounters(list.getWhitelistId(), Map.of(https, 7L), 3);
        whitelistService.addCounters(list.getWhitelistId(), Map.of(https, 1L, icmp, 2L), 1);
        Whitelist counted = whitelists.getWhitelist(list.getWhitelistId());
        assertThat(counted.getRules()).extracting(WhitelistRule::getHitCount).containsExactly(8L, 2L);
        assertThat(counted.getDropCount()).isEqualTo(4);
    }

    @Test
    void aTenantWithWhitelistsCannotBeDeleted() throws Exception {
        whitelists.createWhitelist(new WhitelistCreate().name("keep"));
        assertRefused(409, "DependencyViolation", () -> {
            new TenantsApi(admin()).deleteTenant(tenant.tenantId(), null);
            return null;
        });
        assertThat(whitelists.listWhitelists(null, null).getItems()).hasSize(1);
    }

    @Test
    void anotherTenantSeesNothing() throws Exception {
        Whitelist list = whitelists.createWhitelist(
                new WhitelistCreate().name("mine").rules(List.of(rule(WhitelistProtocol.TCP, "192.0.2.0/24", 22, 22))));
        WhitelistsApi other = new WhitelistsApi(newTenant().api());
        String id = list.getWhitelistId();
        assertRefused(404, "InvalidWhitelistID.NotFound", () -> other.getWhitelist(id));
        assertRefused(
                404,
                "InvalidWhitelistID.NotFound",
                () -> other.addWhitelistRule(id, rule(WhitelistProtocol.UDP, "0.0.0.0/0", 1, 1)));
        assertRefused(
                404,
                "InvalidWhitelistID.NotFound",
                () -> other.removeWhitelistRule(id, list.getRules().get(0).getRuleId()));
        assertRefused(404, "InvalidWhitelistID.NotFound", () -> {
            other.deleteWhitelist(id);
            return null;
        });
        assertThat(other.listWhitelists(null, null).getItems()).isEmpty();
        assertThat(whitelists.getWhitelist(id)).isEqualTo(list);
        assertThat(new WhitelistsApi(admin()).getWhitelist(id)).isEqualTo(list);
    }
}
