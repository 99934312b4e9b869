package io.vpclab.benchmarks;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH worker threads that are Netty {@code FastThreadLocalThread}s, as the agent's event loops
 * are: Netty 4.2's {@code Recycler.get()} pools objects only on a thread that cleans up its
 * FastThreadLocals (else it returns a new object with a no-op handle), so on a plain JMH thread
 * every pooled {@code directBuffer} and {@code retainedSlice} allocates a new wrapper object,
 * which the agent's loops never do. A benchmark
 * selects it with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=} this class (JMH calls the
 * {@code (int, String)} constructor).
 */
public final class EventLoopLikeExecutor extends ThreadPoolExecutor {

    public EventLoopLikeExecutor(int maxThreads, String prefix) {
        super(
                maxThreads,
                maxThreads,
                1,
                TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
