package io.vpclab.agent.port;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a process on its own thread, keeping the first {@code limit} bytes
 * and draining the rest, so a chatty command neither blocks on a full pipe nor fills memory.
 */
final class BoundedOutput {

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread reader;
    private final int limit;
    private volatile boolean truncated;

    private BoundedOutput(InputStream in, int limit, String name) {
        this.limit = limit;
        this.reader = new Thread(() -> drain(in), name);
        this.reader.setDaemon(true);
    }

    static BoundedOutput start(InputStream in, int limit, String name) {
        BoundedOutput output = new BoundedOutput(in, limit, name);
        output.reader.start();
        return output;
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (kept) {
                    int room = limit - kept.size();
                    if (n > room) {
                        truncated = true;
                    }
                    kept.write(buffer, 0, Math.max(0, Math.min(n, room)));
                }
            }
        } catch (IOException closed) {
            // the process is gone or its pipe was closed under us: what was read is kept
        }
    }

    /**
     * What was read once the stream ended, or after {@code waitMillis} when something else (a
     * process the command left in the background) still holds it open.
     */
    String text(long waitMillis) throws InterruptedException {
        reader.join(Math.max(1, waitMillis));
        synchronized (kept) {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    boolean truncated() {
        return truncated;
    }
}
