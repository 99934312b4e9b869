package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where diagnostics wait for an agent's answer to a probe: the answer comes back through
 * {@link SouthboundProviderService#probeResult}, the request goes out through
 * {@link SouthboundProvider#sendProbe}.
 */
public interface ProbeAnswers {

    /**
     * Registers interest in the result of {@code request} from {@code hostId}, before the request
     * is sent; the future fails with a TimeoutException after {@code timeout}.
     */
    default CompletableFuture<ProbeResult> expect(String hostId, ProbeRequest request, Duration timeout) {
        return expect(hostId, request, timeout, piece -> {});
    }

    /**
     * As {@link #expect(String, ProbeRequest, Duration)}, handing {@code partials} each partial
     * result (a piece of a streamed exec's output) in the order the agent sent them.
     */
    CompletableFuture<ProbeResult> expect(
            String hostId, ProbeRequest request, Duration timeout, Consumer<ProbeResult> partials);
}
