package io.vpclab.dataplane.host;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vpclab.net.Ipv4Address;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A simulated host's outstanding probes, each keyed by what its answer will carry (ICMP echo
 * sequence, or local and remote port of UDP and TCP), with a timeout timer on the host's loop.
 * Loop-confined.
 */
final class ProbeTable {

    private final Map<Long, Probe> probes = new HashMap<>();

    private static final class Probe {
        final CompletableFuture<ProbeReply> future = new CompletableFuture<>();
        final long sentNanos = System.nanoTime();
        ScheduledFuture<?> timer;
    }

    static long echoKey(int sequence) {
        return (1L << 40) | sequence;
    }

    static long udpKey(int localPort, int remotePort) {
        return (2L << 40) | ((long) localPort << 16) | remotePort;
    }

    static long tcpKey(int localPort, int remotePort) {
        return (3L << 40) | ((long) localPort << 16) | remotePort;
    }

    /** Registers a probe under {@code key}, arms its timeout, then runs {@code send}. */
    CompletableFuture<ProbeReply> start(EventLoop loop, long key, Duration timeout, Runnable send) {
        Probe probe = new Probe();
        Probe previous = probes.put(key, probe);
        if (previous != null) { // a reused key: the older probe can no longer be told apart
            previous.timer.cancel(false);
            previous.future.complete(ProbeReply.timeout(Duration.ZERO));
        }
        probe.timer = loop.schedule(
                () -> {
                    if (probes.remove(key, probe)) {
                        probe.future.complete(ProbeReply.timeout(timeout));
                    }
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
        send.run();
        return probe.future;
    }

    boolean isWaiting(long key) {
        return probes.containsKey(key);
    }

    /** Completes the probe waiting under {@code key}; false when none was. */
    boolean complete(long key, ProbeReply.Kind kind, int from, int ttl, byte[] payload) {
        return complete(key, kind, from, ttl, payload, 0);
    }

    /** As {@link #complete(long, ProbeReply.Kind, int, int, byte[])}, with the MTU a fragmentation needed names. */
    boolean complete(long key, ProbeReply.Kind kind, int from, int ttl, byte[] payload, int nextHopMtu) {
        Probe probe = probes.remove(key);
        if (probe == null) {
            return false;
        }
        probe.timer.cancel(false);
        probe.future.complete(new ProbeReply(
                kind,
                new Ipv4Address(from),
                ttl,
                Duration.ofNanos(System.nanoTime() - probe.sentNanos),
                payload == null ? new byte[0] : payload,
                nextHopMtu));
        return true;
    }

    /** Completes every outstanding probe as timed out (the host is going away). */
    void cancelAll() {
        probes.values().forEach(p -> {
            p.timer.cancel(false);
            p.future.complete(ProbeReply.timeout(Duration.ZERO));
        });
        probes.clear();
    }
}
