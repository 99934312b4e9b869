package io.vpclab.controlplane.southbound;

import static io.vpclab.controlplane.southbound.OnTheWireFixture.CONVERGENCE;
import static io.vpclab.controlplane.southbound.OnTheWireFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.api.FlowLogsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.model.FlowLog;
import io.vpclab.client.model.FlowLogAction;
import io.vpclab.client.model.FlowLogCreate;
import io.vpclab.client.model.FlowLogRecord;
import io.vpclab.client.model.FlowLogRecordList;
import io.vpclab.client.model.FlowLogTrafficType;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceSecurityGroupsUpdate;
import io.vpclab.client.model.SecurityGroupCreate;
import io.vpclab.client.model.SecurityGroupRuleCreate;
import io.vpclab.client.model.SecurityGroupRuleDirection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flow logs with real packets through two in-process agents, set up over the REST API: "app"
 * (10.40.1.5, agent fl-1) pings "db" (10.40.2.5, agent fl-2) and then tries TCP 22, which db's
 * security group refuses. The VPC's flow log holds ACCEPT records of the echo flow at both
 * interfaces, with the same packets and bytes each way, and a REJECT record of the refused SYNs.
 */
class FlowLogOnTheWireTest {

    private OnTheWireFixture wire;

    @AfterEach
    void stop() {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void acceptedFlowsAndFlowsAGroupRefusesAreLoggedWithTheirPacketsAndBytes() throws Exception {
        wire = OnTheWireFixture.server();
        List<FollowAgent> agents = wire.agents("fl", 2);
        FollowAgent a1 = agents.get(0);
        FollowAgent a2 = agents.get(1);
        String tenantId = wire.tenant("fl");
        String vpcId = wire.vpc(tenantId, "10.40.0.0/16");
        Instance app = wire.instance(wire.subnet(vpcId, "10.40.1.0/24"), a1, "10.40.1.5");
        Instance db = wire.instance(wire.subnet(vpcId, "10.40.2.0/24"), a2, "10.40.2.5");
        FlowLogsApi flowLogs = new FlowLogsApi(wire.admin());
        FlowLog flowLog = flowLogs.createFlowLog(new FlowLogCreate()
                .resourceId(vpcId)
                .trafficType(FlowLogTrafficType.ALL)
                .maxAggregationInterval(600)); // the test drains on demand, not on the interval
        wire.awaitConverged();
        assertThat(a2.appliedTable().getPorts())
                .as("the table tells db's host that its port logs flows")
                .anySatisfy(port -> {
                    assertThat(port.getId()).isEqualTo(db.getInstanceId());
                    assertThat(port.getFlowLog().getAccountId()).isEqualTo(tenantId);
                    assertThat(port.getFlowLog().getIntervalSeconds()).isEqualTo(600);
                });

        // the first packets of a path wait for ARP: a TCP probe warms it (its flow is another record)
        await().atMost(CONVERGENCE).until(() -> "closed".equals(tcp(a1, app.getInstanceId(), "10.40.2.5", 5432)));
        int[] pings = {0}; // on a loaded machine a ping may time out: each attempt is two more echo requests
        await().atMost(CONVERGENCE).until(() -> {
            pings[0]++;
            return ControlPlaneLab.ping(a1, app.getInstanceId(), "10.40.2.5").getReceived() == 2;
        });
        SecurityGroupsApi groups = new SecurityGroupsApi(wire.admin());
        String dbGroup = groups.createSecurityGroup(
                        new SecurityGroupCreate().vpcId(vpcId).groupName("db"))
                .getGroupId();
        groups.authorizeSecurityGroupRule(
                dbGroup,
                new SecurityGroupRuleCreate()
                        .direction(SecurityGroupRuleDirection.INGRESS)
                        .ipProtocol("tcp")
                        .fromPort(5432)
                        .toPort(5432)
                        .cidrIp("10.40.1.0/24"));
        groups.replaceInstanceSecurityGroups(
                db.getInstanceId(), new InstanceSecurityGroupsUpdate().securityGroupIds(List.of(dbGroup)));
        wire.awaitConverged();
        await().atMost(CONVERGENCE).until(() -> "filtered".equals(tcp(a1, app.getInstanceId(), "10.40.2.5", 22)));

        a1.reportFlowLogs();
        a2.reportFlowLogs();
        List<FlowLogRecord> records = all(flowLogs, flowLog.getId(), null);

        FlowLogRecord requestAtDb = only(records, db, "10.40.1.5", "10.40.2.5", 1, FlowLogAction.ACCEPT);
        FlowLogRecord replyAtDb = only(records, db, "10.40.2.5", "10.40.1.5", 1, FlowLogAction.ACCEPT);
        FlowLogRecord requestAtApp = only(records, app, "10.40.1.5", "10.40.2.5", 1, FlowLogAction.ACCEPT);
        assertThat(replyAtDb.getPackets())
                .as("db answered every echo request that reached it")
                .isEqualTo(requestAtDb.getPackets());
        assertThat(requestAtApp.getPackets())
                .as("every request left app; all reached db unless a ping was retried")
                .isGreaterThanOrEqualTo(requestAtDb.getPackets())
                .isLessThanOrEqualTo(2L * pings[0]);
        assertThat(requestAtDb.getPackets()).isGreaterThanOrEqualTo(2);
        if (pings[0] == 1) {
            assertThat(List.of(requestAtApp.getPackets(), requestAtDb.getPackets(), replyAtDb.getPackets()))
                    .as("one ping of two echo requests")
                    .containsOnly(2L);
        }
        long echoLength = requestAtApp.getBytes() / requestAtApp.getPackets();
        assertThat(echoLength).as("IPv4 + ICMP echo headers at least").isGreaterThanOrEqualTo(28);
        assertThat(List.of(requestAtApp, requestAtDb, replyAtDb))
                .as("every echo request and reply is as long as the others: bytes = packets x length")
                .allSatisfy(r -> assertThat(r.getBytes()).isEqualTo(r.getPackets() * echoLength));
        assertThat(requestAtDb.getAccountId()).isEqualTo(tenantId);
        assertThat(requestAtDb.getSrcport()).as("ICMP has no ports").isZero();
        assertThat(requestAtDb.getStart()).isLessThanOrEqualTo(requestAtDb.getEnd());

        List<FlowLogRecord> refused = records.stream()
                .filter(r -> r.getAction() == FlowLogAction.REJECT)
                .toList();
        assertThat(refused)
                .as("the SYNs db's group refused, one record per 5-tuple (a retried probe is another source port)")
                .isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.getInterfaceId()).isEqualTo(db.getInstanceId());
                    assertThat(r.getSrcaddr()).isEqualTo("10.40.1.5");
                    assertThat(r.getDstaddr()).isEqualTo("10.40.2.5");
                    assertThat(r.getProtocol()).isEqualTo(6);
                    assertThat(r.getDstport()).isEqualTo(22);
                    assertThat(r.getPackets()).isPositive();
                    assertThat(r.getBytes()).isGreaterThanOrEqualTo(r.getPackets() * 40);
                });
        assertThat(records)
                .as("nothing admitted to db's port 22")
                .noneMatch(r -> r.getAction() == FlowLogAction.ACCEPT
                        && r.getInterfaceId().equals(db.getInstanceId())
                        && r.getDstport() == 22);

        assertThat(all(flowLogs, flowLog.getId(), FlowLogAction.REJECT))
                .as("filtered by action")
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getAction()).isEqualTo(FlowLogAction.REJECT));
        String download = flowLogs.downloadFlowLogRecords(flowLog.getId());
        assertThat(download.lines().findFirst()).hasValue(io.vpclab.net.FlowLogRecord.HEADER);
        assertThat(download.lines().count()).isEqualTo(records.size() + 1L);
        assertThat(download).contains(" 10.40.1.5 10.40.2.5 ").contains(" REJECT OK");
        assertThat(flowLogs.getFlowLog(flowLog.getId()).getHeldRecords()).isEqualTo(records.size());
    }

    /** Every record, one per page, so paging is walked too. */
    private static List<FlowLogRecord> all(FlowLogsApi api, String flowLogId, FlowLogAction action) throws Exception {
        List<FlowLogRecord> found = new ArrayList<>();
        String token = null;
        for (int page = 0; page < 1_000; page++) {
            FlowLogRecordList list = api.listFlowLogRecords(flowLogId, null, null, null, action, null, null, 1, token);
            found.addAll(list.getItems());
            token = list.getNextToken();
            if (token == null) {
                return found;
            }
        }
        throw new AssertionError("more than 1000 pages");
    }

    private static FlowLogRecord only(
            List<FlowLogRecord> records, Instance at, String src, String dst, int protocol, FlowLogAction action) {
        List<FlowLogRecord> matching = records.stream()
                .filter(r -> r.getInterfaceId().equals(at.getInstanceId())
                        && r.getSrcaddr().equals(src)
                        && r.getDstaddr().equals(dst)
                        && r.getProtocol() == protocol
                        && r.getAction() == action)
                .toList();
        assertThat(matching)
                .as("%s %s -> %s protocol %d at %s in %s", action, src, dst, protocol, at.getInstanceId(), records)
                .hasSize(1);
        return matching.get(0);
    }
}
