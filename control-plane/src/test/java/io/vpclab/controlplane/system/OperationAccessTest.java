package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.RegisteredHost;
import io.vpclab.controlplane.ApiTestSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Authorization is decided before validation: what a token may not call is refused whatever its body. */
class OperationAccessTest extends ApiTestSupport {

    private static final String UNKNOWN_HOST = "host-00000000000000000";

    private void refused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode())
                .as(response.request().method() + " " + response.request().uri() + " " + response.body())
                .isEqualTo(status);
        assertThat(json(response.body()).path("code").asString())
                .as(response.body())
                .isEqualTo(code);
        assertThat(response.body()).doesNotContain("not registered").doesNotContain("must be");
    }

    @Test
    void aTenantTokenOnAHostsEndpointsIs403WhateverTheBodyOrHost() throws Exception {
        String tenant = newTenant().token();
        RegisteredHost registered = newHost();
        String host = registered.getHost().getHostId();
        for (String id : new String[] {host, UNKNOWN_HOST}) {
            refused(raw("POST", "/api/v1/hosts/" + id + "/stats", tenant, "{\"garbage"), 403, "UnauthorizedOperation");
            refused(
                    raw("POST", "/api/v1/hosts/" + id + "/stats", tenant, "{\"hostId\":1.5}"),
                    403,
                    "UnauthorizedOperation");
            refused(raw("GET", "/api/v1/hosts/" + id + "/stats", tenant, null), 403, "UnauthorizedOperation");
            refused(raw("GET", "/api/v1/hosts/" + id + "/table-stream", tenant, null), 403, "UnauthorizedOperation");
            refused(
                    raw("GET", "/api/v1/hosts/" + id + "/forwarding-table", tenant, null),
                    403,
                    "UnauthorizedOperation");
            refused(
                    raw("POST", "/api/v1/hosts/" + id + "/acks", tenant, "{\"generation\":\"x\"}"),
                    403,
                    "UnauthorizedOperation");
            refused(raw("POST", "/api/v1/hosts/" + id + "/probe-results", tenant, "[]"), 403, "UnauthorizedOperation");
            refused(
                    raw("POST", "/api/v1/hosts/" + id + "/captures/cap-1/progress", tenant, "{"),
                    403,
                    "UnauthorizedOperation");
            refused(
                    raw("PUT", "/api/v1/hosts/" + id + "/captures/cap-1/pcap", tenant, "x"),
                    403,
                    "UnauthorizedOperation");
            refused(raw("DELETE", "/api/v1/hosts/" + id, tenant, null), 403, "UnauthorizedOperation");
        }
        refused(raw("POST", "/api/v1/hosts", tenant, "{\"name\":"), 403, "UnauthorizedOperation");
        refused(
                raw(
                        "POST",
                        "/api/v1/hosts",
                        tenant,
                        "{\"name\":\"x\",\"underlayIp\":\"010.0.0.1\",\"udpPort\":\"80\"}"),
                403,
                "UnauthorizedOperation");
        refused(raw("POST", "/api/v1/tenants", tenant, "{\"name\":7}"), 403, "UnauthorizedOperation");
        refused(raw("POST", "/api/v1/internet-hosts", tenant, "{"), 403, "UnauthorizedOperation");
        // Reading hosts stays open to tenants: they place instances on them.
        assertThat(raw("GET", "/api/v1/hosts/" + host, tenant, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void hostAndBootstrapTokensStayOnTheHostEndpoints() throws Exception {
        RegisteredHost one = newHost();
        RegisteredHost other = newHost();
        String token = one.getToken();
        refused(raw("POST", "/api/v1/vpcs", token, "{\"cidrBlock\":"), 403, "UnauthorizedOperation");
        refused(raw("POST", "/api/v1/vpcs", BOOTSTRAP_TOKEN, "{\"cidrBlock\":1}"), 403, "UnauthorizedOperation");
        refused(raw("POST", "/api/v1/hosts", token, "{"), 403, "UnauthorizedOperation");
        refused(
                raw("POST", "/api/v1/hosts/" + one.getHost().getHostId() + "/stats", BOOTSTRAP_TOKEN, "{"),
                403,
                "UnauthorizedOperation");
        HttpResponse<String> foreign =
                raw("POST", "/api/v1/hosts/" + other.getHost().getHostId() + "/acks", token, "{\"generation\":1.5}");
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(404);
        assertThat(json(foreign.body()).path("code").asString()).isEqualTo("InvalidHost.NotFound");
        // Its own endpoints still validate the body.
        HttpResponse<String> own =
                raw("POST", "/api/v1/hosts/" + one.getHost().getHostId() + "/acks", token, "{\"generation\":1.5}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(400);
    }

    @Test
    void anEncodedPathIsAuthorizedAsTheOperationItRoutesTo() throws Exception {
        RawHttp.Response response = RawHttp.exchange(port, "GET /%61pi/v1/vpcs HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response.status()).as(response.body()).isIn(400, 401, 404);
        assertThat(response.body()).doesNotContain("\"items\"");
    }
}
