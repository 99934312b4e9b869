package io.vpclab.dataplane.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.packet.Arp;
import io.vpclab.dataplane.packet.ArpOperation;
import io.vpclab.dataplane.packet.EtherType;
import io.vpclab.dataplane.packet.Ethernet;
import io.vpclab.dataplane.packet.Icmp;
import io.vpclab.dataplane.packet.IcmpType;
import io.vpclab.dataplane.packet.IpProtocol;
import io.vpclab.dataplane.packet.Ipv4;
import io.vpclab.dataplane.packet.Tcp;
import io.vpclab.dataplane.packet.Udp;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An in-process host with a small IPv4 stack on one port: ARP (requests, replies, a cache that
 * resolves the next hop: the target on-link, else the gateway), ICMP echo replies, UDP echo on
 * chosen ports (ICMP port unreachable on the others), and a TCP listener that answers SYN with
 * SYN-ACK on open ports and with RST on closed ones. Its clients send ping, traceroute (UDP or
 * ICMP), TCP port probes and UDP requests, and complete futures with what came back.
 *
 * <p>Threading: the stack runs on the event loop the VTEP starts it on. The client methods and
 * the port configuration may be called from any thread; clients hop onto the loop and their
 * futures complete there.
 */
public final class SimulatedHost implements FrameDevice {

    /** Default TTL of packets the host originates (Linux {@code ip_default_ttl}). */
    public static final int DEFAULT_TTL = 64;
    /** First destination port of UDP traceroute probes (traceroute(8) default). */
    public static final int TRACEROUTE_BASE_PORT = 33434;
    /** Bytes of data in an echo request, as ping(8) sends by default. */
    public static final int ECHO_DATA = 56;
    /**
     * The largest IPv4 packet a sized probe may be: the Ethernet MTU a host assumes when it ignores
     * the MTU its DHCP offer carries, so an oversize probe reaches the VTEP and is answered there.
     */
    public static final int ETHERNET_MTU = 1500;
    /** Most broadcasts one burst may send: a lesson's storm stays bounded. */
    public static final int MAX_BURST = 1000;
    /** TCP option kind of the maximum segment size (RFC 9293 s3.2), 4 bytes long. */
    private static final int TCP_OPTION_MSS = 2;

    private static final int TCP_MSS_OPTION_LENGTH = 4;
    /** How long an unresolved neighbour keeps its queued packets. */
    static final Duration ARP_TIMEOUT = Duration.ofSeconds(1);
    /** TCP window advertised in SYN-ACKs; the listener never receives data, so any value works. */
    private static final int TCP_WINDOW = 64240;

    /** The first source port of a connection this host starts: Linux's default ip_local_port_range. */
    public static final int EPHEMERAL_FIRST = 32768;
    /** The last one, as Linux's default (netns instances are Linux, so both kinds pick alike). */
    public static final int EPHEMERAL_LAST = 60999;

    private static final int EPHEMERAL_COUNT = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;

    private final String name;
    private final long mac;
    private final int ip;
    private final Ipv4Prefix subnet;
    private final int gateway;
    private final int mtu;
    private final Set<Integer> openTcpPorts = ConcurrentHashMap.newKeySet();
    private final Set<Integer> udpEchoPorts = ConcurrentHashMap.newKeySet();
    private final ArpCache arp = new ArpCache();
    private final ProbeTable probes = new ProbeTable();
    private final Map<Long, Long> halfOpen = new HashMap<>();
    private final SplittableRandom random;
    private final int echoIdentifier;
    private int nextSequence;
    private int nextEphemeral;
    private int nextIpId;
    private volatile long handshakesCompleted;
    private volatile EventLoop loop;
    private FrameSink sink;
    private boolean closed;

    public SimulatedHost(String name, MacAddress mac, Ipv4Address ip, int prefixLength, Ipv4Address gateway, int mtu) {
        if (mac == null || mac.isMulticast()) {
            throw new IllegalArgumentException("host " + name + ": a unicast MAC is required: " + mac);
        }
        if (ip == null) {
            throw new IllegalArgumentException("host " + name + ": an IPv4 address is required");
        }
        this.name = name;
        this.mac = mac.bits();
        this.ip = ip.bits();
        this.subnet = new Ipv4Prefix(ip.bits(), prefixLength);
        this.gateway = gateway == null ? 0 : gateway.bits();
        this.mtu = mtu;
        this.random = new SplittableRandom(mac.bits() ^ ip.bits());
        this.echoIdentifier = random.nextInt(1 << 16);
        this.nextEphemeral = random.nextInt(EPHEMERAL_COUNT);
    }

