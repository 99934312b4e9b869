package io.vpclab.dataplane.underlay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * The in-memory twin of the UDP underlay: underlays joined to one {@link Hub} reach each other
 * by {@link InetSocketAddress}, each on its own single-thread event loop, so several VTEPs run
 * in one JVM without root or sockets. Like UDP, a datagram for an address nobody holds is lost.
 * The source port chosen per datagram ({@link #send(ByteBuf, InetSocketAddress, int)}) is what
 * the receiver sees as the sender's port.
 */
public final class InMemoryUnderlay implements Underlay {

    /**
     * Addresses to underlays; also lets a test inject a datagram from any address. Several
     * underlays may share one address ({@link #joinGroup}), as sockets with {@code SO_REUSEPORT}
     * do: each sender address is steered to one of them by its hash, as the kernel steers a 4-tuple.
     */
    public static final class Hub {
        /** The underlays sharing one address, and which of them each sender reaches. */
        private record Group(InMemoryUnderlay[] members, ToIntFunction<InetSocketAddress> steering) {}

        private final Map<InetSocketAddress, Group> members = new ConcurrentHashMap<>();

        /** Creates an underlay bound to {@code address} with its own event loop. */
        public InMemoryUnderlay join(InetSocketAddress address) {
            return joinGroup(address, 1).get(0);
        }

        /** Creates {@code count} underlays sharing {@code address}, each with its own event loop. */
        public List<InMemoryUnderlay> joinGroup(InetSocketAddress address, int count) {
            return joinGroup(address, count, sender -> steer(sender, count));
        }

        /**
         * As {@link #joinGroup(InetSocketAddress, int)}, with {@code steering} choosing the member
         * (0..count-1) each sender reaches, so a test can pin a direction to one loop.
         */
        public List<InMemoryUnderlay> joinGroup(
                InetSocketAddress address, int count, ToIntFunction<InetSocketAddress> steering) {
            if (count < 1) {
                throw new IllegalArgumentException("count must be >= 1, got " + count);
            }
            InMemoryUnderlay[] group = new InMemoryUnderlay[count];
            for (int i = 0; i < count; i++) {
                group[i] = new InMemoryUnderlay(this, address);
            }
            if (members.putIfAbsent(address, new Group(group, steering)) != null) {
                for (InMemoryUnderlay underlay : group) {
                    underlay.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                }
                throw new IllegalStateException("address already in use on this hub: " + address);
            }
            return List.of(group);
        }

        /** Delivers {@code payload} to whoever holds {@code destination}, as if sent from {@code sender}. */
        public void inject(InetSocketAddress sender, InetSocketAddress destination, ByteBuf payload) {
            InMemoryUnderlay target = member(sender, destination);
            if (target == null) {
                payload.release();
                return;
            }
            target.receive(List.of(payload), sender);
        }

        /** Delivers {@code payloads} in one burst (one loop task, then the read-complete hook), like one socket read. */
        void injectBurst(InetSocketAddress sender, InetSocketAddress destination, List<ByteBuf> payloads) {
            InMemoryUnderlay target = member(sender, destination);
            if (target == null) {
                payloads.forEach(ByteBuf::release);
                return;
            }
            target.receive(payloads, sender);
        }

        /** The underlay of {@code destination}'s group that {@code sender} is steered to; null when none. */
        private InMemoryUnderlay member(InetSocketAddress sender, InetSocketAddress destination) {
            Group group = members.get(destination);
            if (group == null) {
                return null;
            }
            return group.members()[group.steering().applyAsInt(sender)];
        }

        /** Which of {@code count} underlays sharing an address receives what {@code sender} sends. */
        public static int steer(InetSocketAddress sender, int count) {
            return Math.floorMod(sender.hashCode() * 0x9E37_79B9, count);
        }

        private void leave(InMemoryUnderlay underlay) {
            members.computeIfPresent(underlay.address, (address, group) -> {
                for (InMemoryUnderlay member : group.members()) {
                    if (!member.closed) {
                        return group;
                    }
                }
                return null;
            });
        }
    }

    /** A datagram queued until {@link #flush()}. */
    private record Pending(ByteBuf payload, InetSocketAddress destination, int sourcePort) {}

    private final Hub hub;
    private final InetSocketAddress address;
    private final IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private volatile DatagramSink sink;
    private volatile boolean closed;
    private volatile Runnable readComplete = () -> {};

    private InMemoryUnderlay(Hub hub, InetSocketAddress address) {
        this.hub = hub;
        this.address = address;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public void start(DatagramSink sink) {
        this.sink = sink;
    }

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination) {
        send(payload, destination, address.getPort());
    }

    @Override
    public void send(ByteBuf payload, InetSocketAddress destination, int sourcePort) {
        if (closed) {
            payload.release();
            return;
        }
        queue.add(new Pending(payload, destination, sourcePort));
    }

    /** Each burst of received datagrams (what one flush of a sender delivers to one address and port) ends with {@code action}. */
    @Override
    public boolean onReadComplete(Runnable action) {
        this.readComplete = Objects.requireNonNull(action, "action");
        return true;
    }

    /** Sends what is queued; consecutive datagrams to one destination from one port arrive as one burst. */
    @Override
    public void flush() {
        List<ByteBuf> burst = new ArrayList<>();
        Pending first = null;
        Pending pending;
        while ((pending = queue.poll()) != null) {
            if (first != null
                    && (!first.destination().equals(pending.destination())
                            || first.sourcePort() != pending.sourcePort())) {
                deliver(first, burst);
                burst = new ArrayList<>();
            }
            if (burst.isEmpty()) {
                first = pending;
            }
            burst.add(pending.payload());
        }
        if (first != null) {
            deliver(first, burst);
        }
    }

    private void deliver(Pending first, List<ByteBuf> burst) {
        hub.injectBurst(new InetSocketAddress(address.getAddress(), first.sourcePort()), first.destination(), burst);
    }

    private void receive(List<ByteBuf> payloads, InetSocketAddress sender) {
        if (closed) {
            payloads.forEach(ByteBuf::release);
            return;
        }
        try {
            loop.execute(() -> {
                DatagramSink target = sink;
                if (target == null || closed) {
                    payloads.forEach(ByteBuf::release);
                    return;
                }
                for (ByteBuf payload : payloads) {
                    target.accept(payload, sender);
                }
                readComplete.run();
            });
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            payloads.forEach(ByteBuf::release);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hub.leave(this);
        Runnable drain = () -> {
            Pending pending;
            while ((pending = queue.poll()) != null) {
                pending.payload().release();
            }
        };
        if (loop.inEventLoop()) {
            drain.run();
        } else {
            loop.submit(drain).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
