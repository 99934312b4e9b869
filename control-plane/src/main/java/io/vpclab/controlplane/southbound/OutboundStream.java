package io.vpclab.controlplane.southbound;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One agent's open table stream. The request is an asynchronous servlet request (the container
 * thread returns as soon as the stream is open), and its events are written by a small shared
 * pool, in the order they were queued: publishing only queues, so the compiler never waits on
 * an agent, and a slow agent holds up one writer, never the others. An agent that falls
 * {@value #MAX_QUEUED_EVENTS} events behind loses its stream and resumes with Last-Event-ID,
 * as Typha drops a client that cannot keep up.
 */
final class OutboundStream {

    /** Far more than a burst of changes; a stream this far behind is cheaper to resume than to drain. */
    static final int MAX_QUEUED_EVENTS = 1024;

    private final SseEmitter emitter;
    private final Executor writers;
    private final Consumer<Throwable> failed;
    private final Queue<SseEmitter.SseEventBuilder> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param failed called once, on a writer thread, when a write fails or the agent falls too far behind */
    OutboundStream(SseEmitter emitter, Executor writers, Consumer<Throwable> failed) {
        this.emitter = emitter;
        this.writers = writers;
        this.failed = failed;
    }

    SseEmitter emitter() {
        return emitter;
    }

    /** Queues an event; false when the stream is closed or was just dropped for falling behind. */
    boolean offer(SseEmitter.SseEventBuilder event) {
        if (closed.get()) {
            return false;
        }
        if (queued.incrementAndGet() > MAX_QUEUED_EVENTS) {
            queued.decrementAndGet();
            fail(new IllegalStateException("the agent is " + MAX_QUEUED_EVENTS + " events behind"));
            return false;
        }
        queue.add(event);
        scheduleWrite();
        return true;
    }

    /** True when nothing waits to be written (a keepalive is then worth sending). */
    boolean idle() {
        return queued.get() == 0;
    }

    /** Ends the stream now; queued events are dropped (the agent resumes from what it acknowledged). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            try {
                emitter.complete();
            } catch (IllegalStateException alreadyGone) {
                // the web server may already have recycled the response; the agent reconnects anyway
            }
        }
    }

    private void scheduleWrite() {
        if (writing.compareAndSet(false, true)) {
            writers.execute(this::writeQueued);
        }
    }

    private void writeQueued() {
        try {
            for (SseEmitter.SseEventBuilder event; (event = queue.poll()) != null; ) {
                queued.decrementAndGet();
                if (closed.get()) {
                    continue;
                }
                try {
                    emitter.send(event);
                } catch (IOException | IllegalStateException e) {
                    fail(e);
                }
            }
        } finally {
            writing.set(false);
        }
        // an event queued between the last poll and the flag's reset
        if (!queue.isEmpty()) {
            scheduleWrite();
        }
    }

    private void fail(Throwable cause) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            try {
                emitter.completeWithError(cause);
            } catch (IllegalStateException alreadyGone) {
                // as in close()
            }
            failed.accept(cause);
        }
    }
}
