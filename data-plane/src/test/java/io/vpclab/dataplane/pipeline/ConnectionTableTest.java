package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.dataplane.packet.IpProtocol;
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
}
