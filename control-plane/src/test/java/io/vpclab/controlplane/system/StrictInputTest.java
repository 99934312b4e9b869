package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.ApiTestSupport;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The API takes exactly what its contract says (RULES.md "Input in general"): one spelling per
 * address, JSON integers where it says integer, printable names. Each refusal is a 400 with a
 * stable code, names the field, and stores nothing.
 */
class StrictInputTest extends ApiTestSupport {

    private JsonNode refused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = json(response.body());
        assertThat(problem.path("code").asString()).as(response.body()).isEqualTo(code);
        return problem;
    }

    /** A JSON string literal; control characters travel escaped, as JSON requires. */
    private static String quoted(String text) {
        StringBuilder json = new StringBuilder("\"");
        text.chars()
                .forEach(c -> json.append(
                        c == '"' || c == '\\'
                                ? "\\" + (char) c
                                : Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return json.append('"').toString();
    }

    @Test
    void addressesAndCidrsWithLeadingZerosOrSpacesAreRefusedEverywhere() throws Exception {
        TenantClient tenant = newTenant();
        String vpcId = tenant.vpc("10.9.0.0/16").getVpcId();
        String subnetId = tenant.subnet(vpcId, "10.9.1.0/24").getSubnetId();
        String hostId = newHost().getHost().getHostId();
        String instanceId = json(raw(
                                "POST",
                                "/api/v1/instances",
                                tenant.token(),
                                "{\"subnetId\":\"" + subnetId + "\",\"hostId\":\"" + hostId + "\"}")
                        .body())
                .path("instanceId")
                .asString();
        String whitelistId = json(raw("POST", "/api/v1/whitelists", tenant.token(), "{\"name\":\"w\"}")
                        .body())
                .path("whitelistId")
                .asString();

        for (String cidr :
                List.of("010.9.0.0/16", "10.10.0.0/016", " 10.10.0.0/16", "10.10.0.0/16 ", "10.10.0.0/16\n")) {
            String field = "{\"cidrBlock\":" + quoted(cidr) + "}";
            JsonNode vpc = refused(raw("POST", "/api/v1/vpcs", tenant.token(), field), 400, "InvalidParameterValue");
            assertThat(vpc.path("detail").asString()).contains("cidrBlock").contains("canonical");
            refused(
                    raw("POST", "/api/v1/vpcs/" + vpcId + "/cidr-blocks", tenant.token(), field),
                    400,
                    "InvalidParameterValue");
            refused(
                    raw(
                            "POST",
                            "/api/v1/subnets",
                            tenant.token(),
                            "{\"vpcId\":\"" + vpcId + "\",\"cidrBlock\":"
                                    + quoted(cidr.replace("10.10.", "10.9.").replace("/16", "/24")) + "}"),
                    400,
                    "InvalidParameterValue");
            refused(
                    raw(
                            "POST",
                            "/api/v1/whitelists/" + whitelistId + "/rules",
                            tenant.token(),
                            "{\"protocol\":\"tcp\",\"cidrBlock\":" + quoted(cidr) + "}"),
                    400,
                    "InvalidParameterValue");
            refused(
                    raw(
                            "POST",
                            "/api/v1/whitelists",
                            tenant.token(),
                            "{\"name\":\"w2\",\"rules\":[{\"protocol\":\"all\",\"cidrBlock\":" + quoted(cidr) + "}]}"),
                    400,
                    "InvalidParameterValue");
        }
        for (String address : List.of("10.9.1.010", "010.9.1.10", " 10.9.1.10", "10.9.1.10 ", "10.9.1.10\t")) {
            JsonNode instance = refused(
                    raw(
                            "POST",
                            "/api/v1/instances",
                            tenant.token(),
                            "{\"subnetId\":\"" + subnetId + "\",\"hostId\":\"" + hostId + "\",\"privateIpAddress\":"
                                    + quoted(address) + "}"),
                    400,
                    "InvalidParameterValue");
            assertThat(instance.path("detail").asString())
                    .contains("privateIpAddress")
                    .contains("canonical");
            refused(
                    raw(
                            "POST",
                            "/api/v1/hosts",
                            ADMIN_TOKEN,
                            "{\"name\":\"strict-host\",\"underlayIp\":" + quoted(address.replace("10.9.1.", "127.0.0."))
                                    + "}"),
                    400,
                    "InvalidParameterValue");
            refused(
                    raw(
                            "POST",
                            "/api/v1/internet-hosts",
                            ADMIN_TOKEN,
                            "{\"name\":\"strict\",\"hostId\":\"" + hostId + "\",\"ip\":"
                                    + quoted(address.replace("10.9.1.", "198.51.100.")) + "}"),
                    400,
                    "InvalidParameterValue");
            refused(
                    raw(
                            "POST",
                            "/api/v1/instances/" + instanceId + "/ping",
                            tenant.token(),
                            "{\"target\":" + quoted(address) + "}"),
                    400,
                    "InvalidParameterValue");
        }
        // Nothing of the refused requests was stored.
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).hasSize(1);
        assertThat(tenant.vpcs().getVpc(vpcId).getCidrBlockAssociationSet()).hasSize(1);
        assertThat(tenant.subnets().listSubnets(vpcId, null, null).getItems()).hasSize(1);
        assertThat(tenant.instances()
                        .listInstances(null, subnetId, null, null, null)
                        .getItems())
                .hasSize(1);
        assertThat(json(raw("GET", "/api/v1/whitelists/" + whitelistId, tenant.token(), null)
                                .body())
                        .path("rules"))
                .isEmpty();
    }

    @Test
    void integerFieldsTakeJsonIntegersOnlyAndTheProblemNamesTheField() throws Exception {
        TenantClient tenant = newTenant();
        String whitelistId = json(raw("POST", "/api/v1/whitelists", tenant.token(), "{\"name\":\"w\"}")
                        .body())
                .path("whitelistId")
                .asString();
        for (String port : List.of("1.5", "80.0", "\"80\"", "true", "\"\"", "[80]", "{}")) {
            JsonNode rule = refused(
                    raw(
                            "POST",
                            "/api/v1/whitelists/" + whitelistId + "/rules",
                            tenant.token(),
                            "{\"protocol\":\"tcp\",\"cidrBlock\":\"10.0.0.0/8\",\"fromPort\":" + port
                                    + ",\"toPort\":90}"),
                    400,
                    "InvalidParameterValue");
            assertThat(rule.path("detail").asString())
                    .as(port)
                    .startsWith("fromPort must be a JSON integer")
                    .doesNotContain("java")
                    .doesNotContain("Integer");
            JsonNode nested = refused(
                    raw(
                            "POST",
                            "/api/v1/whitelists",
                            tenant.token(),
                            "{\"name\":\"w2\",\"rules\":[{\"protocol\":\"tcp\",\"cidrBlock\":\"10.0.0.0/8\",\"toPort\":"
                                    + port + "}]}"),
                    400,
                    "InvalidParameterValue");
            assertThat(nested.path("detail").asString()).as(port).startsWith("rules[0].toPort must be a JSON integer");
        }
        JsonNode decimal = refused(
                raw(
                        "POST",
                        "/api/v1/hosts",
                        ADMIN_TOKEN,
                        "{\"name\":\"h-strict\",\"underlayIp\":\"127.0.0.1\",\"udpPort\":4789.5}"),
                400,
                "InvalidParameterValue");
        assertThat(decimal.path("detail").asString()).isEqualTo("udpPort must be a JSON integer, got a decimal number");
        JsonNode number = refused(
                raw("POST", "/api/v1/vpcs", tenant.token(), "{\"cidrBlock\":\"10.0.0.0/16\",\"name\":5}"),
                400,
                "InvalidParameterValue");
        assertThat(number.path("detail").asString()).isEqualTo("name must be a JSON string, got an integer");
        JsonNode flag = refused(
                raw("POST", "/api/v1/eips", tenant.token(), "{\"ingressPolicy\":0}"), 400, "InvalidParameterValue");
        assertThat(flag.path("detail").asString()).startsWith("ingressPolicy must be one of");
        refused(
                raw(
                        "POST",
                        "/api/v1/vpcs",
                        tenant.token(),
                        "{\"cidrBlock\":\"10.0.0.0/16\"} {\"cidrBlock\":\"10.1.0.0/16\"}"),
                400,
                "InvalidParameterValue");
        refused(raw("GET", "/api/v1/vpcs?maxResults=1.5", tenant.token(), null), 400, "InvalidParameterValue");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
        assertThat(json(raw("GET", "/api/v1/whitelists/" + whitelistId, tenant.token(), null)
                                .body())
                        .path("rules"))
                .isEmpty();
        assertThat(json(raw("GET", "/api/v1/eips", tenant.token(), null).body()).path("items"))
                .isEmpty();
    }

    @Test
    void namesAndDescriptionsRefuseControlCharacters() throws Exception {
        TenantClient tenant = newTenant();
        String vpcId = tenant.vpc("10.9.0.0/16").getVpcId();
        String subnetId = tenant.subnet(vpcId, "10.9.1.0/24").getSubnetId();
        String hostId = newHost().getHost().getHostId();
        for (String name : List.of(
                "bad\nname",
                "tab\tname",
                "nul\u0000",
                "bell\u0007",
                "del\u007f",
                "c1\u0085",
                "esc\u001b[31m",
                "end\n")) {
            String q = quoted(name);
            List<HttpResponse<String>> answers = List.of(
                    raw("POST", "/api/v1/tenants", ADMIN_TOKEN, "{\"name\":" + q + "}"),
                    raw(
                            "POST",
                            "/api/v1/tenants/" + tenant.tenantId() + "/tokens",
                            ADMIN_TOKEN,
                            "{\"description\":" + q + "}"),
                    raw("POST", "/api/v1/hosts", ADMIN_TOKEN, "{\"name\":" + q + ",\"underlayIp\":\"127.0.0.1\"}"),
                    raw("POST", "/api/v1/vpcs", tenant.token(), "{\"cidrBlock\":\"10.20.0.0/16\",\"name\":" + q + "}"),
                    raw(
                            "POST",
                            "/api/v1/subnets",
                            tenant.token(),
                            "{\"vpcId\":\"" + vpcId + "\",\"cidrBlock\":\"10.9.2.0/24\",\"name\":" + q + "}"),
                    raw(
                            "POST",
                            "/api/v1/instances",
                            tenant.token(),
                            "{\"subnetId\":\"" + subnetId + "\",\"hostId\":\"" + hostId + "\",\"name\":" + q + "}"),
                    raw(
                            "POST",
                            "/api/v1/nat-gateways",
                            tenant.token(),
                            "{\"subnetId\":\"" + subnetId
                                    + "\",\"allocationId\":\"eipalloc-00000000000000000\",\"name\":" + q + "}"),
                    raw("POST", "/api/v1/whitelists", tenant.token(), "{\"name\":" + q + "}"),
                    raw(
                            "POST",
                            "/api/v1/internet-hosts",
                            ADMIN_TOKEN,
                            "{\"name\":" + q + ",\"ip\":\"198.51.100.77\",\"hostId\":\"" + hostId + "\"}"));
            for (HttpResponse<String> answer : answers) {
                JsonNode problem = refused(answer, 400, "InvalidParameterValue");
                assertThat(problem.path("detail").asString())
                        .as(answer.request().uri() + " " + name)
                        .matches("(name|description) must not contain control characters.*")
                        .doesNotContainPattern("\\p{Cntrl}");
            }
        }
        // Unescaped control characters are not JSON at all: still a 400 problem.
        JsonNode rawNul = refused(
                raw("POST", "/api/v1/vpcs", tenant.token(), "{\"cidrBlock\":\"10.20.0.0/16\",\"name\":\"a\u0001b\"}"),
                400,
                "InvalidParameterValue");
        assertThat(rawNul.path("detail").asString()).startsWith("request body is not valid JSON");
        // Printable names, Unicode included, still pass.
        assertThat(raw(
                                "POST",
                                "/api/v1/vpcs",
                                tenant.token(),
                                "{\"cidrBlock\":\"10.21.0.0/16\",\"name\":\"prod été #1\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).hasSize(2);
        assertThat(tenant.subnets().listSubnets(vpcId, null, null).getItems()).hasSize(1);
    }
}
