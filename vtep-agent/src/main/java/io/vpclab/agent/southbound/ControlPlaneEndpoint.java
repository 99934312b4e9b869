package io.vpclab.agent.southbound;

import io.vpclab.client.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the control plane is and the bearer token this agent uses there. A control plane may be
 * several replicas: every call goes to the current one, and {@link #failedOver} moves all users
 * of the endpoint (and of its {@link #withToken} copies) to the next together.
 */
public final class ControlPlaneEndpoint {

    private final List<URI> baseUris;
    private final AtomicInteger current;
    private final String token;

    public ControlPlaneEndpoint(URI baseUri, String token) {
        this(List.of(Objects.requireNonNull(baseUri, "baseUri")), token);
    }

    /** @param baseUris the replicas, tried in this order; at least one */
    public ControlPlaneEndpoint(List<URI> baseUris, String token) {
        this(baseUris.stream().map(ControlPlaneEndpoint::withoutTrailingSlash).toList(), new AtomicInteger(), token);
        if (baseUris.isEmpty()) {
            throw new IllegalArgumentException("a control plane needs at least one URL");
        }
    }

    private ControlPlaneEndpoint(List<URI> baseUris, AtomicInteger current, String token) {
        this.baseUris = List.copyOf(baseUris);
        this.current = current;
        this.token = Objects.requireNonNull(token, "token");
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = Objects.requireNonNull(uri, "baseUri").toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    /** The replica calls go to now. */
    public URI baseUri() {
        return baseUris.get(Math.floorMod(current.get(), baseUris.size()));
    }

    public List<URI> baseUris() {
        return baseUris;
    }

    public String token() {
        return token;
    }

    /**
     * The call to {@code failed} did not get through: the next replica becomes current, unless
     * another caller already moved on from {@code failed} (so two failures of one replica skip
     * only it). Returns the replica now current.
     */
    public URI failedOver(URI failed) {
        int seen = current.get();
        if (baseUris.size() > 1
                && baseUris.get(Math.floorMod(seen, baseUris.size())).equals(failed)) {
            current.compareAndSet(seen, seen + 1);
        }
        return baseUri();
    }

    /**
     * A generated-API client that sends this endpoint's token on every call, to the replica
     * current when the call is made (the generated APIs keep the base URI they were built with,
     * so each request's URI is rewritten).
     */
    public ApiClient apiClient() {
        ApiClient client = new ApiClient(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)),
                ApiClient.createDefaultObjectMapper(),
                baseUris.get(0).toString());
        client.setReadTimeout(Duration.ofSeconds(15));
        client.setRequestInterceptor(builder -> {
            builder.header("Authorization", "Bearer " + token);
            if (baseUris.size() > 1) {
                builder.uri(onCurrentReplica(builder.copy().build().uri()));
            }
        });
        return client;
    }

    /** {@code uri} (on any of the replicas) moved to the current one. */
    URI onCurrentReplica(URI uri) {
        String text = uri.toString();
        for (URI base : baseUris) {
            String prefix = base.toString();
            if (text.startsWith(prefix)) {
                return URI.create(baseUri() + text.substring(prefix.length()));
            }
        }
        return uri;
    }

    /** The same replicas, sharing which one is current, with another token. */
    public ControlPlaneEndpoint withToken(String otherToken) {
        return new ControlPlaneEndpoint(baseUris, current, otherToken);
    }

    @Override
    public String toString() {
        return baseUris.size() == 1 ? baseUri().toString() : baseUris + " (now " + baseUri() + ")";
    }
}
