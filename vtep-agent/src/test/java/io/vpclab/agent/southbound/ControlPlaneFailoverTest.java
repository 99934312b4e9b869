package io.vpclab.agent.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.ProbeResult;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent given several control-plane replicas moves to the next when the current one fails. */
class ControlPlaneFailoverTest {

    private static final String TABLE_1 = "{\"generation\":1,\"host\":{\"underlayIp\":\"127.0.0.1\"},"
            + "\"segments\":[{\"vni\":100}],\"bindings\":[{\"vni\":100,\"ipAddress\":\"10.0.0.5\",\"mac\":\"02:00:00:00:00:05\"}]}";

    private final List<ForwardingTable> appliedTables = new CopyOnWriteArrayList<>();
    private final List<FakeControlPlane> replicas = new CopyOnWriteArrayList<>();
    private TableStreamFollower follower;

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.close();
        }
        replicas.forEach(FakeControlPlane::close);
    }

    @Test
    void aDeadReplicaIsLeftForTheNextAndTheHeldTableStaysApplied() throws Exception {
        FakeControlPlane a = replica();
        FakeControlPlane b = replica();
        a.script(event("snapshot", "aaaa-1", TABLE_1));
        b.script(event("snapshot", "bbbb-1", TABLE_1));
        ControlPlaneEndpoint endpoint = new ControlPlaneEndpoint(List.of(a.uri(), b.uri()), FakeControlPlane.TOKEN);
        follow(endpoint);

        await().atMost(Duration.ofSeconds(10)).until(() -> a.acks.size() == 1);
        a.close();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> b.acks.stream().anyMatch(ack -> ack.contains("\"incarnation\":\"bbbb\"")));
        assertThat(b.lastEventIds).first().as("resumes naming what it holds").isEqualTo("aaaa-1");
        assertThat(endpoint.baseUri()).isEqualTo(b.uri());
        assertThat(appliedTables)
                .as("the table from A stays applied until B's arrives: forwarding goes on")
                .hasSize(2)
                .allMatch(table -> table.getBindings().size() == 1);
    }

    @Test
    void aFirstReplicaThatIsDownAtStartIsSkipped() throws Exception {
        URI down;
        try (ServerSocket free = new ServerSocket(0)) {
            down = URI.create("http://127.0.0.1:" + free.getLocalPort());
        }
        FakeControlPlane b = replica();
        b.script(event("snapshot", "bbbb-1", TABLE_1));
        follow(new ControlPlaneEndpoint(List.of(down, b.uri()), FakeControlPlane.TOKEN));

        await().atMost(Duration.ofSeconds(20)).until(() -> !b.acks.isEmpty());
        assertThat(follower.appliedTable().getGeneration()).isEqualTo(1);
    }

    @Test
    void callsOfTheGeneratedApiGoToTheCurrentReplica() {
        ControlPlaneEndpoint endpoint = new ControlPlaneEndpoint(
                List.of(URI.create("http://10.0.0.1:8080/"), URI.create("http://10.0.0.2:8080")), "t");
        URI call = URI.create("http://10.0.0.1:8080/api/v1/hosts/h/acks");

        assertThat(endpoint.onCurrentReplica(call)).isEqualTo(call);
        assertThat(endpoint.failedOver(URI.create("http://10.0.0.1:8080"))).hasToString("http://10.0.0.2:8080");
        assertThat(endpoint.failedOver(URI.create("http://10.0.0.1:8080")))
                .as("a second report of the same failure does not skip the next replica")
                .hasToString("http://10.0.0.2:8080");
        assertThat(endpoint.withToken("other").onCurrentReplica(call))
                .as("copies with another token share the current replica")
                .hasToString("http://10.0.0.2:8080/api/v1/hosts/h/acks");
        assertThat(endpoint.failedOver(URI.create("http://10.0.0.2:8080")))
                .as("after the last comes the first again")
                .hasToString("http://10.0.0.1:8080");
    }

    private FakeControlPlane replica() throws Exception {
        FakeControlPlane replica = new FakeControlPlane();
        replicas.add(replica);
        return replica;
    }

    private void follow(ControlPlaneEndpoint endpoint) {
        follower = new TableStreamFollower(
                endpoint, FakeControlPlane.HOST, appliedTables::add, request -> new ProbeResult(), command -> {});
        follower.start();
    }

    private static String event(String name, String id, String json) {
        return "id: " + id + "\nevent: " + name + "\ndata: " + json + "\n\n";
    }
}
