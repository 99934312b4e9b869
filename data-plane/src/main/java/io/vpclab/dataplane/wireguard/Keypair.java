package io.vpclab.dataplane.wireguard;

import io.netty.buffer.ByteBuf;

/**
 * One session's transport keys (whitepaper s5.4.6): a sending counter, the receiving replay
 * window and one reusable cipher per direction. Sealing and opening work on heap buffers the
 * caller owns, so a transport packet allocates nothing here.
 */
final class Keypair {

    private final ChaChaPoly sending;
    private final ChaChaPoly receiving;
    private final ReplayWindow replayWindow = new ReplayWindow();
    final boolean initiator;
    final int localIndex;
    final int remoteIndex;
    final long created;
    /** Set by the device once the keypair is installed. */
    WireGuardPeer peer;
    /** The next counter to send; unsigned. */
    long sendCounter;

    Keypair(byte[] sendKey, byte[] receiveKey, boolean initiator, int localIndex, int remoteIndex, long created) {
        this.sending = new ChaChaPoly(sendKey);
        this.receiving = new ChaChaPoly(receiveKey);
        this.initiator = initiator;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.created = created;
    }

    /** Usable for sending: younger than reject-after-time and below reject-after-messages. */
    boolean canSend(long now) {
        return now - created < WireGuardTimes.REJECT_AFTER_TIME
                && Long.compareUnsigned(sendCounter, WireGuardTimes.REJECT_AFTER_MESSAGES) < 0;
    }

    boolean expired(long now) {
        return now - created >= WireGuardTimes.REJECT_AFTER_TIME;
    }

    /**
     * Writes a transport message carrying {@code length} bytes of {@code plaintext} (a heap
     * buffer with room for the padding after them, which this method zeroes) into {@code out}
     * (a heap buffer): header, then the sealed, padded packet. Advances the counter.
     */
    void seal(ByteBuf plaintext, int offset, int length, ByteBuf out) {
        int padded = length == 0 ? 0 : paddedLength(length);
        plaintext.setZero(offset + length, padded - length);
        long counter = sendCounter++;
        int start = out.writerIndex();
        out.ensureWritable(WireGuardMessages.TRANSPORT_HEADER_LENGTH + padded + ChaChaPoly.TAG_LENGTH);
        out.setIntLE(start, WireGuardMessages.TRANSPORT);
        out.setIntLE(start + WireGuardMessages.TRANSPORT_RECEIVER, remoteIndex);
        out.setLongLE(start + WireGuardMessages.TRANSPORT_COUNTER, counter);
        int written = sending.seal(
                counter,
                plaintext.array(),
                plaintext.arrayOffset() + offset,
                padded,
                out.array(),
                out.arrayOffset() + start + WireGuardMessages.TRANSPORT_HEADER_LENGTH);
        out.writerIndex(start + WireGuardMessages.TRANSPORT_HEADER_LENGTH + written);
    }

    /**
     * Opens the {@code length} sealed bytes of a transport message with {@code counter}, which lie
     * at index 0 of {@code sealed}'s array, into {@code plaintext}'s array from index 0 (both heap
     * buffers with array offset 0); returns the plaintext length, or -1 when the tag does not
     * verify. The replay check is separate ({@link #acceptCounter}), after authentication as
     * wireguard-go orders it.
     */
    int open(long counter, ByteBuf sealed, int length, ByteBuf plaintext) {
        return receiving.open(counter, sealed.array(), 0, length, plaintext.array(), 0);
    }

    boolean acceptCounter(long counter) {
        return replayWindow.accept(counter, WireGuardTimes.REJECT_AFTER_MESSAGES);
    }

    static int paddedLength(int length) {
        int multiple = WireGuardTimes.PADDING_MULTIPLE;
        return (length + multiple - 1) / multiple * multiple;
    }
}
