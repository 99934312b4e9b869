package io.vpclab.agent.tunnel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of a {@link PointToPointTunnel}; every drop has its reason. */
public final class TunnelCounters {

    final AtomicLong encapsulated = new AtomicLong();
    final AtomicLong encapsulatedBytes = new AtomicLong();
    final AtomicLong decapsulated = new AtomicLong();
    final AtomicLong decapsulatedBytes = new AtomicLong();
    final AtomicLong unknownVtepDrops = new AtomicLong();
    final AtomicLong wrongVniDrops = new AtomicLong();
    final AtomicLong noVniFlagDrops = new AtomicLong();
    final AtomicLong runtDrops = new AtomicLong();
    final AtomicLong oversizeDrops = new AtomicLong();

    public long encapsulated() {
        return encapsulated.get();
    }

    public long decapsulated() {
        return decapsulated.get();
    }

    public long wrongVniDrops() {
        return wrongVniDrops.get();
    }

    public long unknownVtepDrops() {
        return unknownVtepDrops.get();
    }

    public long noVniFlagDrops() {
        return noVniFlagDrops.get();
    }

    public long runtDrops() {
        return runtDrops.get();
    }

    public long oversizeDrops() {
        return oversizeDrops.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("encapsulatedFrames", encapsulated.get());
        values.put("encapsulatedBytes", encapsulatedBytes.get());
        values.put("decapsulatedFrames", decapsulated.get());
        values.put("decapsulatedBytes", decapsulatedBytes.get());
        values.put("dropUnknownVtep", unknownVtepDrops.get());
        values.put("dropVniNotServed", wrongVniDrops.get());
        values.put("dropNoVniFlag", noVniFlagDrops.get());
        values.put("dropRunt", runtDrops.get());
        values.put("dropOversize", oversizeDrops.get());
        return values;
    }
}
