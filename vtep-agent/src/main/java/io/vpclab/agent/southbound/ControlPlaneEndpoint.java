package io.vpclab.agent.southbound;

import io.vpclab.client.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/** Where the control plane is and the bearer token this agent uses there. */
public record ControlPlaneEndpoint(URI baseUri, String token) {

    public ControlPlaneEndpoint {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(token, "token");
        String text = baseUri.toString();
        if (text.endsWith("/")) {
            baseUri = URI.create(text.substring(0, text.length() - 1));
        }
    }

    /** A generated-API client that sends this endpoint's token on every call. */
    public ApiClient apiClient() {
        ApiClient client = new ApiClient(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)),
                ApiClient.createDefaultObjectMapper(),
                baseUri.toString());
        client.setReadTimeout(Duration.ofSeconds(15));
        client.setRequestInterceptor(builder -> builder.header("Authorization", "Bearer " + token));
        return client;
    }

    public ControlPlaneEndpoint withToken(String otherToken) {
        return new ControlPlaneEndpoint(baseUri, otherToken);
    }
}
