package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --url and --token, with VPCLAB_URL / VPCLAB_TOKEN and ./data/admin-token as defaults. */
final class Connection {

    static final String DEFAULT_URL = "http://localhost:8080";

    @Option(names = "--url", description = "Control plane URL (default: $VPCLAB_URL or " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--token", description = "Bearer token (default: $VPCLAB_TOKEN, else ./data/admin-token).")
    String token;

    ApiClient client() throws IOException {
        String base = firstSet(url, System.getenv("VPCLAB_URL"), DEFAULT_URL);
        String bearer = firstSet(token, System.getenv("VPCLAB_TOKEN"), adminTokenFile());
        if (bearer == null) {
            throw new IOException("no token: pass --token, set VPCLAB_TOKEN, or run where ./data/admin-token is");
        }
        ApiClient client = new ApiClient();
        client.updateBaseUri(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + bearer));
        return client;
    }

    private static String adminTokenFile() throws IOException {
        Path file = Path.of("data", "admin-token");
        return Files.isReadable(file)
                ? Files.readString(file, StandardCharsets.UTF_8).trim()
                : null;
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
