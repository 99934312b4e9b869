package io.vpclab.agent;

import io.vpclab.dataplane.Vtep;
import io.vpclab.dataplane.pipeline.CoarseNanoClock;
import io.vpclab.dataplane.underlay.netty.NettyUdpUnderlay;
import io.vpclab.dataplane.underlay.netty.UnderlayOptions;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many event loops the agent's data plane runs ({@code --event-loops}): each loop has its own
 * underlay socket (all bound to one address and port with {@code SO_REUSEPORT}) and its own queue
 * of every multi-queue TAP, and runs its own pipeline, so no frame is handed between threads.
 * {@code auto} is min(cores, {@link #AUTO_MAX}).
 *
 * @param count the loops to run, 1..{@link #MAX}
 * @param auto  whether the count came from {@code auto} (for the start-up log)
 */
public record EventLoopChoice(int count, boolean auto) {

    /** Beyond four loops the per-flow spread of a handful of instances shows no gain worth the threads. */
    public static final int AUTO_MAX = 4;
    /** A TAP holds at most 256 queues (MAX_TAP_QUEUES); far more threads than any host here has cores. */
    public static final int MAX = 64;

    public static final EventLoopChoice ONE = new EventLoopChoice(1, false);

    public EventLoopChoice {
        if (count < 1 || count > MAX) {
            throw new IllegalArgumentException("--event-loops must be 1.." + MAX + " or auto, got " + count);
        }
    }

    /** Parses a number 1..{@link #MAX} or {@code auto}; throws with the accepted forms otherwise. */
    public static EventLoopChoice parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("auto")) {
            return new EventLoopChoice(Math.min(Runtime.getRuntime().availableProcessors(), AUTO_MAX), true);
        }
        int count;
        try {
            count = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--event-loops: '" + text.strip() + "' is not a number (give 1.." + MAX + " or auto)");
        }
        return new EventLoopChoice(count, false);
    }

    /** Binds one underlay socket per loop on {@code local} (see {@link NettyUdpUnderlay#bindGroup}) and logs the count. */
    public List<NettyUdpUnderlay> bindUnderlays(InetSocketAddress local, UnderlayOptions options) {
        List<NettyUdpUnderlay> underlays = NettyUdpUnderlay.bindGroup(local, options, count);
        Logger log = LoggerFactory.getLogger(EventLoopChoice.class);
        log.info("event loops: {}{}", underlays.size(), auto ? " (auto: min(cores, " + AUTO_MAX + "))" : "");
        return underlays;
    }

    /** A VTEP running one loop per underlay of {@code underlays}. */
    static Vtep vtepOn(List<NettyUdpUnderlay> underlays) {
        return new Vtep(underlays, CoarseNanoClock.get(), Vtep.NAT_SESSION_CAPACITY);
    }

    @Override
    public String toString() {
        return auto ? count + " (auto)" : Integer.toString(count);
    }
}