    /** A host configured like the table's port: its MAC, address, prefix, gateway and MTU. */
    public static SimulatedHost forPort(LocalPort port) {
        return new SimulatedHost(
                port.name(), port.mac(), port.ipAddress(), port.prefixLength(), port.gatewayIp(), port.mtu());
    }

    // ---- configuration (any thread) ----------------------------------------------------

    /** Accepts TCP connections on {@code port} (SYN-ACK); other ports answer RST. */
    public SimulatedHost openTcpPort(int port) {
        openTcpPorts.add(checkPort(port));
        return this;
    }

    /** Echoes UDP datagrams sent to {@code port} back to their sender. */
    public SimulatedHost udpEcho(int port) {
        udpEchoPorts.add(checkPort(port));
        return this;
    }

    /** TCP handshakes completed on open ports (the client's ACK of our SYN-ACK arrived). */
    public long handshakesCompleted() {
        return handshakesCompleted;
    }

    public Ipv4Address ip() {
        return new Ipv4Address(ip);
    }

    public MacAddress mac() {
        return new MacAddress(mac);
    }

    // ---- clients (any thread) ------------------------------------------------------------

    /** Sends {@code count} echo requests one after the other, each waiting up to {@code timeout}. */
    public CompletableFuture<PingResult> ping(Ipv4Address target, int count, Duration timeout) {
        return onLoop(
                () -> pingLoop(target.bits(), count, timeout, new Echo(ECHO_DATA, false, mtu), new ArrayList<>()));
    }

    /**
     * Sends {@code count} echo requests of {@code dataBytes} bytes of data (ping -s), with DF set when
     * {@code dontFragment} (ping -M do). Up to {@link #ETHERNET_MTU}, a probe larger than this host's
     * own MTU still leaves, as from a host on a 1500-byte link: the VTEP's answer is what it shows.
     */
    public CompletableFuture<PingResult> ping(
            Ipv4Address target, int count, Duration timeout, int dataBytes, boolean dontFragment) {
        if (dataBytes < 0 || Ipv4.MIN_HEADER_LENGTH + Icmp.HEADER_LENGTH + dataBytes > ETHERNET_MTU) {
            throw new IllegalArgumentException("ping data must be 0.."
                    + (ETHERNET_MTU - Ipv4.MIN_HEADER_LENGTH - Icmp.HEADER_LENGTH) + " bytes: " + dataBytes);
        }
        int linkMtu = Math.max(mtu, ETHERNET_MTU);
        return onLoop(() ->
                pingLoop(target.bits(), count, timeout, new Echo(dataBytes, dontFragment, linkMtu), new ArrayList<>()));
    }

    /**
     * Sends {@code count} broadcast ARP requests for {@code target} back to back (a bounded broadcast
     * storm) and completes with the number sent; answers are learned as usual.
     */
    public CompletableFuture<Integer> arpBurst(Ipv4Address target, int count) {
        if (count < 1 || count > MAX_BURST) {
            throw new IllegalArgumentException("a burst is 1.." + MAX_BURST + " broadcasts: " + count);
        }
        return onLoop(() -> {
            for (int i = 0; i < count; i++) {
                sendArpRequest(target.bits());
            }
            return CompletableFuture.completedFuture(count);
        });
    }

    /** One echo request with a chosen TTL. */
    public CompletableFuture<ProbeReply> echo(Ipv4Address target, int ttl, Duration timeout) {
        return onLoop(() -> sendEcho(target.bits(), ttl, timeout));
    }

    /** Traceroute with {@code probe}s at TTL 1 up to {@code maxHops}, until the target answers. */
    public CompletableFuture<TracerouteResult> traceroute(
            Ipv4Address target, int maxHops, TracerouteProbe probe, Duration timeout) {
        return onLoop(() -> traceLoop(target.bits(), 1, maxHops, probe, timeout, new ArrayList<>()))
                .thenApply(hops -> new TracerouteResult(target, hops));
    }

    /** SYN to {@code port}: SYN-ACK means open (we reset it, as nmap -sS does), RST closed, silence filtered. */
    public CompletableFuture<PortState> probeTcp(Ipv4Address target, int port, Duration timeout) {
        checkPort(port);
        return onLoop(() -> sendSyn(target.bits(), port, timeout)).thenApply(reply -> switch (reply.kind()) {
            case TCP_SYN_ACK -> PortState.OPEN;
            case TCP_RESET -> PortState.CLOSED;
            default -> PortState.FILTERED;
        });
    }

