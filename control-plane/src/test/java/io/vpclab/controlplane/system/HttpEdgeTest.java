package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.ApiTestSupport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What reaches the server below the API (sizes, framing, broken requests) is answered as problem+json too. */
class HttpEdgeTest extends ApiTestSupport {

    private static final int MIB = 1 << 20;

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

    private String post(String path, String token, String headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\n" + headers + "\r\n";
    }

    @Test
    void bodiesAboveTheLimitAre413BeforeTheyAreRead() throws Exception {
        TenantClient tenant = newTenant();
        // 10 MB of whitespace around a valid body, declared up front: refused on the header alone.
        RawHttp.Response declared = RawHttp.exchange(port, post("/api/v1/vpcs", tenant.token(),
                "Content-Length: " + (10 * 1000 * 1000) + "\r\n"));
        assertProblem(declared, 413, "RequestEntityTooLarge");
        assertThat(json(declared.body()).path("detail").asString()).contains("1048576 bytes");

        // The same without a length (chunked): cut off once the stream passes the limit.
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.write(post("/api/v1/vpcs", tenant.token(), "Transfer-Encoding: chunked\r\n").getBytes(StandardCharsets.US_ASCII));
        String start = "{\"cidrBlock\":\"10.0.0.0/16\"";
        chunked.write((Integer.toHexString(start.length()) + "\r\n" + start + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String spaces = " ".repeat(64 * 1024);
        for (int i = 0; i < 24; i++) {
            chunked.write((Integer.toHexString(spaces.length()) + "\r\n" + spaces + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("1\r\n}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertProblem(RawHttp.exchange(port, chunked.toByteArray()), 413, "RequestEntityTooLarge");
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();

        // Just under the limit is an ordinary request.
        String padded = "{\"cidrBlock\":\"10.0.0.0/16\"" + " ".repeat(MIB - 100) + "}";
        assertThat(raw("POST", "/api/v1/vpcs", tenant.token(), padded).statusCode()).isEqualTo(201);
        assertThat(raw("POST", "/api/v1/topology-applications", tenant.token(), " ".repeat(MIB + 1)).statusCode()).isEqualTo(413);
    }
}
