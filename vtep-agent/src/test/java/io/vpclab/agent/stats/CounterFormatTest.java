package io.vpclab.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterFormatTest {

    private static Map<String, Map<String, Long>> sample() {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        groups.put("tunnel", Map.of("encapsulatedFrames", 7L));
        Map<String, Long> web = new LinkedHashMap<>();
        web.put("packetsIn", 3L);
        web.put("dropSpoofedMac", 1L);
        groups.put("port/web\"1", web);
        groups.put("port/db", Map.of("packetsIn", 4L));
        return groups;
    }

    @Test
    void openConnectionsAreGaugesAndTheirCountsOfNewOnesCounters() {
        Map<String, Long> web = new LinkedHashMap<>();
        web.put("active", 2L);
        web.put("inactive", 1L);
        web.put("created", 9L);
        String text = CounterFormat.prometheus(Map.of("connection/instance/i-1", web));
        assertThat(text)
                .contains("# TYPE vpclab_connection_active gauge\n")
                .contains("vpclab_connection_active{id=\"instance/i-1\"} 2\n")
                .contains("vpclab_connection_inactive{id=\"instance/i-1\"} 1\n")
                .contains("# TYPE vpclab_connection_created_total counter\n")
                .contains("vpclab_connection_created_total{id=\"instance/i-1\"} 9\n");
    }

    @Test
    void anElasticIpsFiguresAreVpclabElasticIpCountersByAddress() {
        Map<String, Long> eip = new LinkedHashMap<>();
        eip.put("packetsIn", 3L);
        eip.put("dropEipIngressDenied", 2L);
        String text = CounterFormat.prometheus(Map.of("elasticIp/203.0.113.10", eip));
        assertThat(text)
                .contains("# TYPE vpclab_elastic_ip_packets_in_total counter\n")
                .contains("vpclab_elastic_ip_packets_in_total{id=\"203.0.113.10\"} 3\n")
                .contains("vpclab_elastic_ip_drop_eip_ingress_denied_total{id=\"203.0.113.10\"} 2\n");
    }

    @Test
    void prometheusNamesAreSnakeCaseCountersWithTheIdAsALabel() {
        String text = CounterFormat.prometheus(sample());
        assertThat(text)
                .contains("# TYPE vpclab_tunnel_encapsulated_frames_total counter\n")
                .contains("vpclab_tunnel_encapsulated_frames_total 7\n")
                .contains("vpclab_port_packets_in_total{id=\"web\\\"1\"} 3\n")
                .contains("vpclab_port_packets_in_total{id=\"db\"} 4\n")
                .contains("vpclab_port_drop_spoofed_mac_total{id=\"web\\\"1\"} 1\n");
        // one TYPE line per metric name, however many ports carry it
        assertThat(text.split("# TYPE vpclab_port_packets_in_total", -1)).hasSize(2);
    }

    @Test
    void jsonKeepsGroupsAndOrder() {
        assertThat(CounterFormat.json(sample()))
                .isEqualTo(
                        "{\"tunnel\":{\"encapsulatedFrames\":7},\"port/web\\\"1\":{\"packetsIn\":3,\"dropSpoofedMac\":1},"
                                + "\"port/db\":{\"packetsIn\":4}}");
    }

    @Test
    void statsServerServesBothFormatsOnLoopbackOnly() throws IOException, InterruptedException {
        try (StatsServer server = StatsServer.start(0, CounterFormatTest::sample)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> counters = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/counters"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(counters.statusCode()).isEqualTo(200);
            assertThat(counters.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(counters.body()).contains("\"encapsulatedFrames\":7");
            HttpResponse<String> metrics = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("vpclab_tunnel_encapsulated_frames_total 7");
            HttpResponse<String> post = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void statsServerServesTheAppliedTableOnceThereIsOne() throws IOException, InterruptedException {
        java.util.concurrent.atomic.AtomicReference<String> table = new java.util.concurrent.atomic.AtomicReference<>();
        try (StatsServer server = StatsServer.start(0, CounterFormatTest::sample, table::get)) {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/table");
            assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("before the first table")
                    .isEqualTo(404);
            table.set("{\"generation\":3}");
            HttpResponse<String> applied =
                    client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(applied.statusCode()).isEqualTo(200);
            assertThat(applied.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(applied.body()).isEqualTo("{\"generation\":3}");
        }
    }
}