    /** One UDP datagram from an ephemeral port; the reply carries the answer's payload. */
    public CompletableFuture<ProbeReply> udpRequest(Ipv4Address target, int port, byte[] payload, Duration timeout) {
        checkPort(port);
        byte[] data = payload.clone();
        return onLoop(() -> sendUdpProbe(target.bits(), ephemeralPort(), port, DEFAULT_TTL, data, timeout));
    }

    // ---- FrameDevice -----------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(EventLoop loop, FrameSink sink) {
        this.sink = sink;
        this.loop = loop;
    }

    /** A frame from the VTEP; handled in a task of its own so replies never re-enter the pipeline. */
    @Override
    public void write(ByteBuf frame) {
        loop.execute(() -> {
            try {
                if (!closed) {
                    receive(frame);
                }
            } finally {
                frame.release();
            }
        });
    }

    @Override
    public void close() {
        EventLoop current = loop;
        if (current == null || current.inEventLoop() || current.isShuttingDown()) {
            // nothing else runs on a loop that is going away, so the cleanup is safe here
            shutdown();
            return;
        }
        try {
            current.submit(this::shutdown).awaitUninterruptibly(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException loopEnded) {
            shutdown();
        }
    }

    private void shutdown() {
        closed = true;
        arp.clear();
        probes.cancelAll();
    }

    // ---- receive ---------------------------------------------------------------------------

    /** Handles one frame addressed to the host; package-private so the fuzz test can drive it. Does not release. */
    void receive(ByteBuf frame) {
        int offset = frame.readerIndex();
        if (frame.readableBytes() < Ethernet.HEADER_LENGTH) {
            return;
        }
        long destination = Ethernet.destination(frame, offset);
        if (destination != mac && !MacAddress.isMulticast(destination)) {
            return;
        }
        int payload = offset + Ethernet.HEADER_LENGTH;
        switch (Ethernet.etherType(frame, offset)) {
            case EtherType.ARP_VALUE -> receiveArp(frame, payload);
            case EtherType.IPV4_VALUE -> receiveIpv4(frame, payload);
            default -> {}
        }
    }

    private void receiveArp(ByteBuf frame, int arpOffset) {
        if (!Arp.isEthernetIpv4(frame, arpOffset)) {
            return;
        }
        int senderIp = Arp.senderIp(frame, arpOffset);
        long senderMac = Arp.senderMac(frame, arpOffset);
        int target = Arp.targetIp(frame, arpOffset);
        if (senderIp != 0
                && !MacAddress.isMulticast(senderMac)
                && (target == ip
                        || arp.lookup(senderIp) >= 0
                        || Arp.operation(frame, arpOffset) == ArpOperation.REPLY_VALUE)) {
            learn(senderIp, senderMac);
        }
        if (Arp.operation(frame, arpOffset) == ArpOperation.REQUEST_VALUE && target == ip) {
            ByteBuf reply = newFrame(Arp.LENGTH);
            int at = Ethernet.write(reply, reply.readerIndex(), senderMac, mac, EtherType.ARP_VALUE);
            Arp.write(reply, at, ArpOperation.REPLY, mac, ip, senderMac, senderIp);
            emit(reply);
        }
    }

    private void receiveIpv4(ByteBuf frame, int ipOffset) {
        if (!Ipv4.isValid(frame, ipOffset)
                || !Ipv4.verifyChecksum(frame, ipOffset)
                || Ipv4.destination(frame, ipOffset) != ip
                || Ipv4.isFragment(frame, ipOffset)) {
            return;
        }
        int headerLength = Ipv4.headerLength(frame, ipOffset);
        int l4 = ipOffset + headerLength;
        int l4Length = Ipv4.totalLength(frame, ipOffset) - headerLength;
        int source = Ipv4.source(frame, ipOffset);
        int ttl = Ipv4.ttl(frame, ipOffset);
        switch (Ipv4.protocol(frame, ipOffset)) {
            case IpProtocol.ICMP_VALUE -> receiveIcmp(frame, ipOffset, l4, l4Length, source, ttl);
            case IpProtocol.UDP_VALUE -> receiveUdp(frame, ipOffset, l4, l4Length, source, ttl);
            case IpProtocol.TCP_VALUE -> receiveTcp(frame, l4, l4Length, source, ttl);
            default -> {}
        }
    }

    private void receiveIcmp(ByteBuf frame, int ipOffset, int icmp, int length, int source, int ttl) {
        if (length < Icmp.HEADER_LENGTH || !Icmp.verifyChecksum(frame, icmp, length)) {
            return;
        }
        switch (Icmp.type(frame, icmp)) {
            case IcmpType.ECHO_REQUEST_VALUE -> {
                ByteBuf reply = newIpPacket(source, IpProtocol.ICMP_VALUE, DEFAULT_TTL, length);
                int at = l4Offset(reply);
                reply.setBytes(at, frame, icmp, length);
                Icmp.write(reply, at, length, IcmpType.ECHO_REPLY_VALUE, 0, frame.getInt(icmp + 4));
                sendIp(reply, source);
            }
            case IcmpType.ECHO_REPLY_VALUE -> {
                if (Icmp.identifier(frame, icmp) == echoIdentifier) {
                    complete(
                            ProbeTable.echoKey(Icmp.sequence(frame, icmp)),
                            ProbeReply.Kind.ECHO_REPLY,
                            source,
                            ttl,
                            null);
                }
            }
            case IcmpType.TIME_EXCEEDED_VALUE, IcmpType.DESTINATION_UNREACHABLE_VALUE -> {
                long key = quotedProbeKey(frame, Icmp.quotedPacket(icmp), length - Icmp.HEADER_LENGTH);
                boolean fragmentationNeeded = Icmp.type(frame, icmp) == IcmpType.DESTINATION_UNREACHABLE_VALUE
                        && Icmp.code(frame, icmp) == Icmp.CODE_FRAGMENTATION_NEEDED;
                ProbeReply.Kind kind = Icmp.type(frame, icmp) == IcmpType.TIME_EXCEEDED_VALUE
                        ? ProbeReply.Kind.TIME_EXCEEDED
                        : fragmentationNeeded ? ProbeReply.Kind.FRAGMENTATION_NEEDED : ProbeReply.Kind.UNREACHABLE;
                // RFC 1191 s4: the next-hop MTU is the low 16 bits of the word after the checksum
                int nextHopMtu = fragmentationNeeded ? frame.getUnsignedShort(icmp + 6) : 0;
                if (key != 0) {
                    probes.complete(key, kind, source, ttl, null, nextHopMtu);
                }
            }
            default -> {}
        }
    }

    /** The key of the probe an ICMP error quotes (its IP header + 8 bytes), or 0. */
    private long quotedProbeKey(ByteBuf frame, int quoted, int quotedLength) {
        if (quotedLength < Ipv4.MIN_HEADER_LENGTH + 8
                || Ipv4.version(frame, quoted) != 4
                || Ipv4.source(frame, quoted) != ip) {
            return 0;
        }
        int headerLength = Ipv4.headerLength(frame, quoted);
        if (headerLength < Ipv4.MIN_HEADER_LENGTH || quotedLength < headerLength + 8) {
            return 0;
        }
        int l4 = quoted + headerLength;
        return switch (Ipv4.protocol(frame, quoted)) {
            case IpProtocol.UDP_VALUE -> ProbeTable.udpKey(Udp.sourcePort(frame, l4), Udp.destinationPort(frame, l4));
            case IpProtocol.TCP_VALUE -> ProbeTable.tcpKey(Tcp.sourcePort(frame, l4), Tcp.destinationPort(frame, l4));
            case IpProtocol.ICMP_VALUE ->
                Icmp.identifier(frame, l4) == echoIdentifier ? ProbeTable.echoKey(Icmp.sequence(frame, l4)) : 0;
            default -> 0;
        };
    }

    private void receiveUdp(ByteBuf frame, int ipOffset, int udp, int length, int source, int ttl) {
        if (length < Udp.HEADER_LENGTH
                || Udp.length(frame, udp) < Udp.HEADER_LENGTH
                || Udp.length(frame, udp) > length
                || !Udp.verifyChecksum(frame, udp, source, ip)) {
            return;
        }
        int sourcePort = Udp.sourcePort(frame, udp);
        int destinationPort = Udp.destinationPort(frame, udp);
        int dataLength = Udp.length(frame, udp) - Udp.HEADER_LENGTH;
        if (udpEchoPorts.contains(destinationPort)) {
            byte[] data = ByteBufUtil.getBytes(frame, udp + Udp.HEADER_LENGTH, dataLength);
            sendUdp(source, destinationPort, sourcePort, DEFAULT_TTL, data);
            return;
        }
        long key = ProbeTable.udpKey(destinationPort, sourcePort);
        if (probes.isWaiting(key)) {
            complete(
                    key,
                    ProbeReply.Kind.UDP_REPLY,
                    source,
                    ttl,
                    ByteBufUtil.getBytes(frame, udp + Udp.HEADER_LENGTH, dataLength));
            return;
        }
        portUnreachable(frame, ipOffset, source);
    }

    /** ICMP port unreachable (RFC 1122 s4.1.3.1), quoting the IP header and 8 bytes. */
    private void portUnreachable(ByteBuf frame, int ipOffset, int source) {
        int length = Icmp.HEADER_LENGTH + Icmp.errorQuoteLength(frame, ipOffset);
        ByteBuf reply = newIpPacket(source, IpProtocol.ICMP_VALUE, DEFAULT_TTL, length);
        Icmp.writeError(
                reply,
                l4Offset(reply),
                frame,
                ipOffset,
                IcmpType.DESTINATION_UNREACHABLE_VALUE,
                Icmp.CODE_PORT_UNREACHABLE,
                0);
        sendIp(reply, source);
    }

    private void receiveTcp(ByteBuf frame, int tcp, int length, int source, int ttl) {
        if (length < Tcp.MIN_HEADER_LENGTH || !Tcp.verifyChecksum(frame, tcp, length, source, ip)) {
            return;
        }
        int flags = Tcp.flags(frame, tcp);
        int sourcePort = Tcp.sourcePort(frame, tcp);
        int destinationPort = Tcp.destinationPort(frame, tcp);
        long sequence = Tcp.sequence(frame, tcp);
        long acknowledgment = Tcp.acknowledgment(frame, tcp);
        long probeKey = ProbeTable.tcpKey(destinationPort, sourcePort);
        if ((flags & Tcp.RST) != 0) {
            complete(probeKey, ProbeReply.Kind.TCP_RESET, source, ttl, null);
            return;
        }
        if ((flags & (Tcp.SYN | Tcp.ACK)) == (Tcp.SYN | Tcp.ACK)) {
            if (complete(probeKey, ProbeReply.Kind.TCP_SYN_ACK, source, ttl, null)) {
                sendTcp(source, destinationPort, sourcePort, acknowledgment, 0, Tcp.RST);
            }
            return;
        }
        if ((flags & Tcp.SYN) != 0) {
            if (openTcpPorts.contains(destinationPort)) {
                long initialSequence = random.nextInt() & 0xFFFF_FFFFL;
                halfOpen.put(connectionKey(source, sourcePort, destinationPort), (initialSequence + 1) & 0xFFFF_FFFFL);
                sendTcp(
                        source,
                        destinationPort,
                        sourcePort,
                        initialSequence,
                        (sequence + 1) & 0xFFFF_FFFFL,
                        Tcp.SYN | Tcp.ACK);
            } else {
                sendTcp(source, destinationPort, sourcePort, 0, (sequence + 1) & 0xFFFF_FFFFL, Tcp.RST | Tcp.ACK);
            }
            return;
        }
        if ((flags & Tcp.ACK) != 0) {
            Long expected = halfOpen.get(connectionKey(source, sourcePort, destinationPort));
            if (expected != null && expected == acknowledgment) {
                halfOpen.remove(connectionKey(source, sourcePort, destinationPort));
                handshakesCompleted++;
            } else if (expected == null && !openTcpPorts.contains(destinationPort)) {
                sendTcp(source, destinationPort, sourcePort, acknowledgment, 0, Tcp.RST); // RFC 9293 s3.10.7.1
            }
        }
    }

    // ---- probes ----------------------------------------------------------------------------

    private CompletableFuture<PingResult> pingLoop(
            int target, int remaining, Duration timeout, Echo echo, List<ProbeReply> replies) {
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(new PingResult(replies));
        }
        return sendEcho(target, DEFAULT_TTL, timeout, echo).thenCompose(reply -> {
            replies.add(reply);
            return pingLoop(target, remaining - 1, timeout, echo, replies);
        });
    }

    /** What an echo request carries: its data length, whether DF is set, and the link MTU it is sent on. */
    private record Echo(int dataBytes, boolean dontFragment, int linkMtu) {}

    private CompletableFuture<List<ProbeReply>> traceLoop(
            int target, int ttl, int maxHops, TracerouteProbe probe, Duration timeout, List<ProbeReply> hops) {
        if (ttl > maxHops) {
            return CompletableFuture.completedFuture(hops);
        }
        CompletableFuture<ProbeReply> sent = switch (probe) {
            case ICMP_ECHO -> sendEcho(target, ttl, timeout);
            case UDP ->
                sendUdpProbe(target, ephemeralPort(), TRACEROUTE_BASE_PORT + ttl - 1, ttl, new byte[32], timeout);
        };
        return sent.thenCompose(reply -> {
            hops.add(reply);
            if (reply.answered() && reply.from().bits() == target) {
                return CompletableFuture.completedFuture(hops);
            }
            return traceLoop(target, ttl + 1, maxHops, probe, timeout, hops);
        });
    }

    private CompletableFuture<ProbeReply> sendEcho(int target, int ttl, Duration timeout) {
        return sendEcho(target, ttl, timeout, new Echo(ECHO_DATA, false, mtu));
    }

    private CompletableFuture<ProbeReply> sendEcho(int target, int ttl, Duration timeout, Echo echo) {
        int dataBytes = echo.dataBytes();
        int sequence = nextSequence++ & 0xFFFF;
        int length = Icmp.HEADER_LENGTH + dataBytes;
        return probe(ProbeTable.echoKey(sequence), timeout, () -> {
            ByteBuf packet = newIpPacket(target, IpProtocol.ICMP_VALUE, ttl, length);
            int at = l4Offset(packet);
            for (int i = 0; i < dataBytes; i++) {
                packet.setByte(at + Icmp.HEADER_LENGTH + i, i);
            }
            Icmp.write(packet, at, length, IcmpType.ECHO_REQUEST_VALUE, 0, (echoIdentifier << 16) | sequence);
            if (echo.dontFragment()) {
                int ipOffset = packet.readerIndex() + Ethernet.HEADER_LENGTH;
                packet.setShort(ipOffset + 6, Ipv4.FLAG_DONT_FRAGMENT);
                Ipv4.updateChecksum(packet, ipOffset);
            }
            sendIp(packet, target, echo.linkMtu());
        });
    }

    private CompletableFuture<ProbeReply> sendSyn(int target, int port, Duration timeout) {
        int localPort = ephemeralPort();
        return probe(
                ProbeTable.tcpKey(localPort, port),
                timeout,
                () -> sendTcp(target, localPort, port, random.nextInt() & 0xFFFF_FFFFL, 0, Tcp.SYN));
    }

    private CompletableFuture<ProbeReply> sendUdpProbe(
            int target, int localPort, int port, int ttl, byte[] data, Duration timeout) {
        return probe(ProbeTable.udpKey(localPort, port), timeout, () -> sendUdp(target, localPort, port, ttl, data));
    }

    private CompletableFuture<ProbeReply> probe(long key, Duration timeout, Runnable send) {
        return probes.start(loop, key, timeout, send);
    }

    private boolean complete(long key, ProbeReply.Kind kind, int from, int ttl, byte[] payload) {
        return probes.complete(key, kind, from, ttl, payload);
    }

    private static long connectionKey(int remoteIp, int remotePort, int localPort) {
        return ((remoteIp & 0xFFFF_FFFFL) << 32) | ((long) remotePort << 16) | localPort;
    }

    private int ephemeralPort() {
        nextEphemeral = (nextEphemeral + 1) % EPHEMERAL_COUNT;
        return EPHEMERAL_FIRST + nextEphemeral;
    }

    // ---- send ------------------------------------------------------------------------------

    private void sendUdp(int target, int sourcePort, int destinationPort, int ttl, byte[] data) {
        int length = Udp.HEADER_LENGTH + data.length;
        ByteBuf packet = newIpPacket(target, IpProtocol.UDP_VALUE, ttl, length);
        int at = l4Offset(packet);
        Udp.write(packet, at, sourcePort, destinationPort, length);
        packet.setBytes(at + Udp.HEADER_LENGTH, data);
        Udp.updateChecksum(packet, at, ip, target);
        sendIp(packet, target);
    }

    private void sendTcp(
            int target, int sourcePort, int destinationPort, long sequence, long acknowledgment, int flags) {
        // a SYN announces the largest segment this host takes: its MTU minus the IPv4 and TCP headers
        boolean syn = (flags & Tcp.SYN) != 0;
        int headerLength = Tcp.MIN_HEADER_LENGTH + (syn ? TCP_MSS_OPTION_LENGTH : 0);
        ByteBuf packet = newIpPacket(target, IpProtocol.TCP_VALUE, DEFAULT_TTL, headerLength);
        int at = l4Offset(packet);
        Tcp.write(packet, at, sourcePort, destinationPort, sequence, acknowledgment, flags, TCP_WINDOW);
        if (syn) {
            packet.setByte(at + 12, (headerLength / 4) << 4);
            packet.setByte(at + Tcp.MIN_HEADER_LENGTH, TCP_OPTION_MSS);
            packet.setByte(at + Tcp.MIN_HEADER_LENGTH + 1, TCP_MSS_OPTION_LENGTH);
            packet.setShort(at + Tcp.MIN_HEADER_LENGTH + 2, mtu - Ipv4.MIN_HEADER_LENGTH - Tcp.MIN_HEADER_LENGTH);
        }
        Tcp.updateChecksum(packet, at, headerLength, ip, target);
        sendIp(packet, target);
    }

    /** A frame with headroom and room for {@code payloadLength} bytes after the Ethernet header. */
    private ByteBuf newFrame(int payloadLength) {
        int length = Ethernet.HEADER_LENGTH + payloadLength;
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(HEADROOM + length);
        frame.writerIndex(HEADROOM + length).readerIndex(HEADROOM);
        return frame;
    }

    /** A frame with the Ethernet source and an IPv4 header written; the destination MAC comes at send time. */
    private ByteBuf newIpPacket(int destination, int protocol, int ttl, int l4Length) {
        ByteBuf frame = newFrame(Ipv4.MIN_HEADER_LENGTH + l4Length);
        int at = Ethernet.write(frame, frame.readerIndex(), 0, mac, EtherType.IPV4_VALUE);
        Ipv4.write(frame, at, Ipv4.MIN_HEADER_LENGTH + l4Length, nextIpId++ & 0xFFFF, ttl, protocol, ip, destination);
        return frame;
    }

    private static int l4Offset(ByteBuf frame) {
        return frame.readerIndex() + Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
    }

    private void sendIp(ByteBuf frame, int destination) {
        sendIp(frame, destination, mtu);
    }

    /** Resolves the next hop (the target on-link, else the gateway) and sends, or queues behind an ARP request. */
    private void sendIp(ByteBuf frame, int destination, int linkMtu) {
        if (closed || frame.readableBytes() - Ethernet.HEADER_LENGTH > linkMtu) {
            frame.release();
            return;
        }
        int nextHop = subnet.contains(destination) ? destination : gateway;
        if (nextHop == 0) {
            frame.release(); // no route: off-link without a gateway
            return;
        }
        long nextHopMac = arp.lookup(nextHop);
        if (nextHopMac >= 0) {
            Ethernet.setDestination(frame, frame.readerIndex(), nextHopMac);
            emit(frame);
            return;
        }
        if (arp.hold(nextHop, frame)) {
            sendArpRequest(nextHop);
            loop.schedule(
                    () -> {
                        if (arp.lookup(nextHop) < 0) {
                            arp.fail(nextHop);
                        }
                    },
                    ARP_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void sendArpRequest(int target) {
        ByteBuf request = newFrame(Arp.LENGTH);
        int at = Ethernet.write(request, request.readerIndex(), MacAddress.BROADCAST.bits(), mac, EtherType.ARP_VALUE);
        Arp.write(request, at, ArpOperation.REQUEST, mac, ip, 0, target);
        emit(request);
    }

    private void learn(int neighbour, long neighbourMac) {
        arp.learn(neighbour, neighbourMac);
        for (ByteBuf waiting : arp.release(neighbour)) {
            Ethernet.setDestination(waiting, waiting.readerIndex(), neighbourMac);
            emit(waiting);
        }
    }

    private void emit(ByteBuf frame) {
        if (closed || sink == null) {
            frame.release();
            return;
        }
        sink.accept(frame);
    }

    private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> call) {
        EventLoop current = loop;
        if (current == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("host " + name + " is not attached to a VTEP"));
        }
        if (current.inEventLoop()) {
            return call.get();
        }
        return CompletableFuture.supplyAsync(call, current).thenCompose(f -> f);
    }

    private static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        return port;
    }
}
