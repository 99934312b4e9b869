package io.vpclab.agent.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortFlowLog;
import io.vpclab.dataplane.stats.FlowCount;
import io.vpclab.net.FlowLogRecord;
import io.vpclab.net.Ipv4Address;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A counted flow direction becomes the record its interface would show, with Unix times from the nano clock. */
class FlowLogReporterTest {

    static final Port PORT = new Port()
            .id("i-0123456789abcdef0")
            .vni(7)
            .ipAddress("10.0.1.5")
            .flowLog(new PortFlowLog().accountId("tenant-1").intervalSeconds(60));
    static final long NOW_NANOS = TimeUnit.SECONDS.toNanos(1_000);
    static final long WALL_MILLIS = 1_700_000_100_000L;

    @Test
    void anOutboundCountIsFromTheInterfaceAndAnInboundOneToIt() {
        FlowCount out = count(true, true);
        FlowCount in = count(false, true);

        FlowLogRecord sent = FlowLogReporter.record(PORT, out, NOW_NANOS, WALL_MILLIS);
        FlowLogRecord received = FlowLogReporter.record(PORT, in, NOW_NANOS, WALL_MILLIS);

        assertThat(sent.line())
                .isEqualTo("2 tenant-1 i-0123456789abcdef0 10.0.1.5 10.0.2.9 40000 443 6 3 180 1700000040 1700000090"
                        + " ACCEPT OK");
        assertThat(received.line())
                .isEqualTo("2 tenant-1 i-0123456789abcdef0 10.0.2.9 10.0.1.5 443 40000 6 3 180 1700000040 1700000090"
                        + " ACCEPT OK");
    }

    @Test
    void aRefusedCountIsAReject() {
        assertThat(FlowLogReporter.record(PORT, count(false, false), NOW_NANOS, WALL_MILLIS)
                        .accepted())
                .isFalse();
    }

    private static FlowCount count(boolean outbound, boolean accepted) {
        return new FlowCount(
                7,
                Ipv4Address.parse("10.0.1.5"),
                Ipv4Address.parse("10.0.2.9"),
                6,
                40_000,
                443,
                outbound,
                accepted,
                3,
                180,
                NOW_NANOS - TimeUnit.SECONDS.toNanos(60), // first packet a minute ago
                NOW_NANOS - TimeUnit.SECONDS.toNanos(10)); // last ten seconds ago
    }
}
