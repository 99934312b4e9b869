package io.vpclab.agent.port;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads one output stream of a process on its own thread, keeping the first {@code limit} bytes
 * and draining the rest, so a chatty command neither blocks on a full pipe nor fills memory. A
 * listener, when given, hears each kept piece as text as soon as it is read (a character cut
 * between two reads is held until its last byte arrives).
 */
final class BoundedOutput {

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread reader;
    private final int limit;
    private final Consumer<String> listener;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer undecoded = ByteBuffer.allocate(0);
    private volatile boolean truncated;

    private BoundedOutput(InputStream in, int limit, String name, Consumer<String> listener) {
        this.limit = limit;
        this.listener = listener;
        this.reader = new Thread(() -> drain(in), name);
        this.reader.setDaemon(true);
    }

    static BoundedOutput start(InputStream in, int limit, String name) {
        return start(in, limit, name, null);
    }

    static BoundedOutput start(InputStream in, int limit, String name, Consumer<String> listener) {
        BoundedOutput output = new BoundedOutput(in, limit, name, listener);
        output.reader.start();
        return output;
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                int taken;
                synchronized (kept) {
                    int room = limit - kept.size();
                    if (n > room) {
                        truncated = true;
                    }
                    taken = Math.max(0, Math.min(n, room));
                    kept.write(buffer, 0, taken);
                }
                if (listener != null && taken > 0) {
                    tell(buffer, taken);
                }
            }
        } catch (IOException closed) {
            // the process is gone or its pipe was closed under us: what was read is kept
        }
    }

    /** Decodes what can be decoded of the new bytes and hands it to the listener. */
    private void tell(byte[] buffer, int length) {
        ByteBuffer bytes = ByteBuffer.allocate(undecoded.remaining() + length);
        bytes.put(undecoded).put(buffer, 0, length).flip();
        CharBuffer chars = CharBuffer.allocate(bytes.remaining() + 1);
        decoder.decode(bytes, chars, false);
        undecoded = bytes.slice();
        chars.flip();
        if (chars.hasRemaining()) {
            listener.accept(chars.toString());
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
