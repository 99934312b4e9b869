package io.vpclab.controlplane.southbound;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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
    CompletableFuture<ProbeResult> expect(String hostId, ProbeRequest request, Duration timeout);
}
