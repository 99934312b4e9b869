package io.vpclab.benchmarks;

import io.vpclab.dataplane.stats.NatGatewaySnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * How many concurrent sessions one NAT gateway holds and what each costs: installs a gateway
 * with room for N sessions (argument, default 2^20), measures the heap its session table takes,
 * then opens N distinct flows (each one new connection through the whole receive path) and
 * reports the live sessions, the heap per session and the rate the flows were opened at. Run
 * by {@code bin/bench-nat}; prints figures, asserts nothing about time.
 */
public final class NatSessionCapacity {

    private NatSessionCapacity() {}

    public static void main(String[] args) {
        int capacity = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] clock = {0};
        // a one-session gateway first, so the pipeline, Netty's allocator and the classes are
        // already on the heap: the difference to the big one is its session table alone
        NatGatewayFixture baseline = new NatGatewayFixture(() -> clock[0], 1, 350);
        baseline.send(0, 1024, 0);
        long before = usedAfterGc(memory);
        NatGatewayFixture nat = new NatGatewayFixture(() -> clock[0], capacity, 350);
        long table = usedAfterGc(memory) - before;
        long start = System.nanoTime();
        for (int f = 0; f < capacity; f++) {
            // destinations vary fastest: each gets capacity / 64 sessions, well inside its 64512 public ports
            int destination = f % NatGatewayFixture.DESTINATIONS;
            int rest = f / NatGatewayFixture.DESTINATIONS;
            nat.send(rest % 199, 1024 + (rest / 199) % 64511, destination);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        NatGatewaySnapshot figures = nat.pipeline.natGateways(0).get(0);
        long filled = usedAfterGc(memory) - before;
        System.out.printf(
                "NAT session capacity %d: %d active sessions after %d new flows (drops %s)%n",
                capacity, figures.activeSessions(), capacity, figures.drops());
        System.out.printf(
                "session table: %.1f MiB = %.1f bytes per session; heap with every session live: %.1f bytes per session%n",
                table / 1048576.0, (double) table / capacity, (double) filled / capacity);
        System.out.printf(
                "new connections: %.0f per second (one thread, %d flows in %.2f s, no I/O)%n",
                capacity / seconds, capacity, seconds);
        nat.close();
        baseline.close();
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
