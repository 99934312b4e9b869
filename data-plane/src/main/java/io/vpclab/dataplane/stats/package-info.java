/**
 * Counters per port, per segment and per host: packets and bytes in and out, drops by
 * {@link io.vpclab.dataplane.stats.DropReason}, floods and ARP replies answered locally.
 *
 * <p>{@link io.vpclab.dataplane.stats.TrafficCounters} are plain fields written by one thread,
 * the VTEP's event loop, so counting costs a field increment. Other threads read
 * {@link io.vpclab.dataplane.stats.CountersSnapshot}s, which the VTEP takes on its loop.
 * Entries: one set for the host, one per segment served, one per port ever attached.
 */
package io.vpclab.dataplane.stats;
