package io.vpclab.controlplane.whitelist;

import io.vpclab.api.WhitelistsApi;
import io.vpclab.api.model.WhitelistCreate;
import io.vpclab.api.model.WhitelistList;
import io.vpclab.api.model.WhitelistProtocol;
import io.vpclab.api.model.WhitelistRuleCreate;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WhitelistController implements WhitelistsApi {

    private final WhitelistService whitelists;
    private final WhitelistCounterSource counters;

    WhitelistController(WhitelistService whitelists, WhitelistCounterSource counters) {
        this.whitelists = whitelists;
        this.counters = counters;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Whitelist> createWhitelist(WhitelistCreate body) {
        List<RuleMatch> rules = body.getRules() == null
                ? List.of()
                : body.getRules().stream().map(WhitelistController::match).toList();
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(whitelists.create(Callers.current(), body.getTenantId(), body.getName(), rules)));
    }

    @Override
    public ResponseEntity<WhitelistList> listWhitelists(Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.Whitelist> page = whitelists
                .list(Callers.current(), PageRequest.of(maxResults, nextToken))
                .map(this::toDto);
        return ResponseEntity.ok(new WhitelistList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Whitelist> getWhitelist(String whitelistId) {
        return ResponseEntity.ok(toDto(whitelists.get(Callers.current(), whitelistId)));
    }

    @Override
    public ResponseEntity<Void> deleteWhitelist(String whitelistId) {
        whitelists.delete(Callers.current(), whitelistId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Whitelist> addWhitelistRule(
            String whitelistId, WhitelistRuleCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(whitelists.addRule(Callers.current(), whitelistId, match(body))));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Whitelist> removeWhitelistRule(String whitelistId, String ruleId) {
        return ResponseEntity.ok(toDto(whitelists.removeRule(Callers.current(), whitelistId, ruleId)));
    }

    private static RuleMatch match(WhitelistRuleCreate rule) {
        return RuleMatch.of(
                rule.getProtocol() == null ? null : rule.getProtocol().getValue(),
                rule.getCidrBlock(),
                rule.getFromPort(),
                rule.getToPort());
    }

    /** Stored counters plus what the agents report now (the stored ones stay 0 unless counters are persisted). */
    io.vpclab.api.model.Whitelist toDto(WhitelistService.WhitelistView view) {
        Whitelist whitelist = view.whitelist();
        WhitelistCounterSource.Reported reported = counters.reported(whitelist.id());
        return new io.vpclab.api.model.Whitelist(
                whitelist.id(),
                whitelist.tenantId(),
                whitelist.name(),
                view.rules().stream()
                        .map(rule -> toDto(rule, reported.hits(rule.id())))
                        .toList(),
                whitelist.dropCount() + reported.drops(),
                Times.utc(whitelist.createdAt()));
    }

    private static io.vpclab.api.model.WhitelistRule toDto(WhitelistRule rule, long reportedHits) {
        RuleMatch match = rule.match();
        return new io.vpclab.api.model.WhitelistRule(
                        rule.id(),
                        WhitelistProtocol.fromValue(match.protocol().name().toLowerCase()),
                        match.cidr().toString(),
                        rule.hitCount() + reportedHits)
                .fromPort(match.fromPort())
                .toPort(match.toPort());
    }
}
