package io.vpclab.controlplane.whitelist;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantDeleting;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.tenant.TenantService;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Whitelists and their rules. Every change to one whitelist holds its row lock, so duplicate checks
 * and attach/delete races are serialised.
 */
@Service
public class WhitelistService {

    /** A lab bound that keeps one whitelist's compiled table small. */
    public static final int MAX_RULES = 1000;

    private final WhitelistRepository whitelists;
    private final WhitelistRuleRepository rules;
    private final TenantService tenants;
    private final ApplicationEventPublisher events;
    private final EntityManager entityManager;

    WhitelistService(
            WhitelistRepository whitelists,
            WhitelistRuleRepository rules,
            TenantService tenants,
            ApplicationEventPublisher events,
            EntityManager entityManager) {
        this.whitelists = whitelists;
        this.entityManager = entityManager;
        this.rules = rules;
        this.tenants = tenants;
        this.events = events;
    }

    /** A whitelist with its rules in the order they were added. */
    public record WhitelistView(Whitelist whitelist, List<WhitelistRule> rules) {}

    @Transactional
    public WhitelistView create(Caller caller, String requestedTenantId, String name, List<RuleMatch> initialRules) {
        String tenantId = caller.owningTenant(requestedTenantId);
        tenants.lockForUse(caller, tenantId);
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "name is required");
        }
        requireNoDuplicates(List.of(), initialRules);
        if (whitelists.existsByTenantIdAndName(tenantId, name)) {
            throw ApiException.conflict(
                    "InvalidWhitelist.Duplicate",
                    "tenant " + tenantId + " already has a whitelist named '" + name + "'");
        }
        Instant now = Times.now();
        Whitelist whitelist = whitelists.saveAndFlush(new Whitelist(Ids.newId(Ids.WHITELIST), tenantId, name, now));
        int position = 0;
        for (RuleMatch match : initialRules) {
            rules.save(new WhitelistRule(Ids.newId(Ids.WHITELIST_RULE), whitelist.id(), position++, match, now));
        }
        rules.flush();
        events.publishEvent(new WhitelistChanged(whitelist.id(), tenantId, ChangeKind.CREATED));
        return view(whitelist);
    }

    @Transactional(readOnly = true)
    public WhitelistView get(Caller caller, String whitelistId) {
        caller.requireAdminOrTenant();
        return view(whitelists
                .findById(whitelistId)
                .filter(w -> caller.canSee(w.tenantId()))
                .orElseThrow(() -> notFound(whitelistId)));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<WhitelistView> list(Caller caller, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        whitelists.page(caller.tenantScope(), page.afterId(), Limit.of(page.fetchSize())),
                        Whitelist::id)
                .map(this::view);
    }

    @Transactional
    public WhitelistView addRule(Caller caller, String whitelistId, RuleMatch match) {
        Whitelist whitelist = lockVisible(caller, whitelistId);
        List<WhitelistRule> existing = rules.findByWhitelistIdOrderByPosition(whitelistId);
        requireNoDuplicates(existing, List.of(match));
        int position =
                existing.isEmpty() ? 0 : existing.get(existing.size() - 1).position() + 1;
        rules.saveAndFlush(new WhitelistRule(Ids.newId(Ids.WHITELIST_RULE), whitelistId, position, match, Times.now()));
        events.publishEvent(new WhitelistChanged(whitelistId, whitelist.tenantId(), ChangeKind.UPDATED));
        return view(whitelist);
    }

    @Transactional
    public WhitelistView removeRule(Caller caller, String whitelistId, String ruleId) {
        Whitelist whitelist = lockVisible(caller, whitelistId);
        WhitelistRule rule = rules.findById(ruleId)
                .filter(r -> r.whitelistId().equals(whitelistId))
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidWhitelistRuleID.NotFound", "whitelist " + whitelistId + " has no rule " + ruleId));
        rules.delete(rule);
        rules.flush();
        events.publishEvent(new WhitelistChanged(whitelistId, whitelist.tenantId(), ChangeKind.UPDATED));
        return view(whitelist);
    }

    @Transactional
    public void delete(Caller caller, String whitelistId) {
        Whitelist whitelist = lockVisible(caller, whitelistId);
        events.publishEvent(new WhitelistDeleting(whitelistId));
        rules.deleteByWhitelistId(whitelistId);
        whitelists.delete(whitelist);
        whitelists.flush();
        events.publishEvent(new WhitelistChanged(whitelistId, whitelist.tenantId(), ChangeKind.DELETED));
    }

    /**
     * The whitelist a NAT gateway or EIP holds after a policy change, by the contract's rules:
     * {@code requested} null keeps the current one, "" detaches, an ID attaches (only with the
     * WHITELIST policy, only a whitelist of {@code tenantId}, locked until the transaction ends so
     * it cannot be deleted meanwhile). WHITELIST without a whitelist is MissingParameter; detaching
     * while the policy stays WHITELIST is DependencyViolation; another policy drops the whitelist.
     */
    @Transactional
    public String attachmentAfter(String tenantId, boolean whitelistPolicy, String current, String requested) {
        if (requested != null && !requested.isEmpty()) {
            if (!whitelistPolicy) {
                throw ApiException.invalidParameter("whitelistId " + requested + " needs the WHITELIST policy");
            }
            Whitelist whitelist = whitelists
                    .lockById(requested)
                    .map(this::fresh)
                    .filter(w -> w.tenantId().equals(tenantId))
                    .orElseThrow(() -> notFound(requested));
            return whitelist.id();
        }
        if (requested != null) {
            if (whitelistPolicy) {
                throw ApiException.dependencyViolation(
                        "whitelist " + current + " is in use by the WHITELIST policy; change the policy first");
            }
            return null;
        }
        if (!whitelistPolicy) {
            return null;
        }
        if (current == null) {
            throw ApiException.badRequest("MissingParameter", "the WHITELIST policy needs a whitelistId");
        }
        return current;
    }

    /** Adds what the data plane counted since its last report (hits per rule ID, drops). */
    @Transactional
    public void addCounters(String whitelistId, Map<String, Long> hitsByRule, long drops) {
        Whitelist whitelist =
                whitelists.lockById(whitelistId).map(this::fresh).orElseThrow(() -> notFound(whitelistId));
        whitelist.addDrops(drops);
        for (WhitelistRule rule : rules.findByWhitelistIdOrderByPosition(whitelistId)) {
            rule.addHits(hitsByRule.getOrDefault(rule.id(), 0L));
        }
    }

    @EventListener
    void refuseTenantDeleteWithWhitelists(TenantDeleting deleting) {
        if (whitelists.existsByTenantId(deleting.tenantId())) {
            throw ApiException.dependencyViolation("tenant " + deleting.tenantId() + " still has whitelists");
        }
    }

    private Whitelist lockVisible(Caller caller, String whitelistId) {
        caller.requireAdminOrTenant();
        return whitelists
                .lockById(whitelistId)
                .map(this::fresh)
                .filter(w -> caller.canSee(w.tenantId()))
                .orElseThrow(() -> notFound(whitelistId));
    }

    private static void requireNoDuplicates(List<WhitelistRule> existing, List<RuleMatch> added) {
        if (existing.size() + added.size() > MAX_RULES) {
            throw ApiException.conflict(
                    "RulesPerWhitelistLimitExceeded", "a whitelist holds at most " + MAX_RULES + " rules");
        }
        Set<RuleMatch> seen = new HashSet<>();
        existing.forEach(rule -> seen.add(rule.match()));
        for (RuleMatch match : added) {
            if (!seen.add(match)) {
                throw ApiException.badRequest("InvalidPermission.Duplicate", "duplicate rule " + describe(match));
            }
        }
    }

    private static String describe(RuleMatch match) {
        String ports = match.fromPort() == null ? "" : " ports " + match.fromPort() + "-" + match.toPort();
        return match.protocol().name().toLowerCase() + " " + match.cidr() + ports;
    }

    private WhitelistView view(Whitelist whitelist) {
        return new WhitelistView(whitelist, rules.findByWhitelistIdOrderByPosition(whitelist.id()));
    }

    static ApiException notFound(String whitelistId) {
        return ApiException.notFound("InvalidWhitelistID.NotFound", "whitelist " + whitelistId + " does not exist");
    }

    /**
     * Re-reads a row the lock query returned: when the entity was already loaded in this
     * transaction (by a visibility check), JPA hands back that instance without the values the
     * lock waited for, and a decision on it would miss the change that made us wait.
     */
    private <T> T fresh(T entity) {
        entityManager.refresh(entity, LockModeType.PESSIMISTIC_WRITE);
        return entity;
    }

    @EventListener
    @Order(TenantEmptying.WHITELISTS)
    void deleteWhitelistsOfEmptiedTenant(TenantEmptying emptying) {
        for (Whitelist whitelist : whitelists.page(emptying.tenantId(), "", Limit.unlimited())) {
            delete(Caller.admin(), whitelist.id());
        }
    }
}
