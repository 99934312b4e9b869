package io.vpclab.controlplane.subnet;

import io.vpclab.net.Ipv4Prefix;
import java.util.Collection;
import java.util.OptionalLong;

/**
 * The address layout of a subnet, as AWS does it: the network address, the gateway (first
 * usable, answered by the distributed router), two more reserved (AWS: DNS and future use) and
 * the broadcast address. A /28 therefore has 16 - 5 = 11 usable addresses.
 */
public record AddressPlan(Ipv4Prefix cidr) {

    public static final int RESERVED_AT_START = 4;
    public static final int RESERVED_AT_END = 1;

    public long gateway() {
        return cidr.first() + 1;
    }

    public long firstUsable() {
        return cidr.first() + RESERVED_AT_START;
    }

    public long lastUsable() {
        return cidr.last() - RESERVED_AT_END;
    }

    public long usableCount() {
        return Math.max(0, lastUsable() - firstUsable() + 1);
    }

    public boolean contains(long address) {
        return cidr.contains(address);
    }

    public boolean isReserved(long address) {
        return contains(address) && (address < firstUsable() || address > lastUsable());
    }

    /** The lowest usable address not in {@code taken}; empty when the subnet is full. */
    public OptionalLong nextFree(Collection<Long> taken) {
        java.util.Set<Long> held = taken instanceof java.util.Set<Long> set ? set : new java.util.HashSet<>(taken);
        for (long candidate = firstUsable(); candidate <= lastUsable(); candidate++) {
            if (!held.contains(candidate)) {
                return OptionalLong.of(candidate);
            }
        }
        return OptionalLong.empty();
    }
}
