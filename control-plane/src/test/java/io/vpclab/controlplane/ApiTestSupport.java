package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.RegisteredHost;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpcCreate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Base of the HTTP-level tests: a server on a random port with its own data folder, the generated
 * java.net.http client, and helpers that check a refusal's status and code.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "vpclab.admin-token=" + ApiTestSupport.ADMIN_TOKEN,
            "vpclab.bootstrap-token=" + ApiTestSupport.BOOTSTRAP_TOKEN
        })
public abstract class ApiTestSupport {

    public static final String ADMIN_TOKEN = "test-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    public static final String BOOTSTRAP_TOKEN = "test-bootstrap-token";

    @LocalServerPort
    protected int port;

    /** Runs once per Spring context: each context (each distinct configuration) gets its own store. */
    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        String dataDir = Path.of("target", "test-data-" + UUID.randomUUID())
                .toAbsolutePath()
                .toString();
        registry.add("vpclab.data-dir", () -> dataDir);
    }

    protected ApiClient client(String token) {
        return TestServers.client("http://localhost:" + port, token);
    }

    protected ApiClient admin() {
        return client(ADMIN_TOKEN);
    }

    /** A new tenant and a client holding one of its tokens. */
    protected TenantClient newTenant() throws ApiException {
        TenantsApi tenants = new TenantsApi(admin());
        Tenant tenant = tenants.createTenant(
                new TenantCreate().name("t-" + UUID.randomUUID().toString().substring(0, 12)));
        String token = tenants.createTenantToken(tenant.getTenantId(), new TokenCreate())
                .getToken();
        return new TenantClient(tenant.getTenantId(), client(token), token);
    }

    protected record TenantClient(String tenantId, ApiClient api, String token) {

        public VpcsApi vpcs() {
            return new VpcsApi(api);
        }

        public SubnetsApi subnets() {
            return new SubnetsApi(api);
        }

        public InstancesApi instances() {
            return new InstancesApi(api);
        }

        public Vpc vpc(String cidr) throws ApiException {
            return vpcs().createVpc(new VpcCreate().cidrBlock(cidr));
        }

        public Subnet subnet(String vpcId, String cidr) throws ApiException {
            return subnets().createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock(cidr));
        }
    }

    protected RegisteredHost newHost(InstanceKind... kinds) throws ApiException {
        return new HostsApi(admin())
                .registerHost(new HostRegistration()
                        .name("h-" + UUID.randomUUID().toString().substring(0, 12))
                        .underlayIp("127.0.0.1")
                        .capabilities(kinds.length == 0 ? List.of(InstanceKind.SIMULATED) : List.of(kinds)));
    }

    @FunctionalInterface
    protected interface Call {
        Object run() throws Exception;
    }

    /** Runs a call that must be refused; checks status and code and returns the problem body. */
    protected static JsonNode assertRefused(int status, String code, Call call) {
        try {
            Object result = call.run();
            fail("expected " + status + " " + code + " but the call succeeded: " + result);
            return null;
        } catch (ApiException e) {
            JsonNode problem = JSON.readTree(e.getResponseBody());
            assertThat(e.getCode()).as("status of %s", e.getResponseBody()).isEqualTo(status);
            assertThat(problem.path("code").asString())
                    .as("code of %s", e.getResponseBody())
                    .isEqualTo(code);
            assertThat(problem.path("status").asInt()).isEqualTo(status);
            assertThat(problem.path("title").asString()).isNotBlank();
            assertThat(e.getResponseHeaders().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            return problem;
        } catch (Exception e) {
            throw new AssertionError("unexpected failure", e);
        }
    }

    /** "ok", or the status and problem code of the refusal: for racing calls, where either may be refused. */
    protected static String outcome(Call call) {
        try {
            call.run();
            return "ok";
        } catch (ApiException e) {
            return e.getCode() + " " + json(e.getResponseBody()).path("code").asString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A raw HTTP call, for bodies the generated client cannot produce (broken JSON, wrong types). */
    protected HttpResponse<String> raw(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected static JsonNode json(String body) {
        return JSON.readTree(body);
    }
}
