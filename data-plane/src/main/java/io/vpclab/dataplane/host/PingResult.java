package io.vpclab.dataplane.host;

import java.util.List;

/** The replies of one ping run, one per probe in sequence order (timeouts included). */
public record PingResult(List<ProbeReply> probes) {

    public PingResult {
        probes = List.copyOf(probes);
    }

    public long received() {
        return probes.stream()
                .filter(p -> p.kind() == ProbeReply.Kind.ECHO_REPLY)
                .count();
    }
}
