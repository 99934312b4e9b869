package io.vpclab.controlplane.flowlog;

import io.vpclab.api.FlowLogsApi;
import io.vpclab.api.model.FlowLogAction;
import io.vpclab.api.model.FlowLogCreate;
import io.vpclab.api.model.FlowLogList;
import io.vpclab.api.model.FlowLogRecordList;
import io.vpclab.api.model.FlowLogReport;
import io.vpclab.api.model.FlowLogTrafficType;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.net.FlowLogRecord;
import io.vpclab.net.Ipv4Address;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class FlowLogController implements FlowLogsApi {

    /** Page tokens of records: their sequence number in hex, shaped like every token this server issues. */
    private static final Pattern RECORD_TOKEN = Pattern.compile("flr-[0-9a-f]{17}");

    private final FlowLogService flowLogs;
    private final HostService hosts;

    FlowLogController(FlowLogService flowLogs, HostService hosts) {
        this.flowLogs = flowLogs;
        this.hosts = hosts;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.FlowLog> createFlowLog(FlowLogCreate body) {
        FlowLogService.FlowLogView created = flowLogs.create(
                Callers.current(),
                body.getResourceId(),
                body.getTrafficType() == null
                        ? null
                        : FlowLog.TrafficType.valueOf(body.getTrafficType().getValue()),
                body.getMaxAggregationInterval());
        return ResponseEntity.status(HttpStatus.CREATED).body(toDto(created));
    }

    @Override
    public ResponseEntity<FlowLogList> listFlowLogs(String resourceId, Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.FlowLog> page = flowLogs.list(
                        Callers.current(), resourceId, PageRequest.of(maxResults, nextToken))
                .map(FlowLogController::toDto);
        return ResponseEntity.ok(new FlowLogList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.FlowLog> getFlowLog(String flowLogId) {
        return ResponseEntity.ok(toDto(flowLogs.get(Callers.current(), flowLogId)));
    }

    @Override
    public ResponseEntity<Void> deleteFlowLog(String flowLogId) {
        flowLogs.delete(Callers.current(), flowLogId);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<FlowLogRecordList> listFlowLogRecords(
            String flowLogId,
            String interfaceId,
            String address,
            Integer port,
            FlowLogAction action,
            OffsetDateTime startTime,
            OffsetDateTime endTime,
            Integer maxResults,
            String nextToken) {
        Caller caller = Callers.current();
        flowLogs.get(caller, flowLogId); // 404 before any validation of the filters
        PageRequest page = PageRequest.of(maxResults, nextToken);
        long after = after(nextToken);
        Predicate<FlowLogRecord> filter = filter(interfaceId, address, port, action, startTime, endTime);
        List<FlowLogRecords.Held> found = flowLogs.records(caller, flowLogId, after, filter, page.fetchSize());
        String next = null;
        if (found.size() > page.maxResults()) {
            found = found.subList(0, page.maxResults());
            next = String.format("flr-%017x", found.get(found.size() - 1).sequence());
        }
        return ResponseEntity.ok(
                new FlowLogRecordList(found.stream().map(h -> toDto(h.record())).toList()).nextToken(next));
    }

    @Override
    public ResponseEntity<String> downloadFlowLogRecords(String flowLogId) {
        List<FlowLogRecords.Held> all = flowLogs.records(Callers.current(), flowLogId, 0, r -> true, Integer.MAX_VALUE);
        StringBuilder text = new StringBuilder(FlowLogRecord.HEADER).append('\n');
        all.forEach(held -> text.append(held.record().line()).append('\n'));
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_PLAIN)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + flowLogId + ".log\"")
                .body(text.toString());
    }

    @Override
    public ResponseEntity<Void> reportFlowLogRecords(String hostId, FlowLogReport report) {
        hosts.requireSelfOrAdmin(Callers.current(), hostId);
        flowLogs.accept(hostId, decode(report.getRecords()));
        return ResponseEntity.noContent().build();
    }

    /** Every line of a report, or a 400 naming the first bad line and field: nothing of a bad report is kept. */
    static List<FlowLogRecord> decode(List<String> lines) {
        if (lines == null) {
            throw ApiException.badRequest("MissingParameter", "records is required");
        }
        List<FlowLogRecord> decoded = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            try {
                decoded.add(FlowLogRecord.parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidParameter("records[" + i + "]: " + e.getMessage());
            }
        }
        return decoded;
    }

    private static long after(String nextToken) {
        if (nextToken == null) {
            return 0;
        }
        if (!RECORD_TOKEN.matcher(nextToken).matches()) {
            throw ApiException.invalidParameter("nextToken is not a token of this flow log's records: " + nextToken);
        }
        return Long.parseUnsignedLong(nextToken.substring(4), 16);
    }

    private static Predicate<FlowLogRecord> filter(
            String interfaceId,
            String address,
            Integer port,
            FlowLogAction action,
            OffsetDateTime startTime,
            OffsetDateTime endTime) {
        Predicate<FlowLogRecord> keep = r -> true;
        if (interfaceId != null) {
            keep = keep.and(r -> r.interfaceId().equals(interfaceId));
        }
        if (address != null) {
            Ipv4Address wanted;
            try {
                wanted = Ipv4Address.parse(address);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidParameter("address: " + e.getMessage());
            }
            keep = keep.and(r ->
                    !r.skipped() && (r.srcaddr().equals(wanted) || r.dstaddr().equals(wanted)));
        }
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw ApiException.invalidParameter("port must be 0..65535, got " + port);
            }
            int wanted = port;
            keep = keep.and(r -> !r.skipped() && (r.srcport() == wanted || r.dstport() == wanted));
        }
        if (action != null) {
            boolean accepted = action == FlowLogAction.ACCEPT;
            keep = keep.and(r -> !r.skipped() && r.accepted() == accepted);
        }
        if (startTime != null && endTime != null && startTime.isAfter(endTime)) {
            throw ApiException.invalidParameter("startTime must not be after endTime");
        }
        if (startTime != null) {
            long from = startTime.toEpochSecond();
            keep = keep.and(r -> r.end() >= from);
        }
        if (endTime != null) {
            long to = endTime.toEpochSecond();
            keep = keep.and(r -> r.start() <= to);
        }
        return keep;
    }

    private static io.vpclab.api.model.FlowLog toDto(FlowLogService.FlowLogView view) {
        FlowLog flowLog = view.flowLog();
        return new io.vpclab.api.model.FlowLog(
                        flowLog.id(),
                        flowLog.tenantId(),
                        flowLog.resourceId(),
                        io.vpclab.api.model.FlowLog.ResourceTypeEnum.fromValue(
                                flowLog.resourceType().name().toLowerCase()),
                        FlowLogTrafficType.fromValue(flowLog.trafficType().name()),
                        flowLog.maxAggregationInterval(),
                        Times.utc(flowLog.createdAt()))
                .heldRecords(view.heldRecords())
                .droppedRecords(view.droppedRecords());
    }

    private static io.vpclab.api.model.FlowLogRecord toDto(FlowLogRecord record) {
        if (record.skipped()) {
            return new io.vpclab.api.model.FlowLogRecord(
                    FlowLogRecord.VERSION,
                    record.accountId(),
                    record.interfaceId(),
                    record.start(),
                    record.end(),
                    io.vpclab.api.model.FlowLogRecord.LogStatusEnum.SKIPDATA);
        }
        return new io.vpclab.api.model.FlowLogRecord(
                        FlowLogRecord.VERSION,
                        record.accountId(),
                        record.interfaceId(),
                        record.start(),
                        record.end(),
                        io.vpclab.api.model.FlowLogRecord.LogStatusEnum.OK)
                .srcaddr(record.srcaddr().toString())
                .dstaddr(record.dstaddr().toString())
                .srcport(record.srcport())
                .dstport(record.dstport())
                .protocol(record.protocol())
                .packets(record.packets())
                .bytes(record.bytes())
                .action(record.accepted() ? FlowLogAction.ACCEPT : FlowLogAction.REJECT);
    }
}
