package io.vpclab.controlplane.flowlog;

import io.vpclab.controlplane.compiler.FlowLogNode;
import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.FlowLogRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;

/** Flow log configurations and the records hosts report for them. */
@Service
public class FlowLogService {

    public static final int MIN_INTERVAL_SECONDS = 10;
    public static final int MAX_INTERVAL_SECONDS = 600;
    public static final int DEFAULT_INTERVAL_SECONDS = 60;
    /** Configurations per resource: one per traffic type is enough to need two at most in practice. */
    public static final int MAX_PER_RESOURCE = 2;

    private final FlowLogRepository flowLogs;
    private final FlowLogRecords records;
    private final VpcService vpcs;
    private final SubnetService subnets;
    private final InstanceService instances;
    private final ApplicationEventPublisher events;

    FlowLogService(
            FlowLogRepository flowLogs,
            FlowLogRecords records,
            VpcService vpcs,
            SubnetService subnets,
            InstanceService instances,
            ApplicationEventPublisher events) {
        this.flowLogs = flowLogs;
        this.records = records;
        this.vpcs = vpcs;
        this.subnets = subnets;
        this.instances = instances;
        this.events = events;
    }

    /** A configuration with the state of its records. */
    public record FlowLogView(FlowLog flowLog, long heldRecords, long droppedRecords) {}

