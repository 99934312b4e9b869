package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.agent.linux.Lab;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * UDP GSO traffic between two namespaces with python3: the sender writes runs of datagrams with
 * {@code UDP_SEGMENT} (one write, one USO burst where the TAP has USO, else the kernel cuts it
 * before the TAP), the receiver, a plain socket, checks each datagram's length and payload against
 * the pattern its number names and counts the distinct good ones. Every loop is bounded: the
 * sender by its write count, the receiver by the count it expects and an idle timeout.
 */
final class UdpSegmentProbe {

    /** Each datagram: its number (4 bytes) then a slice of a fixed pattern that the number selects. */
    private static final String PATTERN = """
            import socket, sys, time
            BASE = bytes(range(256)) * 8
            def datagram(n, size):
                return n.to_bytes(4, 'big') + BASE[n % 251:n % 251 + size - 4]
            """;

    private static final String SENDER = PATTERN + """
            host, port, gso, writes, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(17, 103, gso)  # SOL_UDP, UDP_SEGMENT
            s.connect((host, port))
            for w in range(writes):
                first = w * per
                run = b''.join(datagram(first + i, gso) for i in range(per - 1)) + datagram(first + per - 1, 100)
                s.send(run)
                time.sleep(0.02)  # pacing, so a socket buffer on the way never overflows
            print('sent', writes * per, flush=True)
            """;

    private static final String RECEIVER = PATTERN + """
            port, expected, gso = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
            s.bind(('0.0.0.0', port))
            s.settimeout(10)
            print('ready', flush=True)
            good, bad = set(), 0
            while len(good) < expected:
                try:
                    d = s.recv(65535)
                except socket.timeout:
                    break
                n = int.from_bytes(d[:4], 'big')
                if len(d) in (gso, 100) and d == datagram(n, len(d)):
                    good.add(n)
                else:
                    bad += 1
            print('received', len(good), 'bad', bad, flush=True)
            """;

    private static final Pattern RECEIVED = Pattern.compile("received (\\d+) bad (\\d+)");

    private UdpSegmentProbe() {}

    /** The good datagrams and the bad ones the receiver in {@code serverNamespace} counted. */
    record Received(int good, int bad) {}

    /**
     * Sends {@code writes} UDP_SEGMENT writes of {@code perWrite} datagrams (all of {@code gsoSize}
     * bytes but the last of each write, 100 bytes) from {@code clientNamespace} to
     * {@code serverIp}:{@code port} and returns what the receiver in {@code serverNamespace} got.
     */
    static Received send(
            Lab lab,
            String clientNamespace,
            String serverNamespace,
            String serverIp,
            int port,
            int gsoSize,
            int writes,
            int perWrite) {
        int expected = writes * perWrite;
        Lab.Background receiver = lab.start(
                "udp-gso-receiver-" + port,
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        serverNamespace,
                        "python3",
                        "-c",
                        RECEIVER,
                        "" + port,
                        "" + expected,
                        "" + gsoSize));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.output().contains("ready"));
            Lab.Result sent = Lab.exec(
                    "timeout",
                    "30",
                    "ip",
                    "netns",
                    "exec",
                    clientNamespace,
                    "python3",
                    "-c",
                    SENDER,
                    serverIp,
                    "" + port,
                    "" + gsoSize,
                    "" + writes,
                    "" + perWrite);
            assertThat(sent.exit()).as(sent.output()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.process.isAlive());
            Matcher m = RECEIVED.matcher(receiver.output());
            assertThat(m.find())
                    .as("the receiver's count: %s", receiver.output())
                    .isTrue();
            return new Received(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } finally {
            receiver.stop();
        }
    }
}
