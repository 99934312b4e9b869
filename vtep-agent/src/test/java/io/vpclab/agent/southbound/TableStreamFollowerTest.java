package io.vpclab.agent.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.model.CaptureCommand;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.ProbeResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TableStreamFollowerTest {

    private static final String SNAPSHOT_1 = event(
            "snapshot",
            "a1-1",
            "{\"generation\":1,\"host\":{\"underlayIp\":\"127.0.0.1\"},"
                    + "\"segments\":[{\"vni\":100}],\"bindings\":[{\"vni\":100,\"ipAddress\":\"10.0.0.5\",\"mac\":\"02:00:00:00:00:05\"}]}");
    private static final String DELTA_1_TO_2 = event(
            "delta",
            "a1-2",
            "{\"generation\":2,\"baseGeneration\":1,"
                    + "\"upsert\":{\"bindings\":[{\"vni\":100,\"ipAddress\":\"10.0.0.6\",\"mac\":\"02:00:00:00:00:06\"}]},"
                    + "\"remove\":{\"bindings\":[{\"vni\":100,\"ipAddress\":\"10.0.0.5\"}]}}");
    private static final String DELTA_7_TO_8 =
            event("delta", "a1-8", "{\"generation\":8,\"baseGeneration\":7,\"upsert\":{},\"remove\":{}}");

    private FakeControlPlane controlPlane;
    private final List<ForwardingTable> appliedTables = new CopyOnWriteArrayList<>();
    private final List<CaptureCommand> captureCommands = new CopyOnWriteArrayList<>();
    private TableStreamFollower follower;

    @BeforeEach
    void start() throws Exception {
        controlPlane = new FakeControlPlane();
    }

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.close();
        }
        controlPlane.close();
    }

    @Test
    void snapshotThenDeltaAreAppliedWholeAndAcknowledged() {
        controlPlane.script(SNAPSHOT_1, ": keepalive\n\n", DELTA_1_TO_2);
        follow(appliedTables::add);

        await().atMost(Duration.ofSeconds(10)).until(() -> appliedTables.size() == 2);
        ForwardingTable second = appliedTables.get(1);
        assertThat(second.getGeneration()).isEqualTo(2);
        assertThat(second.getBindings()).extracting(b -> b.getIpAddress()).containsExactly("10.0.0.6");
        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.acks.size() >= 2);
        assertThat(controlPlane.acks)
                .anyMatch(a -> a.contains("\"generation\":1") && a.contains("\"incarnation\":\"a1\""))
                .anyMatch(a -> a.contains("\"generation\":2") && a.contains("\"incarnation\":\"a1\""));
        assertThat(controlPlane.authorizations).containsOnly("Bearer " + FakeControlPlane.TOKEN);
        assertThat(controlPlane.lastEventIds).containsExactly("null");
    }

    /** How the fake control plane fails an ack: its count of acks still to fail that way. */
    enum AckFailure {
        SERVER_ERROR(controlPlane -> controlPlane.ackFailures),
        CLOSED_WITHOUT_AN_ANSWER(controlPlane -> controlPlane.ackDrops);

        final Function<FakeControlPlane, AtomicInteger> toFail;

        AckFailure(Function<FakeControlPlane, AtomicInteger> toFail) {
            this.toFail = toFail;
        }
    }

    @ParameterizedTest
    @EnumSource(AckFailure.class)
    void anAckTheControlPlaneFailedIsSentAgainOnTheSameStream(AckFailure failure) {
        AtomicInteger toFail = failure.toFail.apply(controlPlane);
        toFail.set(2);
        controlPlane.script(SNAPSHOT_1);
        follow(appliedTables::add);

        await().atMost(Duration.ofSeconds(10))
                .alias("the third try of generation 1's ack is answered")
                .until(() -> !controlPlane.acks.isEmpty());
        assertThat(toFail).hasValue(0);
        assertThat(controlPlane.acks).allMatch(a -> a.contains("\"generation\":1"));
        assertThat(controlPlane.lastEventIds).as("no reconnect was needed").hasSize(1);
    }

    @Test
    void droppedStreamResumesFromTheHeldGeneration() {
        controlPlane.script(SNAPSHOT_1, DELTA_1_TO_2, null);
        controlPlane.script();
        follow(appliedTables::add);

        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.lastEventIds.size() == 2);
        assertThat(controlPlane.lastEventIds).containsExactly("null", "a1-2");
        assertThat(follower.appliedTable().getGeneration()).isEqualTo(2);
    }

    @Test
    void deltaForAnotherGenerationAsksForASnapshotAndKeepsTheHeldTable() {
        controlPlane.script(SNAPSHOT_1, DELTA_7_TO_8);
        controlPlane.script(SNAPSHOT_1);
        follow(appliedTables::add);

        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.lastEventIds.size() == 2);
        assertThat(controlPlane.lastEventIds).containsExactly("null", "null");
        await().atMost(Duration.ofSeconds(10)).until(() -> appliedTables.size() == 2);
        assertThat(appliedTables).extracting(ForwardingTable::getGeneration).containsExactly(1L, 1L);
    }

    @Test
    void deltaOfAnotherServerIncarnationAsksForASnapshot() {
        // the server restarted after generation 1: its generation 2 is not a successor of the held table
        controlPlane.script(SNAPSHOT_1, null);
        controlPlane.script(event(
                "delta",
                "b7-2",
                "{\"generation\":2,\"baseGeneration\":1," + "\"upsert\":{\"segments\":[{\"vni\":200}]}}"));
        controlPlane.script(SNAPSHOT_1.replace("a1-1", "b7-1"));
        follow(appliedTables::add);

        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.lastEventIds.size() == 3);
        assertThat(controlPlane.lastEventIds).containsExactly("null", "a1-1", "null");
        await().atMost(Duration.ofSeconds(10)).until(() -> appliedTables.size() == 2);
        assertThat(appliedTables)
                .allSatisfy(t ->
                        assertThat(t.getSegments()).extracting(s -> s.getVni()).containsExactly(100));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> controlPlane.acks.stream().anyMatch(a -> a.contains("\"b7\"")));
    }

    @Test
    void tableEventWithoutAnIncarnationIsNotApplied() {
        controlPlane.script(event("snapshot", "1", "{\"generation\":1,\"host\":{\"underlayIp\":\"127.0.0.1\"}}"));
        controlPlane.script(SNAPSHOT_1);
        follow(appliedTables::add);

        await().atMost(Duration.ofSeconds(10)).until(() -> appliedTables.size() == 1);
        assertThat(controlPlane.lastEventIds).containsExactly("null", "null");
        assertThat(follower.appliedTable().getSegments()).isNotEmpty();
    }

    @Test
    void refusedTableIsNotAcknowledgedAndThePreviousOneStays() {
        controlPlane.script(SNAPSHOT_1, DELTA_1_TO_2);
        controlPlane.script(SNAPSHOT_1);
        follow(table -> {
            if (table.getGeneration() == 2) {
                throw new IllegalArgumentException("port p1 on unknown segment 7");
            }
            appliedTables.add(table);
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.lastEventIds.size() == 2);
        assertThat(follower.appliedTable().getGeneration()).isEqualTo(1);
        assertThat(controlPlane.acks).noneMatch(a -> a.contains("\"generation\":2"));
    }

    @Test
    void probeRequestIsRunAndItsResultReported() {
        controlPlane.script(
                SNAPSHOT_1,
                event(
                        "probe",
                        null,
                        "{\"requestId\":\"r-1\",\"portId\":\"i-1\",\"type\":\"ping\",\"target\":\"10.0.0.6\",\"count\":2}"));
        follower = new TableStreamFollower(
                new ControlPlaneEndpoint(controlPlane.uri(), FakeControlPlane.TOKEN),
                FakeControlPlane.HOST,
                appliedTables::add,
                request ->
                        new ProbeResult().sent(request.getCount()).received(1).target(request.getTarget()),
                captureCommands::add);
        follower.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> !controlPlane.probeResults.isEmpty());
        assertThat(controlPlane.probeResults.get(0))
                .contains("\"requestId\":\"r-1\"")
                .contains("\"sent\":2")
                .contains("\"received\":1");
    }

    @Test
    void captureCommandIsHandedOnAndAnUnknownEventIgnored() {
        controlPlane.script(
                SNAPSHOT_1,
                event("novelty", null, "{}"),
                event(
                        "capture",
                        null,
                        "{\"captureId\":\"cap-1\",\"action\":\"start\",\"point\":\"underlay\",\"maxPackets\":7}"));
        follow(appliedTables::add);

        await().atMost(Duration.ofSeconds(10)).until(() -> !captureCommands.isEmpty());
        CaptureCommand command = captureCommands.get(0);
        assertThat(command.getCaptureId()).isEqualTo("cap-1");
        assertThat(command.getAction()).isEqualTo(CaptureCommand.ActionEnum.START);
        assertThat(command.getPoint()).isEqualTo("underlay");
        assertThat(command.getMaxPackets()).isEqualTo(7);
        assertThat(follower.appliedTable().getGeneration())
                .as("the stream goes on")
                .isEqualTo(1);
    }

    private void follow(TableApplier applier) {
        follower = new TableStreamFollower(
                new ControlPlaneEndpoint(controlPlane.uri(), FakeControlPlane.TOKEN),
                FakeControlPlane.HOST,
                applier,
                request -> new ProbeResult(),
                captureCommands::add);
        follower.start();
    }

    private static String event(String name, String id, String json) {
        return (id == null ? "" : "id: " + id + "\n") + "event: " + name + "\n" + "data: " + json + "\n\n";
    }
}
