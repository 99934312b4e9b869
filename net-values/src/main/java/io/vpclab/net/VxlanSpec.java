package io.vpclab.net;

/** Numbers fixed by the VXLAN specification (RFC 7348), for code that does not touch packets. */
public final class VxlanSpec {

    /** IANA-assigned VXLAN UDP destination port (RFC 7348 s5, "Outer UDP Header"). */
    public static final int UDP_PORT = 4789;
    /** The VXLAN header is 8 bytes (RFC 7348 s5, "VXLAN Header"). */
    public static final int HEADER_LENGTH = 8;
    /**
     * Bytes added over IPv4 and counted against the underlay MTU: inner Ethernet 14 + VXLAN 8 +
     * UDP 8 + IPv4 20 (RFC 7348 s4.3), so a port's MTU is the underlay MTU minus 50.
     */
    public static final int OVERHEAD = 14 + HEADER_LENGTH + 8 + 20;

    private VxlanSpec() {}
}
