package io.vpclab.controlplane;

import io.vpclab.client.ApiClient;
import java.nio.file.Path;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Servers that tests start and stop themselves, and generated-API clients that carry a token. */
public final class TestServers {

    private TestServers() {}

    /** A server on a free port over {@code dataDir}; command-line arguments outrank application.properties. */
    public static ConfigurableApplicationContext start(Path dataDir, String... extraArguments) {
        String[] arguments = new String[extraArguments.length + 2];
        arguments[0] = "--server.port=0";
        arguments[1] = "--vpclab.data-dir=" + dataDir.toAbsolutePath();
        System.arraycopy(extraArguments, 0, arguments, 2, extraArguments.length);
        return new SpringApplicationBuilder(VpcLabApplication.class).run(arguments);
    }

    /** A client of a server started by {@link #start}. */
    public static ApiClient client(ConfigurableApplicationContext server, String token) {
        return client("http://localhost:" + server.getEnvironment().getProperty("local.server.port"), token);
    }

    /** A client of {@code baseUri}; with a null token it sends none. */
    public static ApiClient client(String baseUri, String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUri);
        if (token != null) {
            client.setRequestInterceptor(builder -> builder.header("Authorization", "Bearer " + token));
        }
        return client;
    }
}
