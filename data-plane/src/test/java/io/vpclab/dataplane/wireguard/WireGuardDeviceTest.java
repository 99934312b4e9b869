package io.vpclab.dataplane.wireguard;

import static io.vpclab.dataplane.wireguard.DevicePair.A_ADDRESS;
import static io.vpclab.dataplane.wireguard.DevicePair.B_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.net.WireGuardKeys;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The protocol between two devices on a fake clock: handshake, transport, drops and timers. */
class WireGuardDeviceTest {

    @Test
    void aHandshakeCarriesPacketsBothWays() {
        DevicePair pair = DevicePair.connected(null);

        pair.aSends("first");
        pair.pump();
        pair.bSends("reply");
        pair.pump();

        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION)).hasSize(1);
        assertThat(pair.sentBy(B_ADDRESS, WireGuardMessages.RESPONSE)).hasSize(1);
        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("first");
        assertThat(pair.deliveredToA).extracting(IpPackets::payload).containsExactly("reply");
        assertThat(pair.aAtB.lastHandshakeEpochNanos()).isPositive();
        assertThat(pair.bAtA.lastHandshakeEpochNanos()).isPositive();
        assertThat(pair.aAtB.rxPackets()).isEqualTo(1);
        assertThat(pair.bAtA.txPackets()).isEqualTo(1);
        for (DropReason reason : DropReason.values()) {
            assertThat(pair.a.drops(reason) + pair.b.drops(reason))
                    .as(reason.name())
                    .isZero();
        }
    }

    @Test
    void aPresharedKeyOnBothSidesCompletesAndAMismatchNeverHandsOverAPacket() {
        byte[] psk = WireGuardKeys.generatePrivateKey();
        DevicePair same = DevicePair.connected(psk).established();
        assertThat(same.deliveredToB).hasSize(1);

        DevicePair pair = new DevicePair();
        pair.bAtA =
                pair.a.addPeer(pair.peerB(WireGuardKeys.publicKey(pair.bKey)).withPresharedKey(psk));
        pair.aAtB = pair.b.addPeer(new WireGuardPeerConfig(
                WireGuardKeys.publicKey(pair.aKey),
                WireGuardKeys.generatePrivateKey(),
                null,
                java.util.List.of(io.vpclab.net.Ipv4Prefix.parse("10.0.1.1/32")),
                0));
        pair.aSends("secret");
        pair.pump();

        assertThat(pair.deliveredToB).isEmpty();
        assertThat(pair.a.drops(DropReason.BAD_MAC)).isEqualTo(1); // the response does not verify
    }

    @Test
    void aWrongPublicKeyNeverHandsOverAPacket() {
        DevicePair pair = new DevicePair();
        // A believes B has another key: mac1 fails at B
        pair.bAtA = pair.a.addPeer(pair.peerB(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey())));
        pair.aAtB = pair.b.addPeer(WireGuardPeerConfig.of(
                WireGuardKeys.toBase64(WireGuardKeys.publicKey(pair.aKey)), null, "10.0.1.1/32"));

        pair.aSends("secret");
        pair.pump();

        assertThat(pair.deliveredToB).isEmpty();
        assertThat(pair.b.drops(DropReason.BAD_MAC)).isEqualTo(1);
        assertThat(pair.sentBy(B_ADDRESS, WireGuardMessages.RESPONSE)).isEmpty();
    }

    @Test
    void anInitiatorTheResponderDoesNotKnowIsAnUnknownPeer() {
        DevicePair pair = new DevicePair();
        pair.bAtA = pair.a.addPeer(pair.peerB(WireGuardKeys.publicKey(pair.bKey)));
        pair.b.addPeer(WireGuardPeerConfig.of(
                WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.generatePrivateKey())),
                null,
                "10.0.1.1/32"));

        pair.aSends("secret");
        pair.pump();

        assertThat(pair.deliveredToB).isEmpty();
        assertThat(pair.b.drops(DropReason.UNKNOWN_PEER)).isEqualTo(1);
    }

    @Test
    void aReplayedTransportMessageOrInitiationIsDroppedAndCounted() {
        DevicePair pair = DevicePair.connected(null).established();
        DevicePair.Datagram transport =
                pair.sentBy(A_ADDRESS, WireGuardMessages.TRANSPORT).get(0);
        DevicePair.Datagram initiation =
                pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION).get(0);

        pair.deliver(transport);
        pair.clock.advance(Duration.ofSeconds(1));
        pair.deliver(initiation);

        assertThat(pair.deliveredToB).hasSize(1);
        assertThat(pair.b.drops(DropReason.REPLAYED)).isEqualTo(2);
        assertThat(pair.sentBy(B_ADDRESS, WireGuardMessages.RESPONSE)).hasSize(1);
    }

    @Test
    void aTamperedTransportMessageIsABadMacAndDoesNotSpoilTheGenuineOne() {
        DevicePair pair = DevicePair.connected(null).established();
        pair.aSends("again");
        DevicePair.Datagram genuine = pair.inFlight.poll();
        byte[] forged = genuine.bytes().clone();
        forged[forged.length - 1] ^= 1;

        pair.deliver(new DevicePair.Datagram(genuine.from(), genuine.to(), forged));
        assertThat(pair.deliveredToB).hasSize(1);
        assertThat(pair.b.drops(DropReason.BAD_MAC)).isEqualTo(1);

        // the same counter again, now genuine: the cipher was last initialised with its nonce
        pair.deliver(genuine);
        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("hello", "again");
    }

    @Test
    void aPacketFromOutsideThePeersAllowedIpsIsDropped() {
        DevicePair pair = DevicePair.connected(null).established();

        var spoofed = IpPackets.udp("10.0.9.9", "10.0.2.7", "spoofed");
        pair.a.send(spoofed);
        spoofed.release();
        pair.pump();

        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("hello");
        assertThat(pair.b.drops(DropReason.NOT_ALLOWED_IP)).isEqualTo(1);
    }

    @Test
    void aPacketToNoPeerIsDroppedWithItsReason() {
        DevicePair pair = DevicePair.connected(null);

        var packet = IpPackets.udp("10.0.1.1", "192.0.2.1", "nowhere");
        pair.a.send(packet);
        packet.release();

        assertThat(pair.wire).isEmpty();
        assertThat(pair.a.drops(DropReason.NO_PEER_FOR_DESTINATION)).isEqualTo(1);
    }

    @Test
    void garbageIsMalformed() {
        DevicePair pair = DevicePair.connected(null);

        pair.deliver(new DevicePair.Datagram(A_ADDRESS, B_ADDRESS, new byte[] {1, 0, 0, 0, 5}));

        assertThat(pair.b.drops(DropReason.MALFORMED)).isEqualTo(1);
    }

    @Test
    void theInitiatorRekeysWhenSendingAfter120Seconds() {
        DevicePair pair = DevicePair.connected(null).established();

        pair.clock.advance(Duration.ofSeconds(119));
        pair.aSends("before");
        pair.pump();
        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION)).hasSize(1);

        pair.clock.advance(Duration.ofSeconds(2));
        pair.aSends("after");
        pair.pump();

        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION)).hasSize(2);
        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("hello", "before", "after");
        pair.aSends("on the new keys");
        pair.pump();
        assertThat(pair.deliveredToB).hasSize(4);
    }

    @Test
    void keysAreRejectedAfter180Seconds() {
        DevicePair pair = DevicePair.connected(null).established();
        pair.aSends("held back");
        DevicePair.Datagram late = pair.inFlight.poll();

        pair.clock.advance(Duration.ofSeconds(180));
        pair.deliver(late);
        pair.aSends("needs new keys");

        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("hello");
        assertThat(pair.b.drops(DropReason.STALE)).isEqualTo(1);
        // A did not seal with the expired keys: it queued the packet and initiated
        assertThat(pair.inFlight).extracting(DevicePair.Datagram::type).containsExactly(WireGuardMessages.INITIATION);
        pair.pump();
        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("hello", "needs new keys");
    }

    @Test
    void aReceiverSendsAKeepaliveAfter10SecondsOfSilence() {
        DevicePair pair = DevicePair.connected(null).established();
        int sentByB = pair.sentBy(B_ADDRESS, WireGuardMessages.TRANSPORT).size();

        pair.clock.advance(Duration.ofMillis(9_900));
        pair.b.tick();
        assertThat(pair.sentBy(B_ADDRESS, WireGuardMessages.TRANSPORT)).hasSize(sentByB);

        pair.clock.advance(Duration.ofMillis(100));
        pair.b.tick();

        var keepalives = pair.sentBy(B_ADDRESS, WireGuardMessages.TRANSPORT);
        assertThat(keepalives).hasSize(sentByB + 1);
        assertThat(keepalives.get(keepalives.size() - 1).bytes()).hasSize(WireGuardMessages.TRANSPORT_MIN_LENGTH);
        pair.pump();
        assertThat(pair.deliveredToA).isEmpty();
    }

    @Test
    void anUnansweredInitiationIsRetransmittedAfterTheRekeyTimeoutWithJitter() {
        DevicePair pair = DevicePair.connected(null);
        pair.aSends("lost");
        pair.inFlight.clear();

        pair.clock.advance(Duration.ofMillis(4_999));
        pair.a.tick();
        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION)).hasSize(1);

        pair.clock.advance(Duration.ofMillis(336));
        pair.a.tick();
        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION)).hasSize(2);
        pair.pump();
        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("lost");
    }

    @Test
    void underLoadTheResponderAsksForACookieAndAcceptsTheRetryThatCarriesIt() {
        DevicePair pair = DevicePair.connected(null);
        pair.b.underLoadThreshold(0);

        pair.aSends("through the cookie");
        pair.pump();
        assertThat(pair.sentBy(B_ADDRESS, WireGuardMessages.COOKIE_REPLY)).hasSize(1);
        assertThat(pair.b.drops(DropReason.COOKIE_REQUIRED)).isEqualTo(1);
        assertThat(pair.deliveredToB).isEmpty();

        pair.clock.advance(Duration.ofMillis(5_400));
        pair.a.tick();
        pair.pump();

        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("through the cookie");
        assertThat(pair.b.drops(DropReason.COOKIE_REQUIRED)).isEqualTo(1);
    }

    @Test
    void retransmissionsStopAfterTheRekeyAttemptTimeAndDropTheQueue() {
        DevicePair pair = DevicePair.connected(null);
        pair.aSends("never answered");

        for (int i = 0; i < 30; i++) {
            pair.inFlight.clear();
            pair.clock.advance(Duration.ofMillis(5_400));
            pair.a.tick();
        }

        // the first initiation and MAX_TIMER_HANDSHAKES + 1 retries, as wireguard-go counts them: 90 s and more
        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION))
                .hasSize(WireGuardTimes.MAX_TIMER_HANDSHAKES + 2);
        pair.inFlight.clear();
        pair.aSends("later");
        pair.pump();
        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("later");
    }

    @Test
    void aPersistentKeepaliveBringsTheTunnelUpAndKeepsItWarm() {
        DevicePair pair = new DevicePair();
        pair.aAtB = pair.b.addPeer(WireGuardPeerConfig.of(
                WireGuardKeys.toBase64(WireGuardKeys.publicKey(pair.aKey)), null, "10.0.1.1/32"));
        pair.bAtA =
                pair.a.addPeer(pair.peerB(WireGuardKeys.publicKey(pair.bKey)).withPersistentKeepalive(25));

        pair.pump();
        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.INITIATION)).hasSize(1);
        assertThat(pair.aAtB.lastHandshakeEpochNanos())
                .as("the keepalive confirmed the session")
                .isPositive();
        int transports = pair.sentBy(A_ADDRESS, WireGuardMessages.TRANSPORT).size();

        pair.clock.advance(Duration.ofSeconds(24));
        pair.a.tick();
        assertThat(pair.sentBy(A_ADDRESS, WireGuardMessages.TRANSPORT)).hasSize(transports);
        pair.clock.advance(Duration.ofSeconds(1));
        pair.a.tick();

        var sent = pair.sentBy(A_ADDRESS, WireGuardMessages.TRANSPORT);
        assertThat(sent).hasSize(transports + 1);
        assertThat(sent.get(sent.size() - 1).bytes()).hasSize(WireGuardMessages.TRANSPORT_MIN_LENGTH);
    }

    @Test
    void theInitiatorRekeysAfter2To60MessagesAndNeverSealsPastTheRejectLimit() {
        DevicePair pair = DevicePair.connected(null).established();
        Keypair keys = pair.bAtA.current;

        keys.sendCounter = WireGuardTimes.REKEY_AFTER_MESSAGES + 1;
        pair.clock.advance(Duration.ofSeconds(6)); // initiations are at least the rekey timeout apart
        pair.aSends("rekey now");
        assertThat(pair.inFlight)
                .extracting(DevicePair.Datagram::type)
                .containsExactly(WireGuardMessages.TRANSPORT, WireGuardMessages.INITIATION);
        pair.inFlight.clear();

        keys.sendCounter = WireGuardTimes.REJECT_AFTER_MESSAGES;
        pair.clock.advance(Duration.ofSeconds(6)); // past the rekey timeout, so a new initiation may go
        pair.aSends("not with these keys");
        assertThat(pair.inFlight).extracting(DevicePair.Datagram::type).containsExactly(WireGuardMessages.INITIATION);
        pair.pump();
        assertThat(pair.deliveredToB).extracting(IpPackets::payload).containsExactly("hello", "not with these keys");
    }

    @Test
    void initiationsFromOnePeerFasterThan50ASecondAreAFlood() {
        DevicePair pair = DevicePair.connected(null);
        java.util.List<DevicePair.Datagram> fromTwin = new java.util.ArrayList<>();
        // a second device with A's key and its own handshake state, as after a restart of A
        WireGuardDevice twin = new WireGuardDevice(
                pair.aKey,
                pair.clock,
                (datagram, to) -> fromTwin.add(
                        new DevicePair.Datagram(A_ADDRESS, to, io.netty.buffer.ByteBufUtil.getBytes(datagram))),
                (peer, packet) -> {});
        twin.addPeer(pair.peerB(WireGuardKeys.publicKey(pair.bKey)));
        pair.aSends("first");
        pair.deliver(pair.inFlight.poll());
        assertThat(pair.sentBy(B_ADDRESS, WireGuardMessages.RESPONSE)).hasSize(1);

        pair.clock.advance(Duration.ofMillis(17)); // a newer TAI64N timestamp, within 20 ms
        var packet = IpPackets.udp("10.0.1.1", "10.0.2.7", "second");
        twin.send(packet);
        packet.release();
        pair.deliver(fromTwin.get(0));

        assertThat(pair.b.drops(DropReason.HANDSHAKE_FLOOD)).isEqualTo(1);
        assertThat(pair.sentBy(B_ADDRESS, WireGuardMessages.RESPONSE)).hasSize(1);
    }
}
