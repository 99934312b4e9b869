package io.vpclab.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The WireGuard protocol of one interface without a socket: datagrams in through
 * {@link #receive}, IP packets in through {@link #send}, datagrams out through a
 * {@link DatagramOut}, decrypted packets out through a {@link PacketHandler}, timers driven by
 * {@link #tick} on a {@link WireGuardClock}. Not thread-safe: one thread (an event loop) calls
 * everything but the counters.
 */
public final class WireGuardDevice {

    /**
     * Where the device sends datagrams. The buffer is lent for the call only (the device reuses it
     * for the next datagram), so sending a transport packet allocates nothing here; a socket copies
     * it into the direct buffer it writes from anyway.
     */
    public interface DatagramOut {
        void send(ByteBuf datagram, InetSocketAddress recipient);
    }

    /** Receives decrypted IPv4 packets; the buffer is valid during the call only. */
    public interface PacketHandler {
        void accept(WireGuardPeer from, ByteBuf packet);
    }

    static final int MAX_PACKET = 65535;
    /** Handshake messages a second above which the device asks for cookies (wireguard-go: a queue 1/8 full). */
    static final int DEFAULT_UNDER_LOAD_THRESHOLD = 128;

    private final Noise.Identity identity;
    private final WireGuardClock clock;
    private final DatagramOut out;
    private final PacketHandler handler;
    private final SecureRandom random = new SecureRandom();
    private final CookieChecker cookieChecker;
    private final List<WireGuardPeer> peers = new ArrayList<>();
    private final Map<String, WireGuardPeer> peersByKey = new HashMap<>();
    /** Local index to the peer whose handshake holds it, or to the keypair that does. */
    private final IntObjectHashMap<Object> indices = new IntObjectHashMap<>();

    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private final ByteBuf sealedMessage = Unpooled.buffer(MAX_PACKET, MAX_PACKET);
    private final ByteBuf plaintext = Unpooled.buffer(MAX_PACKET + WireGuardTimes.PADDING_MULTIPLE);
    /** Every transport message is sealed here, then lent to {@link #out}. */
    private final ByteBuf transportMessage =
            Unpooled.buffer(WireGuardMessages.TRANSPORT_MIN_LENGTH + MAX_PACKET + WireGuardTimes.PADDING_MULTIPLE);

    private int underLoadThreshold = DEFAULT_UNDER_LOAD_THRESHOLD;
    private long handshakeSecondStart = Long.MIN_VALUE;
    private int handshakesThisSecond;

    public WireGuardDevice(byte[] privateKey, WireGuardClock clock, DatagramOut out, PacketHandler handler) {
        this.identity = Noise.Identity.of(privateKey);
        this.clock = clock;
        this.out = out;
        this.handler = handler;
        this.cookieChecker = new CookieChecker(identity.publicKey(), random);
    }

    public byte[] publicKey() {
        return identity.publicKey().clone();
    }

    public WireGuardPeer addPeer(WireGuardPeerConfig config) {
        String key = WireGuardKeys.toBase64(config.publicKey());
        if (peersByKey.containsKey(key)) {
            throw new IllegalArgumentException("peer " + key + " is already configured");
        }
        if (java.util.Arrays.equals(config.publicKey(), identity.publicKey())) {
            throw new IllegalArgumentException("a peer cannot have the interface's own public key");
        }
        WireGuardPeer peer = new WireGuardPeer(config, identity.privateKey());
        peers.add(peer);
        peersByKey.put(key, peer);
        if (config.persistentKeepaliveSeconds() > 0) {
            // wireguard-go sends a keepalive as soon as a persistent keepalive is configured
            sendKeepalive(peer);
        }
        return peer;
    }

    public List<WireGuardPeer> peers() {
        return List.copyOf(peers);
    }

    public long drops(DropReason reason) {
        return drops.get(reason.ordinal());
    }

    /** Handshake messages a second above which mac2 (a cookie) is required; 0 asks for it always. */
    public void underLoadThreshold(int messagesPerSecond) {
        this.underLoadThreshold = messagesPerSecond;
    }

    // ---- receiving

    /** Handles one datagram from {@code source}; the caller keeps ownership of the buffer. */
    public void receive(ByteBuf datagram, InetSocketAddress source) {
        int type;
        try {
            type = WireGuardMessages.check(datagram);
        } catch (WireGuardFormatException e) {
            drop(DropReason.MALFORMED);
            return;
        }
        switch (type) {
            case WireGuardMessages.INITIATION, WireGuardMessages.RESPONSE -> receiveHandshake(type, datagram, source);
            case WireGuardMessages.COOKIE_REPLY -> receiveCookieReply(datagram);
            default -> receiveTransport(datagram, source);
        }
    }

    private void receiveHandshake(int type, ByteBuf datagram, InetSocketAddress source) {
        byte[] message = WireGuardMessages.bytes(datagram, 0, datagram.readableBytes());
        long now = clock.nanos();
        if (!cookieChecker.checkMac1(message)) {
            drop(DropReason.BAD_MAC);
            return;
        }
        if (underLoad(now)) {
            byte[] sourceBytes = sourceBytes(source);
            if (!cookieChecker.checkMac2(message, sourceBytes, now)) {
                byte[] reply = cookieChecker.createReply(message, Noise.getIntLE(message, 4), sourceBytes, now);
                out.send(Unpooled.wrappedBuffer(reply), source);
                drop(DropReason.COOKIE_REQUIRED);
                return;
            }
        }
        if (type == WireGuardMessages.INITIATION) {
            receiveInitiation(message, source, now);
        } else {
            receiveResponse(message, source, now);
        }
    }

    private boolean underLoad(long now) {
        if (handshakeSecondStart == Long.MIN_VALUE || now - handshakeSecondStart >= 1_000_000_000L) {
            handshakeSecondStart = now;
            handshakesThisSecond = 0;
        }
        handshakesThisSecond++;
        return handshakesThisSecond > underLoadThreshold;
    }

    private void receiveInitiation(byte[] message, InetSocketAddress source, long now) {
        Noise.Initiation initiation = Noise.openInitiation(identity, message);
        if (initiation == null) {
            drop(DropReason.BAD_MAC);
            return;
        }
        WireGuardPeer peer = peersByKey.get(WireGuardKeys.toBase64(initiation.initiatorStatic()));
        if (peer == null) {
            drop(DropReason.UNKNOWN_PEER);
            return;
        }
        Handshake handshake = peer.handshake;
        byte[][] state = new byte[2][];
        byte[] timestamp = Noise.openTimestamp(handshake, initiation, message, state);
        if (timestamp == null) {
            drop(DropReason.BAD_MAC);
            return;
        }
        if (!Tai64n.after(timestamp, handshake.lastTimestamp)) {
            drop(DropReason.REPLAYED);
            return;
        }
        if (handshake.lastInitiationConsumed != Long.MIN_VALUE
                && now - handshake.lastInitiationConsumed <= WireGuardTimes.HANDSHAKE_INITIATION_RATE) {
            drop(DropReason.HANDSHAKE_FLOOD);
            return;
        }
        forgetHandshakeIndex(peer);
        Noise.acceptInitiation(handshake, initiation, state, timestamp, now);
        peer.endpoint = source;
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketReceived(peer);
        sendResponse(peer, now);
    }

    private void sendResponse(WireGuardPeer peer, long now) {
        int index = newIndex(peer);
        byte[] message = Noise.createResponse(peer.handshake, index);
        peer.cookies.addMacs(message, now);
        Keypair keypair = Noise.deriveKeypair(peer.handshake, now);
        keypair.peer = peer;
        // the responder may not send with the new keys before the initiator's first packet confirms them
        forget(peer.next);
        forget(peer.previous);
        peer.previous = null;
        peer.next = keypair;
        indices.put(index, keypair);
        out.send(Unpooled.wrappedBuffer(message), peer.endpoint);
        sessionDerived(peer, now);
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketSent(peer);
    }

    private void receiveResponse(byte[] message, InetSocketAddress source, long now) {
        int receiver = Noise.getIntLE(message, WireGuardMessages.RESPONSE_RECEIVER);
        if (!(indices.get(receiver) instanceof WireGuardPeer peer)
                || peer.handshake.state != Handshake.State.INITIATION_CREATED
                || peer.handshake.localIndex != receiver) {
            drop(DropReason.UNKNOWN_PEER);
            return;
        }
        if (!Noise.consumeResponse(identity, peer.handshake, message)) {
            drop(DropReason.BAD_MAC);
            return;
        }
        peer.endpoint = source;
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketReceived(peer);
        Keypair keypair = Noise.deriveKeypair(peer.handshake, now);
        keypair.peer = peer;
        if (peer.next != null) {
            forget(peer.previous);
            peer.previous = peer.next;
            peer.next = null;
            forget(peer.current);
        } else {
            forget(peer.previous);
            peer.previous = peer.current;
        }
        peer.current = keypair;
        indices.put(keypair.localIndex, keypair);
        peer.sentLastMinuteHandshake = false;
        sessionDerived(peer, now);
        handshakeComplete(peer);
        sendKeepalive(peer);
    }

    private void receiveCookieReply(ByteBuf datagram) {
        Object entry = indices.get(WireGuardMessages.receiverIndex(datagram));
        WireGuardPeer peer = entry instanceof Keypair keypair ? keypair.peer : (WireGuardPeer) entry;
        if (peer == null) {
            drop(DropReason.UNKNOWN_PEER);
            return;
        }
        byte[] reply = WireGuardMessages.bytes(datagram, 0, datagram.readableBytes());
        if (!peer.cookies.consumeReply(reply, clock.nanos())) {
            drop(DropReason.BAD_MAC);
        }
    }

    private void receiveTransport(ByteBuf datagram, InetSocketAddress source) {
        if (!(indices.get(WireGuardMessages.receiverIndex(datagram)) instanceof Keypair keypair)) {
            drop(DropReason.UNKNOWN_PEER);
            return;
        }
        long now = clock.nanos();
        long counter = WireGuardMessages.counter(datagram);
        if (keypair.expired(now) || Long.compareUnsigned(counter, WireGuardTimes.REJECT_AFTER_MESSAGES) >= 0) {
            drop(DropReason.STALE);
            return;
        }
        // the sealed bytes at index 0 of a heap array: the JDK then decrypts without a copy of its own
        int sealedLength = datagram.readableBytes() - WireGuardMessages.TRANSPORT_HEADER_LENGTH;
        sealedMessage
                .clear()
                .writeBytes(datagram, datagram.readerIndex() + WireGuardMessages.TRANSPORT_HEADER_LENGTH, sealedLength);
        plaintext.clear();
        int length = keypair.open(counter, sealedMessage, sealedLength, plaintext);
        if (length < 0) {
            drop(DropReason.BAD_MAC);
            return;
        }
        if (!keypair.acceptCounter(counter)) {
            drop(DropReason.REPLAYED);
            return;
        }
        WireGuardPeer peer = keypair.peer;
        if (keypair == peer.next) {
            forget(peer.previous);
            peer.previous = peer.current;
            peer.current = keypair;
            peer.next = null;
            handshakeComplete(peer);
            sendStaged(peer, now);
        }
        if (!source.equals(peer.endpoint)) {
            peer.endpoint = source;
        }
        keepKeyFreshReceiving(peer, now);
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketReceived(peer);
        if (length == 0) {
            return; // a keepalive
        }
        dataReceived(peer, now);
        if (length < Ipv4.MIN_HEADER_LENGTH || Ipv4.version(plaintext, 0) != 4) {
            drop(DropReason.MALFORMED);
            return;
        }
        int total = Ipv4.totalLength(plaintext, 0);
        if (total < Ipv4.MIN_HEADER_LENGTH || total > length) {
            drop(DropReason.MALFORMED);
            return;
        }
        if (route(Ipv4.source(plaintext, 0)) != peer) {
            drop(DropReason.NOT_ALLOWED_IP);
            return;
        }
        peer.received(total);
        plaintext.setIndex(0, total);
        handler.accept(peer, plaintext);
    }

    // ---- sending

    /**
     * Encrypts the IPv4 packet in {@code packet}'s readable bytes to the peer whose allowed IPs
     * hold its destination, starting a handshake and queueing it if needed. The caller keeps
     * ownership of the buffer.
     */
    public void send(ByteBuf packet) {
        int offset = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < Ipv4.MIN_HEADER_LENGTH || length > MAX_PACKET || Ipv4.version(packet, offset) != 4) {
            drop(DropReason.MALFORMED);
            return;
        }
        WireGuardPeer peer = route(Ipv4.destination(packet, offset));
        if (peer == null) {
            drop(DropReason.NO_PEER_FOR_DESTINATION);
            return;
        }
        if (peer.endpoint == null) {
            drop(DropReason.NO_ENDPOINT);
            return;
        }
        long now = clock.nanos();
        Keypair keypair = peer.current;
        if (keypair != null && keypair.canSend(now) && peer.staged.isEmpty()) {
            plaintext.clear().writeBytes(packet, offset, length);
            transmit(peer, keypair, length, now);
            keepKeyFreshSending(peer, now);
            return;
        }
        if (peer.staged.size() >= WireGuardPeer.STAGED_PACKETS) {
            peer.staged.poll();
            drop(DropReason.QUEUE_FULL);
        }
        byte[] copy = new byte[length];
        packet.getBytes(offset, copy);
        peer.staged.add(copy);
        sendStaged(peer, now);
    }

    private void sendStaged(WireGuardPeer peer, long now) {
        Keypair keypair = peer.current;
        if (keypair == null || !keypair.canSend(now) || peer.endpoint == null) {
            sendInitiation(peer, false, now);
            return;
        }
        while (!peer.staged.isEmpty()) {
            byte[] packet = peer.staged.poll();
            plaintext.clear().writeBytes(packet);
            transmit(peer, keypair, packet.length, now);
        }
        keepKeyFreshSending(peer, now);
    }

    private void sendKeepalive(WireGuardPeer peer) {
        long now = clock.nanos();
        Keypair keypair = peer.current;
        if (peer.staged.isEmpty() && keypair != null && keypair.canSend(now) && peer.endpoint != null) {
            plaintext.clear();
            transmit(peer, keypair, 0, now);
        } else {
            sendStaged(peer, now);
        }
    }

    /** Seals the {@code length} bytes at the start of {@link #plaintext} and sends them. */
    private void transmit(WireGuardPeer peer, Keypair keypair, int length, long now) {
        keypair.seal(plaintext, 0, length, transportMessage.clear());
        out.send(transportMessage, peer.endpoint);
        if (length > 0) {
            peer.sent(length);
        }
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketSent(peer);
        if (length > 0) {
            dataSent(peer, now);
        }
    }

    private void sendInitiation(WireGuardPeer peer, boolean retry, long now) {
        if (!retry) {
            peer.handshakeAttempts = 0;
        }
        if (peer.endpoint == null
                || (peer.lastHandshakeSent != Long.MIN_VALUE
                        && now - peer.lastHandshakeSent < WireGuardTimes.REKEY_TIMEOUT)) {
            return;
        }
        peer.lastHandshakeSent = now;
        forgetHandshakeIndex(peer);
        int index = newIndex(peer);
        byte[] message = Noise.createInitiation(identity, peer.handshake, index, Tai64n.of(clock.epochNanos()));
        peer.cookies.addMacs(message, now);
        out.send(Unpooled.wrappedBuffer(message), peer.endpoint);
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketSent(peer);
        peer.retransmitHandshakeAt = now + WireGuardTimes.REKEY_TIMEOUT + jitter();
    }

    /** A handshake after 120 s or 2^60 messages, by the session's initiator (whitepaper s6.2). */
    private void keepKeyFreshSending(WireGuardPeer peer, long now) {
        Keypair keypair = peer.current;
        if (keypair != null
                && (Long.compareUnsigned(keypair.sendCounter, WireGuardTimes.REKEY_AFTER_MESSAGES) > 0
                        || (keypair.initiator && now - keypair.created > WireGuardTimes.REKEY_AFTER_TIME))) {
            sendInitiation(peer, false, now);
        }
    }

    /** The initiator's last-minute handshake when receiving on a key about to be rejected. */
    private void keepKeyFreshReceiving(WireGuardPeer peer, long now) {
        if (peer.sentLastMinuteHandshake) {
            return;
        }
        Keypair keypair = peer.current;
        if (keypair != null
                && keypair.initiator
                && now - keypair.created
                        > WireGuardTimes.REJECT_AFTER_TIME
                                - WireGuardTimes.KEEPALIVE_TIMEOUT
                                - WireGuardTimes.REKEY_TIMEOUT) {
            peer.sentLastMinuteHandshake = true;
            sendInitiation(peer, false, now);
        }
    }

    // ---- timers (wireguard-go timers.go)

    /** Fires every timer whose deadline has passed; call it often (the endpoint does, every 100 ms). */
    public void tick() {
        long now = clock.nanos();
        for (WireGuardPeer peer : peers) {
            if (due(peer.retransmitHandshakeAt, now)) {
                peer.retransmitHandshakeAt = 0;
                retransmitHandshake(peer, now);
            }
            if (due(peer.sendKeepaliveAt, now)) {
                peer.sendKeepaliveAt = 0;
                sendKeepalive(peer);
                if (peer.needAnotherKeepalive) {
                    peer.needAnotherKeepalive = false;
                    peer.sendKeepaliveAt = now + WireGuardTimes.KEEPALIVE_TIMEOUT;
                }
            }
            if (due(peer.newHandshakeAt, now)) {
                // we sent data and heard nothing back for keepalive + rekey timeout
                peer.newHandshakeAt = 0;
                sendInitiation(peer, false, now);
            }
            if (due(peer.zeroKeyMaterialAt, now)) {
                peer.zeroKeyMaterialAt = 0;
                zeroKeyMaterial(peer);
            }
            if (due(peer.persistentKeepaliveAt, now)) {
                peer.persistentKeepaliveAt = 0;
                sendKeepalive(peer);
            }
        }
    }

    private static boolean due(long deadline, long now) {
        return deadline != 0 && now - deadline >= 0;
    }

    private void retransmitHandshake(WireGuardPeer peer, long now) {
        if (peer.handshakeAttempts > WireGuardTimes.MAX_TIMER_HANDSHAKES) {
            // give up after 90 s of attempts; the keys go once they could no longer be used
            peer.staged.clear();
            if (peer.zeroKeyMaterialAt == 0) {
                peer.zeroKeyMaterialAt = now + 3 * WireGuardTimes.REJECT_AFTER_TIME;
            }
            return;
        }
        peer.handshakeAttempts++;
        sendInitiation(peer, true, now);
    }

    private void zeroKeyMaterial(WireGuardPeer peer) {
        forget(peer.previous);
        forget(peer.current);
        forget(peer.next);
        peer.previous = null;
        peer.current = null;
        peer.next = null;
        forgetHandshakeIndex(peer);
        peer.handshake.clearSecrets();
    }

    private void dataSent(WireGuardPeer peer, long now) {
        if (peer.newHandshakeAt == 0) {
            peer.newHandshakeAt = now + WireGuardTimes.KEEPALIVE_TIMEOUT + WireGuardTimes.REKEY_TIMEOUT + jitter();
        }
    }

    private void dataReceived(WireGuardPeer peer, long now) {
        if (peer.sendKeepaliveAt == 0) {
            peer.sendKeepaliveAt = now + WireGuardTimes.KEEPALIVE_TIMEOUT;
        } else {
            peer.needAnotherKeepalive = true;
        }
    }

    private static void anyAuthenticatedPacketSent(WireGuardPeer peer) {
        peer.sendKeepaliveAt = 0;
    }

    private static void anyAuthenticatedPacketReceived(WireGuardPeer peer) {
        peer.newHandshakeAt = 0;
    }

    private static void anyAuthenticatedPacketTraversal(WireGuardPeer peer, long now) {
        int interval = peer.config.persistentKeepaliveSeconds();
        if (interval > 0) {
            peer.persistentKeepaliveAt = now + interval * 1_000_000_000L;
        }
    }

    private void handshakeComplete(WireGuardPeer peer) {
        peer.retransmitHandshakeAt = 0;
        peer.handshakeAttempts = 0;
        peer.handshakeCompleted(clock.epochNanos());
    }

    private static void sessionDerived(WireGuardPeer peer, long now) {
        peer.zeroKeyMaterialAt = now + 3 * WireGuardTimes.REJECT_AFTER_TIME;
    }

    private long jitter() {
        return (long) (random.nextDouble() * WireGuardTimes.REKEY_TIMEOUT_JITTER_MAX);
    }

    // ---- indices and routing

    private int newIndex(Object owner) {
        while (true) {
            int index = random.nextInt();
            if (index != 0 && !indices.containsKey(index)) {
                indices.put(index, owner);
                return index;
            }
        }
    }

    private void forgetHandshakeIndex(WireGuardPeer peer) {
        int index = peer.handshake.localIndex;
        if (index != 0 && indices.get(index) == peer) {
            indices.remove(index);
        }
    }

    private void forget(Keypair keypair) {
        if (keypair != null && indices.get(keypair.localIndex) == keypair) {
            indices.remove(keypair.localIndex);
        }
    }

    /** The peer whose allowed IPs hold {@code address} with the longest prefix (cryptokey routing). */
    WireGuardPeer route(int address) {
        WireGuardPeer best = null;
        int longest = -1;
        for (int i = 0; i < peers.size(); i++) {
            WireGuardPeer peer = peers.get(i);
            int length = peer.longestMatch(address);
            if (length > longest) {
                longest = length;
                best = peer;
            }
        }
        return best;
    }

    void drop(DropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    private static byte[] sourceBytes(InetSocketAddress source) {
        byte[] address = source.getAddress().getAddress();
        byte[] out = java.util.Arrays.copyOf(address, address.length + 2);
        out[address.length] = (byte) (source.getPort() >>> 8);
        out[address.length + 1] = (byte) source.getPort();
        return out;
    }
}
