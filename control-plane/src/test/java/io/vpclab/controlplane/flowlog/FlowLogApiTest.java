package io.vpclab.controlplane.flowlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.FlowLogsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.FlowLog;
import io.vpclab.client.model.FlowLogAction;
import io.vpclab.client.model.FlowLogCreate;
import io.vpclab.client.model.FlowLogRecord;
import io.vpclab.client.model.FlowLogRecordList;
import io.vpclab.client.model.FlowLogReport;
import io.vpclab.client.model.FlowLogTrafficType;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.southbound.ControlPlaneLab;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * The flow log API over HTTP: validation with AWS-shaped codes, a refused report keeps nothing,
 * records of another host's instance are ignored, and records are filtered and paged.
 * Records are posted by the test (as the admin may) so their content is exactly known.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowLogApiTest {

    private ControlPlaneLab lab;
    private FollowAgent host1;
    private FollowAgent host2;
    private String tenantId;
    private String vpcId;
    private String subnetId;
    private Instance vm;
    private FlowLogsApi api;

    @BeforeAll
    void start() throws Exception {
        lab = new ControlPlaneLab();
        lab.startServer();
        int udpBase = FreeUdpPorts.consecutive(2);
        host1 = lab.agent("fla-1", udpBase, Duration.ZERO);
        host2 = lab.agent("fla-2", udpBase + 1, Duration.ZERO);
        tenantId = new TenantsApi(lab.admin())
                .createTenant(new TenantCreate().name("flowlogs"))
                .getTenantId();
        vpcId = new VpcsApi(lab.admin())
                .createVpc(new VpcCreate().cidrBlock("10.9.0.0/16").tenantId(tenantId))
                .getVpcId();
        subnetId = new SubnetsApi(lab.admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.9.1.0/24"))
                .getSubnetId();
        vm = new InstancesApi(lab.admin())
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(host1.hostId())
                        .kind(InstanceKind.SIMULATED)
                        .privateIpAddress("10.9.1.5"));
        api = new FlowLogsApi(lab.admin());
    }

    @AfterAll
    void stop() {
        lab.close();
    }

    @Test
    void badConfigurationsAreRefusedWithTheirCodesAndCreateNothing() throws Exception {
        refused(
                () -> api.createFlowLog(new FlowLogCreate().resourceId(vpcId).maxAggregationInterval(9)),
                400,
                "InvalidParameterValue");
        refused(
                () -> api.createFlowLog(new FlowLogCreate().resourceId(vpcId).maxAggregationInterval(601)),
                400,
                "InvalidParameterValue");
        refused(() -> api.createFlowLog(new FlowLogCreate().resourceId("eni-1234")), 400, "InvalidParameterValue");
        refused(() -> api.createFlowLog(new FlowLogCreate().resourceId("")), 400, "MissingParameter");
        refused(() -> api.createFlowLog(new FlowLogCreate().resourceId("vpc-0123456789abcdef0")), 404, "NotFound");
        refused(() -> api.getFlowLog("fl-0123456789abcdef0"), 404, "InvalidFlowLogId.NotFound");

        assertThat(api.listFlowLogs(subnetId, null, null).getItems()).isEmpty();
    }

    @Test
    void aResourceHasOneConfigurationPerTrafficTypeAndTwoAtMost() throws Exception {
        FlowLog accept =
                api.createFlowLog(new FlowLogCreate().resourceId(subnetId).trafficType(FlowLogTrafficType.ACCEPT));
        assertThat(accept.getMaxAggregationInterval()).as("the default, as AWS").isEqualTo(60);
        assertThat(accept.getResourceType()).isEqualTo(FlowLog.ResourceTypeEnum.SUBNET);
        refused(
                () -> api.createFlowLog(
                        new FlowLogCreate().resourceId(subnetId).trafficType(FlowLogTrafficType.ACCEPT)),
                409,
                "FlowLogAlreadyExists");
        FlowLog reject =
                api.createFlowLog(new FlowLogCreate().resourceId(subnetId).trafficType(FlowLogTrafficType.REJECT));
        refused(
                () -> api.createFlowLog(new FlowLogCreate().resourceId(subnetId).trafficType(FlowLogTrafficType.ALL)),
                409,
                "FlowLogsLimitExceeded");
        assertThat(api.listFlowLogs(subnetId, null, null).getItems())
                .extracting(FlowLog::getId)
                .containsExactlyInAnyOrder(accept.getId(), reject.getId());

        api.deleteFlowLog(accept.getId());
        api.deleteFlowLog(reject.getId());
        refused(() -> api.getFlowLog(accept.getId()), 404, "InvalidFlowLogId.NotFound");
    }

    @Test
    void recordsAreFilteredAndPagedAndABadReportKeepsNothing() throws Exception {
        FlowLog flowLog = api.createFlowLog(new FlowLogCreate().resourceId(vm.getInstanceId()));
        long now = Instant.now().getEpochSecond();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add(line(
                    vm.getInstanceId(),
                    "10.9.1.5",
                    "10.9.2." + (i + 1),
                    40_000 + i,
                    i % 5 == 0 ? 22 : 443,
                    now - 100 + i,
                    i % 5 == 0 ? "REJECT" : "ACCEPT"));
        }
        List<String> malformed = new ArrayList<>(lines);
        malformed.set(1, lines.get(1).replace(" 6 ", " 6  "));
        refused(
                () -> api.reportFlowLogRecords(host1.hostId(), new FlowLogReport().records(malformed)),
                400,
                "records[1]");
        assertThat(api.getFlowLog(flowLog.getId()).getHeldRecords())
                .as("nothing of a refused report")
                .isZero();

        api.reportFlowLogRecords(host2.hostId(), new FlowLogReport().records(lines));
        assertThat(api.getFlowLog(flowLog.getId()).getHeldRecords())
                .as("another host cannot speak for this instance")
                .isZero();

        api.reportFlowLogRecords(host1.hostId(), new FlowLogReport().records(lines));
        assertThat(api.getFlowLog(flowLog.getId()).getHeldRecords()).isEqualTo(25);

        List<FlowLogRecord> paged = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        do {
            FlowLogRecordList page =
                    api.listFlowLogRecords(flowLog.getId(), null, null, null, null, null, null, 10, token);
            assertThat(page.getItems()).hasSizeLessThanOrEqualTo(10);
            paged.addAll(page.getItems());
            token = page.getNextToken();
            assertThat(token == null || tokens.add(token)).as("tokens move on").isTrue();
        } while (token != null && tokens.size() < 10);
        assertThat(paged)
                .extracting(FlowLogRecord::getSrcport)
                .containsExactlyElementsOf(
                        IntStream.range(0, 25).map(i -> 40_000 + i).boxed().toList());

        assertThat(api.listFlowLogRecords(flowLog.getId(), null, null, 22, null, null, null, null, null)
                        .getItems())
                .hasSize(5)
                .allSatisfy(r -> assertThat(r.getAction()).isEqualTo(FlowLogAction.REJECT));
        assertThat(api.listFlowLogRecords(
                                flowLog.getId(), null, null, null, FlowLogAction.ACCEPT, null, null, null, null)
                        .getItems())
                .hasSize(20);
        assertThat(api.listFlowLogRecords(flowLog.getId(), null, "10.9.2.3", null, null, null, null, null, null)
                        .getItems())
                .singleElement()
                .extracting(FlowLogRecord::getDstaddr)
                .isEqualTo("10.9.2.3");
        assertThat(api.listFlowLogRecords(
                                flowLog.getId(),
                                null,
                                null,
                                null,
                                null,
                                Instant.ofEpochSecond(now - 80).atOffset(ZoneOffset.UTC),
                                Instant.ofEpochSecond(now - 78).atOffset(ZoneOffset.UTC),
                                null,
                                null)
                        .getItems())
                .extracting(FlowLogRecord::getStart)
                .containsExactly(now - 80, now - 79, now - 78);
        assertThat(api.listFlowLogRecords(
                                flowLog.getId(), "i-0123456789abcdef0", null, null, null, null, null, null, null)
                        .getItems())
                .isEmpty();

        refused(
                () -> api.listFlowLogRecords(flowLog.getId(), null, "10.9.2.03", null, null, null, null, null, null),
                400,
                "InvalidParameterValue");
        refused(
                () -> api.listFlowLogRecords(
                        flowLog.getId(), null, null, null, null, null, null, 10, "vpc-0123456789abcdef0"),
                400,
                "InvalidParameterValue");
        refused(
                () -> api.listFlowLogRecords(flowLog.getId(), null, null, null, null, null, null, 0, null),
                400,
                "InvalidParameterValue");

        String download = api.downloadFlowLogRecords(flowLog.getId());
        assertThat(download.lines().toList())
                .hasSize(26)
                .startsWith(io.vpclab.net.FlowLogRecord.HEADER)
                .endsWith(lines.get(24));
        api.deleteFlowLog(flowLog.getId());
    }

    /**
     * A host that lost records of an interface reports AWS's SKIPDATA record for the window: every
     * configuration covering the interface keeps it (a REJECT-only one too: rejects may be among
     * the lost), it is listed with its window and no flow fields, and downloaded as AWS writes it.
     */
    @Test
    void aSkipDataRecordIsKeptListedAndDownloadedAsAwsWritesIt() throws Exception {
        FlowLog rejects = api.createFlowLog(
                new FlowLogCreate().resourceId(subnetId).trafficType(io.vpclab.client.model.FlowLogTrafficType.REJECT));
        long now = Instant.now().getEpochSecond();
        String skipData =
                "2 " + tenantId + " " + vm.getInstanceId() + " - - - - - - - " + (now - 60) + " " + now + " - SKIPDATA";
        refused(
                () -> api.reportFlowLogRecords(
                        host1.hostId(),
                        new FlowLogReport().records(List.of(skipData.replace(" - - - - - - - ", " - - 1 - - - - ")))),
                400,
                "SKIPDATA");

        api.reportFlowLogRecords(
                host1.hostId(),
                new FlowLogReport()
                        .records(List.of(
                                skipData,
                                line(vm.getInstanceId(), "10.9.1.5", "10.9.2.1", 40_000, 443, now, "ACCEPT"))));

        assertThat(api.listFlowLogRecords(rejects.getId(), null, null, null, null, null, null, null, null)
                        .getItems())
                .as("the accepted record is not a REJECT; the SKIPDATA one is kept")
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getLogStatus()).isEqualTo(FlowLogRecord.LogStatusEnum.SKIPDATA);
                    assertThat(r.getInterfaceId()).isEqualTo(vm.getInstanceId());
                    assertThat(r.getStart()).isEqualTo(now - 60);
                    assertThat(r.getEnd()).isEqualTo(now);
                    assertThat(r.getSrcaddr()).isNull();
                    assertThat(r.getAction()).isNull();
                });
        assertThat(api.listFlowLogRecords(
                                rejects.getId(), null, null, null, FlowLogAction.REJECT, null, null, null, null)
                        .getItems())
                .as("an action filter asks for flows; a SKIPDATA record has none")
                .isEmpty();
        assertThat(api.downloadFlowLogRecords(rejects.getId()).lines().toList())
                .containsExactly(io.vpclab.net.FlowLogRecord.HEADER, skipData);
        api.deleteFlowLog(rejects.getId());
    }

    private String line(String eni, String src, String dst, int srcPort, int dstPort, long start, String action) {
        return "2 " + tenantId + " " + eni + " " + src + " " + dst + " " + srcPort + " " + dstPort + " 6 3 180 " + start
                + " " + start + " " + action + " OK";
    }

    private static void refused(Executable call, int status, String inBody) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(status);
            assertThat(e.getResponseBody()).contains(inBody);
        });
    }
}
