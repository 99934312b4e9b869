package io.vpclab.benchmarks;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * One benchmark method timed by the thread's CPU time instead of the wall clock, for comparing
 * builds on a machine other processes load: time spent descheduled does not count. Not JMH (no
 * forks, no blackhole), so compare builds with each other, alternating runs, not with JMH scores.
 *
 * <pre>
 * java -Dbenchmark=DecapLookupEncapBenchmark.decapLookupEncap -Dparams=ipLength=64,calls=split \
 *      -cp benchmarks/target/benchmarks.jar io.vpclab.benchmarks.CpuTimeRun 8
 * java -Dbenchmark=SecurityGroupBenchmark.establishedFlow -Dparams=policy=groups -cp ... CpuTimeRun 8
 * </pre>
 *
 * Prints the median and the minimum CPU ns/op of the given number of one-million-operation chunks,
 * after 25 million warm-up operations, and the bytes the thread allocated per measured operation.
 * Reflection only: put an older build's benchmarks.jar first on the class path (this class comes
 * from the newer one) to time the older build's code.
 */
public final class CpuTimeRun {

    private static final int CHUNK = 1_000_000;
    private static final String BENCHMARK = System.getProperty("benchmark");
    private static final Object STATE;
    /** Constant, so the JIT inlines the benchmark method into the loop as JMH's stub does. */
    private static final MethodHandle OPERATION;

    private static final Method TEAR_DOWN;
    private static volatile Object sink;

    static {
        try {
            String[] classAndMethod = BENCHMARK.split("\\.");
            Class<?> type = Class.forName("io.vpclab.benchmarks." + classAndMethod[0]);
            Object state = type.getDeclaredConstructor().newInstance();
            for (String param : System.getProperty("params", "").split(",")) {
                if (!param.isEmpty()) {
                    String[] nameAndValue = param.split("=");
                    var field = type.getDeclaredField(nameAndValue[0]);
                    field.setAccessible(true);
                    field.set(state, field.getType() == int.class ? Integer.valueOf(nameAndValue[1]) : nameAndValue[1]);
                }
            }
            type.getMethod("setUp").invoke(state);
            STATE = state;
            OPERATION = MethodHandles.lookup()
                    .findVirtual(type, classAndMethod[1], MethodType.methodType(ByteBuf.class))
                    .bindTo(state);
            TEAR_DOWN = type.getMethod("check");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CpuTimeRun() {}

    public static void main(String[] args) throws Throwable {
        int chunks = Integer.parseInt(args[0]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 25; i++) {
            run();
        }
        double[] nanosPerOperation = new double[chunks];
        long allocatedBefore = allocatedBytes(threads);
        for (int c = 0; c < chunks; c++) {
            long start = threads.getCurrentThreadCpuTime();
            run();
            nanosPerOperation[c] = (threads.getCurrentThreadCpuTime() - start) / (double) CHUNK;
        }
        double bytesPerOperation = (allocatedBytes(threads) - allocatedBefore) / ((double) CHUNK * chunks);
        TEAR_DOWN.invoke(STATE); // throws when the path dropped frames
        Arrays.sort(nanosPerOperation);
        System.out.printf(
                "%s %s: median %.1f, min %.1f CPU ns/op, %.4f B/op%n",
                BENCHMARK,
                System.getProperty("params", ""),
                nanosPerOperation[chunks / 2],
                nanosPerOperation[0],
                bytesPerOperation);
    }

    /** Bytes this thread allocated so far (HotSpot's thread allocation counter). */
    private static long allocatedBytes(ThreadMXBean threads) {
        return ((com.sun.management.ThreadMXBean) threads)
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static void run() throws Throwable {
        for (int i = 0; i < CHUNK; i++) {
            sink = (ByteBuf) OPERATION.invokeExact();
        }
    }
}
