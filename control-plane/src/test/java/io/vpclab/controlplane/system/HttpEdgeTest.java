package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.ApiTestSupport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** What reaches the server below the API (sizes, framing, broken requests) is answered as problem+json too. */
@TestPropertySource(properties = "server.tomcat.connection-timeout=" + HttpEdgeTest.STALL_DEADLINE_MILLIS + "ms")
class HttpEdgeTest extends ApiTestSupport {

    private static final int MIB = 1 << 20;
    static final int STALL_DEADLINE_MILLIS = 1500;

    private static void assertProblem(RawHttp.Response response, int status, String code) {
        assertThat(response).as("the server answered").isNotNull();
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
        JsonNode problem = json(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        if (code != null) {
            assertThat(problem.path("code").asString()).as(response.body()).isEqualTo(code);
        }
    }

    /** problem+json with no trace of the implementation: no HTML, no Java class, method or exception names. */
    static void assertCleanProblem(RawHttp.Response response, String request) {
        assertThat(response).as("an answer to %s", request).isNotNull();
        assertThat(response.contentType())
                .as("%s -> %s %s", request, response.status(), response.body())
                .startsWith("application/problem+json");
        assertThat(response.body())
                .as(request)
                .doesNotContainIgnoringCase("<html")
                .doesNotContain("Exception")
                .doesNotContainPattern(
                        "\\b(java|javax|jakarta|org\\.apache|org\\.springframework|tools\\.jackson|io\\.vpclab)\\.")
                .doesNotContainPattern("\\bat [\\w$.]+\\(");
        JsonNode problem = json(response.body());
        assertThat(problem.path("status").asInt()).as(request).isEqualTo(response.status());
        assertThat(problem.path("code").asString()).as(request).isNotBlank();
        assertThat(problem.path("title").asString()).as(request).isNotBlank();
    }

    private String post(String path, String token, String headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\n" + headers + "\r\n";
    }

    @Test
    void bodiesAboveTheLimitAre413BeforeTheyAreRead() throws Exception {
        TenantClient tenant = newTenant();
        // 10 MB of whitespace around a valid body, declared up front: refused on the header alone.
        RawHttp.Response declared = RawHttp.exchange(
                port, post("/api/v1/vpcs", tenant.token(), "Content-Length: " + (10 * 1000 * 1000) + "\r\n"));
        assertProblem(declared, 413, "RequestEntityTooLarge");
        assertThat(json(declared.body()).path("detail").asString()).contains("1048576 bytes");

        // The same without a length (chunked): cut off once the stream passes the limit.
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.write(post("/api/v1/vpcs", tenant.token(), "Transfer-Encoding: chunked\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String start = "{\"cidrBlock\":\"10.0.0.0/16\"";
        chunked.write(
                (Integer.toHexString(start.length()) + "\r\n" + start + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String spaces = " ".repeat(64 * 1024);
        for (int i = 0; i < 24; i++) {
            chunked.write((Integer.toHexString(spaces.length()) + "\r\n" + spaces + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("1\r\n}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertProblem(RawHttp.exchange(port, chunked.toByteArray()), 413, "RequestEntityTooLarge");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();

        // Just under the limit is an ordinary request.
        String padded = "{\"cidrBlock\":\"10.0.0.0/16\"" + " ".repeat(MIB - 100) + "}";
        assertThat(raw("POST", "/api/v1/vpcs", tenant.token(), padded).statusCode())
                .isEqualTo(201);
        assertThat(raw("POST", "/api/v1/topology-applications", tenant.token(), " ".repeat(MIB + 1))
                        .statusCode())
                .isEqualTo(413);
    }

    @Test
    void theContainersOwnRefusalsAreProblemsToo() throws Exception {
        String token = newTenant().token();
        String big = "X-Padding: " + "a".repeat(64 * 1024) + "\r\n";
        java.util.List<String> requests = java.util.List.of(
                "GET /api/v1/vpcs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n" + big + "\r\n",
                "GET /api/v1/" + "a".repeat(70 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/v1/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /%2e%2e/admin-token HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n",
                "GET /api/v1/vpcs%00 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n",
                "GET /api/v1/vpcs/%2F HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n",
                "GET /api/v1/vpcs/%5C..%5C HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n",
                "GET /% HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /a{b}|c HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n",
                "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET api/v1/vpcs HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/v1/vpcs HTTP/9.9\r\nHost: x\r\n\r\n",
                "BREW /index.html HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n",
                "BREW /api/v1/vpcs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n",
                "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET / HTTP/1.1\r\nBad Header: x\r\nHost: x\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
                "POST /api/v1/vpcs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n12345",
                "POST /api/v1/vpcs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked, foo\r\n\r\n",
                "GET /no-such-page HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n",
                "GET /error HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n",
                "TRACE / HTTP/1.1\r\nHost: x\r\n\r\n",
                "\r\n\r\n\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003 HTTP/1.1\r\n\r\n");
        for (String request : requests) {
            RawHttp.Response response = RawHttp.exchange(port, request);
            String shown = request.length() > 120 ? request.substring(0, 120) + "..." : request;
            assertThat(response).as("an answer to %s", shown).isNotNull();
            assertThat(response.status()).as(shown).isBetween(400, 499);
            assertCleanProblem(response, shown);
        }
    }

    @Test
    void aClientThatStallsInItsHeadersIsDisconnectedAtTheDeadline() throws Exception {
        // The read blocks until the server acts; its timeout (several deadlines) fails the test if it never does.
        try (RawHttp stalled = new RawHttp(port, 10 * STALL_DEADLINE_MILLIS)) {
            stalled.write("GET /api/v1/vpcs HTTP/1.1\r\nHost: x\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response response = stalled.read();
            if (response != null) {
                assertProblem(response, 408, "RequestTimeout");
                assertThat(stalled.closedByServer()).isTrue();
            }
        }
        // Same for a request line that never ends, and for a body that stops short of its length.
        try (RawHttp stalled = new RawHttp(port, 10 * STALL_DEADLINE_MILLIS)) {
            stalled.write("GET /api/v1/vp".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response response = stalled.read();
            assertThat(response == null || response.status() == 408)
                    .as("closed or 408")
                    .isTrue();
        }
        String token = newTenant().token();
        try (RawHttp stalled = new RawHttp(port, 10 * STALL_DEADLINE_MILLIS)) {
            stalled.write(post("/api/v1/vpcs", token, "Content-Length: 100\r\n")
                    .concat("{\"cidr")
                    .getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response response = stalled.read();
            if (response != null) {
                assertThat(response.status()).as(response.body()).isIn(400, 408);
                assertThat(response.contentType()).startsWith("application/problem+json");
            }
        }
    }

    /** The test above shortens the deadline to stay quick; the shipped one must exist and be bounded too. */
    @Test
    void theShippedConfigurationHasAStallDeadline() throws Exception {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        String deadline = shipped.getProperty("server.tomcat.connection-timeout");
        assertThat(deadline).as("server.tomcat.connection-timeout").isNotNull();
        assertThat(org.springframework.boot.convert.DurationStyle.detectAndParse(deadline))
                .isBetween(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30));
    }
}
