package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.dataplane.packet.IpProtocol;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

    static final long IDLE = 1_000;
    final AtomicLong now = new AtomicLong(5_000);
    final ConnectionTable table = new ConnectionTable(64, IDLE, now::get);
    final long address = ConnectionTable.addresses(0xCB00_710A, 0xC633_640A);
    final long flow = ConnectionTable.flow(IpProtocol.UDP_VALUE, 53, 40_000);

    @Test
    void aRecordedFlowAcceptsItsRepliesOnly() {
        assertThat(table.touch(address, flow)).isTrue();

        assertThat(table.isReply(address, flow)).isTrue();
        assertThat(table.isReply(address, ConnectionTable.flow(IpProtocol.UDP_VALUE, 53, 40_001)))
                .isFalse();
        assertThat(table.isReply(address, ConnectionTable.flow(IpProtocol.TCP_VALUE, 53, 40_000)))
                .isFalse();
        assertThat(table.isReply(ConnectionTable.addresses(0xCB00_710A, 0xC633_640B), flow))
                .isFalse();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void aCachedVerdictHoldsForItsTagOnlyAndAFlowTrackedAgainAfterIdlingStartsWithout() {
        ConnectionTable caching = new ConnectionTable(64, IDLE, now::get, false, true);
        int slot = caching.track(address, flow, true, 0, 0);
        caching.cacheVerdict(slot, 7, -2);

        assertThat(caching.verdict(caching.established(address, flow, true, 0, 0), 7))
                .isEqualTo(-2);
        assertThat(caching.verdict(slot, 8)).isEqualTo(ConnectionTable.NO_VERDICT); // another ACL generation

        now.addAndGet(IDLE);
        int again = caching.track(address, flow, true, 0, 0);

        assertThat(again).isEqualTo(slot); // the idle slot is reused for the same key
        assertThat(caching.verdict(again, 7)).isEqualTo(ConnectionTable.NO_VERDICT);
    }

    @Test
    void anIdleFlowExpiresAndItsLateReplyIsRefused() {
        table.touch(address, flow);
        now.addAndGet(IDLE - 1);
        assertThat(table.isReply(address, flow)).isTrue(); // refreshes the flow

        now.addAndGet(IDLE);

        assertThat(table.isReply(address, flow)).isFalse();
        assertThat(table.size()).isZero();
    }

    @Test
    void aFullProbeWindowRefusesNewFlowsUntilOldOnesExpire() {
        int refusedPort = -1;
        int recorded = 0;
        for (int port = 1; port <= 65 && refusedPort < 0; port++) {
            if (table.touch(address, ConnectionTable.flow(IpProtocol.UDP_VALUE, 53, port))) {
                recorded++;
            } else {
                refusedPort = port;
            }
        }
        assertThat(refusedPort).isPositive(); // 64 slots cannot hold 65 flows
        assertThat(table.size()).isEqualTo(recorded);
        long refused = ConnectionTable.flow(IpProtocol.UDP_VALUE, 53, refusedPort);

        now.addAndGet(IDLE);

        assertThat(table.touch(address, refused)).isTrue();
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.isReply(address, refused)).isTrue();
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new ConnectionTable(100, IDLE, now::get)).hasMessageContaining("power of two");
    }

    @Test
    void lockFreeLookupsRacingWritersNeverLoseATrackedFlowNorInventOne() {
        // a full table whose other flows idle out within 20 ticks: their slots are rewritten all the time
        AtomicLong clock = new AtomicLong(1);
        ConnectionTable small = new ConnectionTable(16, 20, clock::get);
        small.touch(address, flow);
        long untracked = ConnectionTable.flow(IpProtocol.UDP_VALUE, 53, 40_001);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 300_000; i++) {
                clock.incrementAndGet();
                small.touch(address, flow); // the tracked flow stays live
                // new flows take expired slots; a key read half from one and half from the next would be (address,
                // untracked)
                if (i % 2 == 0) {
                    small.touch(address, ConnectionTable.flow(IpProtocol.UDP_VALUE, 53, 41_000 + i % 500));
                } else {
                    small.touch(address + 1 + i % 500, untracked);
                }
            }
        });
        int lookups = 0;
        while (!writer.isDone() && lookups < 5_000_000) {
            assertThat(small.isReply(address, flow)).isTrue();
            assertThat(small.isReply(address, untracked)).isFalse();
            lookups++;
        }
        writer.join();
        assertThat(small.isReply(address, flow)).isTrue();
    }
}
