package io.vpclab.controlplane.subnet;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.SubnetReservations;
import java.util.Collection;
import java.util.OptionalLong;

/**
 * IPAM over one subnet: which addresses an instance may take, by the five {@link
 * SubnetReservations} (network, router, DNS, future use, broadcast), and the next free one.
 */
public record AddressPlan(Ipv4Prefix cidr) {

    /** The router's address, answered by the distributed router. */
    public long gateway() {
        return SubnetReservations.router(cidr);
    }

    public long firstUsable() {
        return SubnetReservations.firstUsable(cidr);
    }

    public long lastUsable() {
        return SubnetReservations.lastUsable(cidr);
    }

    public long usableCount() {
        return SubnetReservations.usableCount(cidr);
    }

    public boolean contains(long address) {
        return cidr.contains(address);
    }

    public boolean isReserved(long address) {
        return SubnetReservations.isReserved(cidr, address);
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
