package io.vpclab.dataplane.host;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The replies of one ping run, one per probe in sequence order (timeouts included). */
public record PingResult(List<ProbeReply> probes) {

    public PingResult {
        probes = List.copyOf(probes);
    }

    public long received() {
        return probes.stream().filter(p -> p.kind() == ProbeReply.Kind.ECHO_REPLY).count();
    }

    public Optional<Duration> minRtt() {
        return probes.stream().filter(p -> p.kind() == ProbeReply.Kind.ECHO_REPLY).map(ProbeReply::rtt).min(Duration::compareTo);
    }
}
