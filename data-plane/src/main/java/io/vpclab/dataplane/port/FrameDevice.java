package io.vpclab.dataplane.port;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * The instance side of a port: a TAP device, an in-memory twin for tests, or a simulated host.
 * Like wireguard-go's {@code tun.Device}, it lets a two-agent ping run in one JVM without root.
 *
 * <p>Threading: everything runs on the one event loop given to {@link #start}; frames reach the
 * sink on that loop, and {@link #write} and {@link #flush} are only called on it.
 *
 * <p>Room to grow: a device reads a whole batch per wakeup and the pipeline flushes every device
 * and the underlay once per batch, so batched writes need no API change; a device opened with a
 * virtio-net header (TAP {@code IFF_VNET_HDR}, for GSO and checksum offload) reads it into the
 * space before {@link #HEADROOM} and keeps the frame itself at the reader index.
 */
public interface FrameDevice extends AutoCloseable {

    /**
     * Bytes of writable space every frame handed to the sink has before its readerIndex, so the
     * 8-byte VXLAN header is written in place instead of copying the frame (as the kernel does
     * with sk_buff headroom).
     */
    int HEADROOM = 8;

    /** A name for counters, logs and captures (the TAP device name, or the instance name). */
    String name();

    /** Starts delivering frames read from the device to {@code sink}, on {@code loop}. */
    void start(EventLoop loop, FrameSink sink);

    /** Writes one Ethernet frame toward the instance. Takes ownership of {@code frame}. */
    void write(ByteBuf frame);

    /**
     * Whether 802.1Q-tagged frames pass this port untouched, both ways: a trunk, as the
     * point-to-point mode's TAP (a Linux vxlan device carries the frames of VLAN subinterfaces).
     * Instance ports are access ports: the pipeline drops tagged frames from and to them
     * ({@code VLAN_TAGGED}).
     */
    default boolean passesVlanTags() {
        return false;
    }

    /** Ends a batch of {@link #write} calls; devices that buffer flush here. */
    default void flush() {}

    /** Stops reading and frees the device. Idempotent. */
    @Override
    void close();
}