    @Transactional
    public FlowLogView create(Caller caller, String resourceId, FlowLog.TrafficType trafficType, Integer interval) {
        if (resourceId == null || resourceId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "resourceId is required");
        }
        int seconds = interval == null ? DEFAULT_INTERVAL_SECONDS : interval;
        if (seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
            throw ApiException.invalidParameter("maxAggregationInterval must be " + MIN_INTERVAL_SECONDS + ".."
                    + MAX_INTERVAL_SECONDS + " seconds, got " + seconds);
        }
        FlowLog.TrafficType traffic = trafficType == null ? FlowLog.TrafficType.ALL : trafficType;
        FlowLog.ResourceType type = typeOf(resourceId);
        String vpcId = switch (type) {
            case VPC -> vpcs.get(caller, resourceId).id();
            case SUBNET -> subnets.get(caller, resourceId).vpcId();
            case INSTANCE -> instances.get(caller, resourceId).vpcId();
        };
        VpcService.VpcView vpc = vpcs.lockForMutation(caller, vpcId);
        List<FlowLog> existing = flowLogs.findByResourceIdOrderById(resourceId);
        if (existing.stream().anyMatch(f -> f.trafficType() == traffic)) {
            throw ApiException.conflict(
                    "FlowLogAlreadyExists", resourceId + " already has a flow log of traffic type " + traffic);
        }
        if (existing.size() >= MAX_PER_RESOURCE) {
            throw ApiException.conflict(
                    "FlowLogsLimitExceeded", resourceId + " has " + MAX_PER_RESOURCE + " flow logs, the most allowed");
        }
        FlowLog flowLog = flowLogs.saveAndFlush(new FlowLog(
                Ids.newId(Ids.FLOW_LOG), vpc.tenantId(), vpcId, resourceId, type, traffic, seconds, Times.now()));
        events.publishEvent(new FlowLogChanged(flowLog.id(), vpcId, flowLog.tenantId(), ChangeKind.CREATED));
        return view(flowLog);
    }

    @Transactional(readOnly = true)
    public FlowLogView get(Caller caller, String flowLogId) {
        return view(visible(caller, flowLogId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<FlowLogView> list(Caller caller, String resourceId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                        flowLogs.page(caller.tenantScope(), resourceId, page.afterId(), Limit.of(page.fetchSize())),
                        FlowLog::id)
                .map(this::view);
    }

    @Transactional
    public void delete(Caller caller, String flowLogId) {
        FlowLog flowLog = visible(caller, flowLogId);
        flowLogs.delete(flowLog);
        flowLogs.flush();
        events.publishEvent(new FlowLogChanged(flowLogId, flowLog.vpcId(), flowLog.tenantId(), ChangeKind.DELETED));
    }

    /** The held records of a visible configuration after {@code after} that {@code filter} keeps, oldest first. */
    @Transactional(readOnly = true)
    public List<FlowLogRecords.Held> records(
            Caller caller, String flowLogId, long after, Predicate<FlowLogRecord> filter, int limit) {
        visible(caller, flowLogId);
        return records.page(flowLogId, after, filter, limit);
    }

    /** The configurations of a VPC, as the compiler reads them. */
    @Transactional(readOnly = true)
    public List<FlowLogNode> nodesOfVpc(String vpcId) {
        return flowLogs.findByVpcIdOrderById(vpcId).stream()
                .map(f -> new FlowLogNode(f.resourceId(), f.maxAggregationInterval()))
                .toList();
    }

    /**
     * Keeps a host's records with every configuration that covers their interface and wants their
     * action. Records of an interface that is not an instance on this host, or whose account is
     * not the instance's tenant, are left out (a host speaks only for its own ports).
     *
     * @return the records kept at least once
     */
    @Transactional(readOnly = true)
    public int accept(String hostId, List<FlowLogRecord> reported) {
        Map<String, List<FlowLogRecord>> byInterface = new LinkedHashMap<>();
        reported.forEach(r -> byInterface
                .computeIfAbsent(r.interfaceId(), k -> new ArrayList<>())
                .add(r));
        int kept = 0;
        for (Map.Entry<String, List<FlowLogRecord>> entry : byInterface.entrySet()) {
            Instance instance;
            try {
                instance = instances.get(Caller.admin(), entry.getKey());
            } catch (ApiException unknown) {
                continue;
            }
            if (!hostId.equals(instance.hostId())) {
                continue;
            }
            List<FlowLogRecord> own = entry.getValue().stream()
                    .filter(r -> r.accountId().equals(instance.tenantId()))
                    .toList();
            List<FlowLog> covering =
                    flowLogs.findByResourceIdInOrderById(List.of(instance.id(), instance.subnetId(), instance.vpcId()));
            Map<String, Boolean> keptOnce = new HashMap<>();
            for (FlowLog flowLog : covering) {
                List<FlowLogRecord> wanted = own.stream()
                        // a SKIPDATA record says records of any action may be missing: every configuration keeps it
                        .filter(r -> r.skipped() || flowLog.trafficType().keeps(r.accepted()))
                        .toList();
                records.append(flowLog.id(), wanted);
                wanted.forEach(r -> keptOnce.put(r.line(), true));
            }
            kept += keptOnce.size();
        }
        return kept;
    }

    /** The records of a deleted configuration go once the deletion is committed (a rolled-back one keeps them). */
    @TransactionalEventListener(fallbackExecution = true)
    void forgetRecordsOfDeleted(FlowLogChanged changed) {
        if (changed.kind() == ChangeKind.DELETED) {
            records.forget(changed.flowLogId());
        }
    }

    /** A VPC goes with its flow logs and those of its subnets and instances. */
    @EventListener
    void deleteFlowLogsWithVpc(VpcDeleting deleting) {
        for (FlowLog flowLog : flowLogs.findByVpcIdOrderById(deleting.vpcId())) {
            delete(Caller.admin(), flowLog.id());
        }
    }

    @EventListener
    @Order(TenantEmptying.NETWORK_ACLS) // any order before the tenant itself goes: only the tenant references them
    void deleteFlowLogsOfEmptiedTenant(TenantEmptying emptying) {
        for (FlowLog flowLog : flowLogs.page(emptying.tenantId(), null, "", Limit.unlimited())) {
            delete(Caller.admin(), flowLog.id());
        }
    }

    private FlowLog visible(Caller caller, String flowLogId) {
        return flowLogs.findById(flowLogId)
                .filter(f -> caller.canSee(f.tenantId()))
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidFlowLogId.NotFound", "flow log " + flowLogId + " does not exist"));
    }

    private FlowLogView view(FlowLog flowLog) {
        return new FlowLogView(flowLog, records.held(flowLog.id()), records.dropped(flowLog.id()));
    }

    private static FlowLog.ResourceType typeOf(String resourceId) {
        if (resourceId.startsWith(Ids.VPC + "-")) {
            return FlowLog.ResourceType.VPC;
        }
        if (resourceId.startsWith(Ids.SUBNET + "-")) {
            return FlowLog.ResourceType.SUBNET;
        }
        if (resourceId.startsWith(Ids.INSTANCE + "-")) {
            return FlowLog.ResourceType.INSTANCE;
        }
        throw ApiException.invalidParameter(
                "resourceId must be a VPC (vpc-...), subnet (subnet-...) or instance (i-...) id, got '"
                        + (resourceId.length() > 40 ? resourceId.substring(0, 40) + "..." : resourceId) + "'");
    }
}
