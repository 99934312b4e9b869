package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.ApiTestSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Bad input of every kind is a clear 400/404 problem, never a 500, and stores nothing. */
class ProblemResponsesTest extends ApiTestSupport {

    private void expect(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = json(response.body());
        assertThat(problem.path("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
    }

    @Test
    void malformedBodiesAre400() throws Exception {
        TenantClient tenant = newTenant();
        expect(raw("POST", "/api/v1/vpcs", tenant.token(), "{\"cidrBlock\":"), 400, "InvalidParameterValue");
        expect(raw("POST", "/api/v1/vpcs", tenant.token(), "[1,2]"), 400, "InvalidParameterValue");
        expect(raw("POST", "/api/v1/vpcs", tenant.token(), null), 400, "MissingParameter");
        expect(raw("POST", "/api/v1/vpcs", tenant.token(), "{\"cidrBlock\":{\"a\":1}}"), 400, "InvalidParameterValue");
        expect(
                raw(
                        "POST",
                        "/api/v1/instances",
                        tenant.token(),
                        "{\"subnetId\":\"subnet-00000000000000000\",\"hostId\":\"h\",\"kind\":\"vm\"}"),
                400,
                "InvalidParameterValue");
        expect(raw("POST", "/api/v1/tenants", ADMIN_TOKEN, "{\"name\":\"\"}"), 400, "InvalidParameterValue");
        expect(
                raw("POST", "/api/v1/tenants", ADMIN_TOKEN, "{\"name\":\"" + "x".repeat(65) + "\"}"),
                400,
                "InvalidParameterValue");
        // Found by fuzzing: the ipaddress library throws on a huge prefix; this must stay a 400, not a 500.
        String overflow = "1/" + "5".repeat(90);
        expect(
                raw("POST", "/api/v1/vpcs", tenant.token(), "{\"cidrBlock\":\"" + overflow + "\"}"),
                400,
                "InvalidParameterValue");
        expect(
                raw(
                        "POST",
                        "/api/v1/vpcs",
                        tenant.token(),
                        "{\"cidrBlock\":\"10.0.0.0/16" + " ".repeat(10_000) + "\"}"),
                400,
                "InvalidParameterValue");
        expect(
                raw("POST", "/api/v1/hosts", ADMIN_TOKEN, "{\"name\":\"fuzzed\",\"underlayIp\":\"" + overflow + "\"}"),
                400,
                "InvalidParameterValue");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }

    @Test
    void wrongParameterTypesAre400AndUnknownRoutes404() throws Exception {
        TenantClient tenant = newTenant();
        expect(raw("GET", "/api/v1/vpcs?maxResults=many", tenant.token(), null), 400, "InvalidParameterValue");
        expect(raw("GET", "/api/v1/vpcs?maxResults=-1", tenant.token(), null), 400, "InvalidParameterValue");
        expect(raw("GET", "/api/v1/vpcs?nextToken=%27%20or%201=1", tenant.token(), null), 400, "InvalidParameterValue");
        expect(raw("GET", "/api/v1/no-such-thing", tenant.token(), null), 404, "InvalidAction");
        HttpResponse<String> missing = raw("GET", "/api/v1/vpcs/vpc-00000000000000000", tenant.token(), null);
        expect(missing, 404, "InvalidVpcID.NotFound");
        assertThat(json(missing.body()).path("instance").asString()).isEqualTo("/api/v1/vpcs/vpc-00000000000000000");
        assertThat(json(missing.body()).path("detail").asString()).contains("vpc-00000000000000000");
        expect(raw("GET", "/api/v1/vpcs/%20", tenant.token(), null), 404, "InvalidVpcID.NotFound");
        expect(raw("PUT", "/api/v1/vpcs", tenant.token(), "{}"), 405, "UnsupportedOperation");
    }

    @Test
    void openPagesNeedNoToken() throws Exception {
        assertThat(raw("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> spec = raw("GET", "/openapi.yaml", null, null);
        assertThat(spec.statusCode()).isEqualTo(200);
        assertThat(spec.body()).contains("operationId: createVpc");
        HttpResponse<String> docs = raw("GET", "/api-docs.html", null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("SwaggerUIBundle").contains("/openapi.yaml");
        assertThat(raw("GET", "/webjars/swagger-ui/swagger-ui-bundle.js", null, null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void errorsAreCountedByCode() throws Exception {
        raw("GET", "/api/v1/vpcs", "wrong", null);
        HttpResponse<String> metrics = raw("GET", "/actuator/prometheus", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("vpclab_api_errors_total\\{code=\"AuthFailure\",status=\"401\"} [1-9]");
        assertThat(metrics.body()).contains("vpclab_api_requests_total");
    }
}
