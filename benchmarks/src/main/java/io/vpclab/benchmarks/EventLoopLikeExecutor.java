package io.vpclab.benchmarks;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH worker threads that are Netty {@code FastThreadLocalThread}s, as the agent's event loops
 * are: Netty 4.2 gives pooled buffer objects and their slices back to a thread's own recycler
 * only on such threads, so on a plain JMH thread every {@code directBuffer} and
 * {@code retainedSlice} allocates a new wrapper object, which production never does. A benchmark
 * selects it with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=} this class (JMH calls the
 * {@code (int, String)} constructor).
 */
public final class EventLoopLikeExecutor extends ThreadPoolExecutor {

    public EventLoopLikeExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
            new DefaultThreadFactory(prefix, true));
    }
}
