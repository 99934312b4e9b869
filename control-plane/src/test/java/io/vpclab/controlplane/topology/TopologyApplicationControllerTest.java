package io.vpclab.controlplane.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Tenant;
import io.vpclab.controlplane.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** POST /api/v1/topology-applications over HTTP: YAML in, report out; bad files and refusals leave nothing behind. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TopologyApplicationControllerTest {

    static final String ADMIN_TOKEN = "topology-admin-" + UUID.randomUUID();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "topology-api-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    @Test
    void appliesYamlOnceAndReportsNoChangesTheSecondTime() throws Exception {
        String file = """
                name: api-apply
                tenants:
                  - name: api-apply-t
                    whitelists: [{ name: out, rules: [{ protocol: tcp, cidrBlock: 198.51.100.0/24, fromPort: 443 }] }]
                    vpcs:
                      - name: v
                        cidrBlock: 10.7.0.0/16
                        subnets: [{ name: web, cidrBlock: 10.7.1.0/24 }, { name: db, cidrBlock: 10.7.2.0/24 }]
                """;

        HttpResponse<String> first = post(file, "application/yaml", ADMIN_TOKEN);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode report = JSON.readTree(first.body());
        assertThat(report.path("topology").asString()).isEqualTo("api-apply");
        assertThat(report.path("changes")
                        .valueStream()
                        .map(c -> c.path("action").asString() + " "
                                + c.path("kind").asString() + " "
                                + c.path("name").asString())
                        .toList())
                .containsExactly(
                        "created tenant api-apply-t",
                        "created whitelist api-apply-t/out",
                        "created vpc api-apply-t/v",
                        "created subnet api-apply-t/v/web",
                        "created subnet api-apply-t/v/db");
        assertThat(report.path("allMet").asBoolean()).isTrue();

        HttpResponse<String> second = post(file, "application/yaml", ADMIN_TOKEN);
        JsonNode again = JSON.readTree(second.body());
        assertThat(again.path("changes").size()).as(second.body()).isZero();
        assertThat(again.path("unchanged").asInt()).isEqualTo(5);
        String tenantId = tenant("api-apply-t").getTenantId();
        assertThat(new VpcsApi(admin()).listVpcs(tenantId, 100, null).getItems())
                .hasSize(1);
    }

    @Test
    void badFileIsRefusedWithLineAndColumnBeforeAnyCall() throws Exception {
        String file = """
                name: api-bad
                tenants:
                  - name: api-bad-t
                    vpcs:
                      - name: v
                        cidrBlock: 10.8.0.0/16
                        subnets: [{ name: s, cidrBlock: 10.9.1.0/24 }]
                """;

        HttpResponse<String> response = post(file, "application/yaml", ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asString()).isEqualTo("InvalidTopology");
        assertThat(problem.path("detail").asString())
                .startsWith("line 7, column")
                .contains("10.9.1.0/24 is outside the VPC's 10.8.0.0/16");
        assertThat(tenant("api-bad-t")).isNull();
    }

    @Test
    void aServerRefusalRollsBackWhatThisApplyCreated() throws Exception {
        // The file is valid, but the server refuses the second rule (a duplicate) after the tenant exists.
        String file = """
                {"name": "api-rollback", "tenants": [{"name": "api-rollback-t", "whitelists": [{"name": "dup", "rules": [
                  {"protocol": "udp", "cidrBlock": "198.51.100.0/24", "fromPort": 53},
                  {"protocol": "udp", "cidrBlock": "198.51.100.0/24", "fromPort": 53}]}]}]}
                """;

        HttpResponse<String> response = post(file, "application/json", ADMIN_TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asString()).isNotEqualTo("InvalidTopology");
        assertThat(problem.path("detail").asString()).contains("rolled back: deleted tenant api-rollback-t");
        assertThat(tenant("api-rollback-t")).isNull();
    }

    @Test
    void aMissingHostStopsTheApplyBeforeItCreatesAnything() throws Exception {
        String file = """
                name: api-nohost
                tenants:
                  - name: api-nohost-t
                    vpcs: [{ name: v, cidrBlock: 10.10.0.0/16, subnets: [{ name: s, cidrBlock: 10.10.1.0/24,
                            instances: [{ name: i, host: no-such-host }] }] }]
                """;

        HttpResponse<String> response = post(file, "application/yaml", ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asString()).isEqualTo("InvalidHost.NotFound");
        assertThat(problem.path("detail").asString()).contains("no-such-host").contains("nothing had been created");
        assertThat(tenant("api-nohost-t")).isNull();
    }

    @Test
    void withoutATokenNothingIsApplied() throws Exception {
        assertThat(post("name: x\n", "application/yaml", null).statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> post(String body, String contentType, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/topology-applications"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private ApiClient admin() {
        return TestServers.client("http://127.0.0.1:" + port, ADMIN_TOKEN);
    }

    private Tenant tenant(String name) throws Exception {
        List<Tenant> tenants = new TenantsApi(admin()).listTenants(1000, null).getItems();
        return tenants.stream()
                .filter(t -> name.equals(t.getName()))
                .findFirst()
                .orElse(null);
    }
}
