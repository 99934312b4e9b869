package io.vpclab.agent.tunnel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the fast path did: TSO bursts cut into segments, small frames batched into one send,
 * frames the segmenter refused. Written only on the tunnel's loop (volatile: read by the
 * counter printer on another thread).
 */
final class OffloadCounters {

    volatile long tsoBursts;
    volatile long tsoSegments;
    volatile long batchedSends;
    volatile long batchedDatagrams;
    volatile long segmentRefusals;
    volatile long unsupportedGsoDrops;
    volatile long tinyGsoSizeDrops;

    Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("tsoBursts", tsoBursts);
        values.put("tsoSegments", tsoSegments);
        values.put("batchedSends", batchedSends);
        values.put("batchedDatagrams", batchedDatagrams);
        values.put("segmentRefusals", segmentRefusals);
        values.put("unsupportedGsoDrops", unsupportedGsoDrops);
        values.put("tinyGsoSizeDrops", tinyGsoSizeDrops);
        return values;
    }
}
