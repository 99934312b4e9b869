package io.vpclab.dataplane.wireguard;

/** Why a datagram or a packet was not handed over; the endpoint counts each. */
public enum DropReason {
    /** Not a well-formed WireGuard message, or a decrypted packet that is no IPv4 packet. */
    MALFORMED,
    /** A handshake from a static key that is no peer, or a message for an index nobody holds. */
    UNKNOWN_PEER,
    /** mac1, mac2, a handshake field or a transport tag that does not verify. */
    BAD_MAC,
    /** A transport counter seen before or behind the window, or an initiation timestamp not newer than the last. */
    REPLAYED,
    /** A decrypted packet whose source address is not in the sending peer's allowed IPs. */
    NOT_ALLOWED_IP,
    /** A transport message for a key past its reject-after time or message count. */
    STALE,
    /** More than 50 initiations a second from one peer. */
    HANDSHAKE_FLOOD,
    /** A handshake message without a valid mac2 while under load: answered with a cookie reply. */
    COOKIE_REQUIRED,
    /** An outgoing packet whose destination is in no peer's allowed IPs. */
    NO_PEER_FOR_DESTINATION,
    /** An outgoing packet for a peer whose endpoint is not known yet. */
    NO_ENDPOINT,
    /**
     * An outgoing packet pushed out of the full handshake queue, or refused while the socket's send
     * buffer is full (a flood faster than the underlay: dropped, not queued without bound).
     */
    QUEUE_FULL
}
