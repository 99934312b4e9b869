package io.vpclab.dataplane.tap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The I/O edge of every TAP an agent opened, summed: wake-ups, read and write calls, wire frames
 * and bytes copied ({@link TapCounters}). A closed device's last counts are kept, so the totals
 * only grow (Prometheus counters). Not on the data path: devices are tracked when opened and the
 * totals read once per report.
 */
public final class TapIoTotals {

    private static final List<String> NAMES =
            List.of("wakeups", "readCalls", "wireFramesRead", "writeCalls", "wireFramesWritten", "bytesCopied");

    private final List<TapDevice> open = new ArrayList<>();
    private final long[] retired = new long[NAMES.size()];

    public synchronized void track(TapDevice device) {
        open.add(device);
    }

    /** The totals by name, in a stable order. */
    public synchronized Map<String, Long> snapshot() {
        long[] sum = retired.clone();
        for (var it = open.iterator(); it.hasNext(); ) {
            TapDevice device = it.next();
            long[] values = values(device.counters());
            for (int i = 0; i < sum.length; i++) {
                sum[i] += values[i];
            }
            if (device.isClosed()) {
                // its counts are final once closed: keep them, not the device
                for (int i = 0; i < sum.length; i++) {
                    retired[i] += values[i];
                }
                it.remove();
            }
        }
        Map<String, Long> totals = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            totals.put(NAMES.get(i), sum[i]);
        }
        return totals;
    }

    private static long[] values(TapCounters c) {
        return new long[] {
            c.wakeups(), c.readCalls(), c.wireFramesRead(), c.writeCalls(), c.wireFramesWritten(), c.bytesCopied()
        };
    }
}
