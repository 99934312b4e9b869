package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.RegisteredHost;
import io.vpclab.controlplane.ApiTestSupport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random requests against a running server (methods, paths, headers and bodies from a seeded
 * random, reproducible with {@code -Dfuzz.seed=N}): whatever arrives, the answer is never a
 * server failure and every refusal is problem+json without a trace of the implementation.
 */
class HttpEdgeFuzzTest extends ApiTestSupport {

    private static final int REQUESTS = 2_000;
    private static final List<String> METHODS = List.of(
            "GET",
            "POST",
            "PUT",
            "DELETE",
            "PATCH",
            "HEAD",
            "OPTIONS",
            "TRACE",
            "CONNECT",
            "PROPFIND",
            "BREW",
            "get",
            "G\u00e9T",
            "");
    private static final List<String> PATHS = List.of(
            "/api/v1/tenants",
            "/api/v1/tenants/{id}",
            "/api/v1/tenants/{id}/tokens",
            "/api/v1/hosts",
            "/api/v1/hosts/{id}",
            "/api/v1/hosts/{id}/stats",
            "/api/v1/hosts/{id}/acks",
            "/api/v1/hosts/{id}/table-stream",
            "/api/v1/hosts/{id}/forwarding-table",
            "/api/v1/hosts/{id}/probe-results",
            "/api/v1/hosts/{id}/captures/{id}/pcap",
            "/api/v1/hosts/{id}/captures/{id}/progress",
            "/api/v1/vpcs",
            "/api/v1/vpcs/{id}",
            "/api/v1/vpcs/{id}/cidr-blocks",
            "/api/v1/vpcs/{id}/cidr-blocks/{id}",
            "/api/v1/subnets",
            "/api/v1/subnets/{id}",
            "/api/v1/subnets/{id}/routes",
            "/api/v1/instances",
            "/api/v1/instances/{id}",
            "/api/v1/instances/{id}/ping",
            "/api/v1/eips",
            "/api/v1/eips/{id}",
            "/api/v1/eips/{id}/association",
            "/api/v1/nat-gateways",
            "/api/v1/nat-gateways/{id}",
            "/api/v1/whitelists",
            "/api/v1/whitelists/{id}/rules",
            "/api/v1/peerings",
            "/api/v1/peerings/{id}/accept",
            "/api/v1/internet-hosts",
            "/api/v1/captures",
            "/api/v1/captures/{id}/pcap",
            "/api/v1/topology-applications",
            "/api/v1/tags",
            "/api/v1/tags/{id}",
            "/api/v1/tags?resourceType={id}&key={id}",
            "/api/v1/vpn-gateways/{id}/attach",
            "/api/v1/vpn-gateways/{id}/detach",
            "/api/v1/vpn-connections/{id}/routes",
            "/api/v1/vpn-connections/{id}/routes?destinationCidrBlock={id}",
            "/",
            "/index.html",
            "/openapi.yaml",
            "/actuator/health",
            "/actuator/prometheus",
            "/error",
            "/webjars/none.js",
            "/api",
            "/api/v2/vpcs");
    private static final List<String> IDS = List.of(
            "vpc-00000000000000000",
            "host-00000000000000000",
            "x",
            "%2e%2e",
            "..",
            "%00",
            "%2F",
            "%5C",
            "%25",
            "%",
            "%zz",
            "%c0%ae",
            ";a=b",
            "a?b=c",
            "%20",
            "\u00e9",
            "-1",
            "9".repeat(300),
            "{id}",
            "");
    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/problem+json",
            "text/plain",
            "application/yaml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/vnd.tcpdump.pcap",
            "application/json; charset=utf-16",
            "*/*",
            ";;;",
            "");
    private static final List<String> BODIES = List.of(
            "{}",
            "[]",
            "null",
            "1",
            "\"x\"",
            "{\"cidrBlock\":\"10.0.0.0/16\"}",
            "{\"cidrBlock\":\"010.0.0.0/16\"}",
            "{\"name\":\"a\\u0000b\"}",
            "{\"name\":\"x\",\"underlayIp\":\"127.0.0.1\",\"udpPort\":1.5}",
            "{\"protocol\":\"tcp\",\"cidrBlock\":\"0.0.0.0/0\",\"fromPort\":\"80\"}",
            "{\"generation\":9223372036854775808}",
            "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}",
            "{\"a\":1e999999}",
            "\u00ff\u00fe{",
            "{\"a\":\"\\ud800\"}",
            "{\"vpcId\":{\"$ne\":1}}",
            "'); DROP TABLE vpc; --",
            "<html></html>",
            "{\"target\":\"10.0.0.1\",\"count\":-5}",
            "{\"set\":{\"Name\":\"x\",\"\":\"y\"},\"remove\":[\"aws:k\",null]}",
            "{\"set\":{\"k\":\"v\"},\"remove\":\"k\"}",
            "{\"destinationCidrBlock\":\"192.168.0.0/33\"}",
            "{\"vpcId\":[\"vpc-00000000000000000\"]}");

    private final SplittableRandom random = new SplittableRandom(Long.getLong("fuzz.seed", 20261206L));

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String path() {
        StringBuilder path = new StringBuilder(pick(PATHS));
        int at;
        while ((at = path.indexOf("{id}")) >= 0) {
            path.replace(at, at + 4, pick(IDS));
        }
        switch (random.nextInt(8)) {
            case 0 -> path.append("?maxResults=").append(pick(List.of("1.5", "-1", "0", "x", "99999999999", "%00")));
            case 1 -> path.append("?nextToken=").append(pick(IDS));
            case 2 -> path.insert(0, pick(List.of("/.", "//", "/%2e%2e", "/static/..", "/./")));
            case 3 ->
                path.append(pick(List.of("/", "/..", "%00", "#frag", ";jsessionid=1", "/%2e%2e/%2e%2e/etc/passwd")));
            default -> {}
        }
        return path.toString();
    }

    private byte[] body() {
        if (random.nextInt(4) == 0) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            return noise;
        }
        String body = pick(BODIES);
        if (random.nextInt(3) == 0 && !body.isEmpty()) {
            StringBuilder mutated = new StringBuilder(body);
            for (int i = random.nextInt(1, 4); i > 0; i--) {
                mutated.setCharAt(random.nextInt(mutated.length()), (char) random.nextInt(0, 256));
            }
            body = mutated.toString();
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] request(List<String> tokens) {
        String method = pick(METHODS);
        byte[] body = random.nextBoolean() ? body() : new byte[0];
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(path())
                .append(' ')
                .append(pick(
                        List.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1")))
                .append("\r\n");
        head.append("Host: ")
                .append(pick(List.of("localhost", "x", "", "a b", "[::1]:1")))
                .append("\r\n");
        head.append("Connection: close\r\n");
        if (random.nextInt(5) > 0) {
            head.append("Authorization: ")
                    .append(pick(List.of("Bearer ", "bearer ", "Basic ", "Bearer  ", "")))
                    .append(pick(tokens))
                    .append("\r\n");
        }
        if (random.nextBoolean()) {
            head.append("Content-Type: ").append(pick(CONTENT_TYPES)).append("\r\n");
        }
        if (random.nextInt(3) == 0) {
            head.append("Accept: ")
                    .append(pick(List.of("text/html", "application/xml", "*/*", "application/json", "image/png")))
                    .append("\r\n");
        }
        switch (random.nextInt(10)) {
            case 0 ->
                head.append("X-Long: ")
                        .append("v".repeat(random.nextInt(100, 12_000)))
                        .append("\r\n");
            case 1 ->
                head.append(pick(List.of(
                                "Bad Name: x",
                                "X-Nul: a\u0000b",
                                "X-Latin: \u00e9",
                                ": empty",
                                "X-Folded: a\r\n b",
                                "Expect: 100-continue",
                                "Transfer-Encoding: identity",
                                "Content-Encoding: gzip",
                                "Range: bytes=0-1",
                                "Last-Event-ID: x",
                                "If-None-Match: *")))
                        .append("\r\n");
            default -> {}
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        // The declared length never exceeds the body (a longer one would only make the server wait).
        int declared = body.length == 0 && random.nextBoolean()
                ? -1
                : random.nextInt(8) == 0 ? random.nextInt(body.length + 1) : body.length;
        if (declared >= 0) {
            head.append("Content-Length: ").append(declared).append("\r\n");
        }
        head.append("\r\n");
        request.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        return request.toByteArray();
    }

    @Test
    void randomRequestsNeverFailTheServerAndEveryRefusalIsAProblem() throws Exception {
        RegisteredHost host = newHost();
        List<String> tokens =
                List.of(ADMIN_TOKEN, newTenant().token(), host.getToken(), BOOTSTRAP_TOKEN, "wrong", "", "\u00e9");
        int refusals = 0;
        int answered = 0;
        for (int i = 0; i < REQUESTS; i++) {
            byte[] request = request(tokens);
            String shown = new String(request, 0, Math.min(request.length, 200), StandardCharsets.ISO_8859_1);
            boolean head = shown.startsWith("HEAD ");
            RawHttp.Response response;
            try (RawHttp http = new RawHttp(port, 20_000)) {
                http.write(request);
                response = http.read(head);
            }
            assertThat(response).as("request %d got an answer: %s", i, shown).isNotNull();
            answered++;
            assertThat(response.status())
                    .as("request %d: %s -> %s", i, shown, response.body())
                    .isLessThan(500);
            if (response.status() >= 400) {
                refusals++;
                if (head) {
                    assertThat(response.contentType()).as(shown).startsWith("application/problem+json");
                } else {
                    HttpEdgeTest.assertCleanProblem(response, "request " + i + ": " + shown);
                }
            } else {
                assertThat(response.body()).as(shown).doesNotContain("Exception");
            }
        }
        assertThat(answered).isEqualTo(REQUESTS);
        assertThat(refusals).as("the fuzzer mostly sends what must be refused").isGreaterThan(REQUESTS / 2);
    }
}
