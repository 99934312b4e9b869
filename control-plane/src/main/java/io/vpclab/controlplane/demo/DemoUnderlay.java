package io.vpclab.controlplane.demo;

import io.vpclab.client.model.Host;
import io.vpclab.net.VxlanSpec;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the demo's agents listen, so its underlay looks like one: each agent on its own loopback
 * address (127.0.0.1, 127.0.0.2, ... — Linux answers the whole of 127/8 on lo) and all on UDP
 * 4789, VXLAN's port, which tshark and Wireshark decode without options. A port taken on any of
 * those addresses (another demo, a kernel vxlan device) gives way to one free on all of them, with
 * a warning saying how to decode. Hosts an earlier run registered keep the endpoints they were
 * registered with, since the agents reuse those identities.
 */
record DemoUnderlay(List<InetSocketAddress> endpoints, String note, boolean fallback) {

    /** Tries for a port free on every address before giving up. */
    private static final int ATTEMPTS = 50;

    static DemoUnderlay choose(DemoProperties demo, Map<String, Host> registered) throws IOException {
        List<InetSocketAddress> saved = new ArrayList<>();
        for (int i = 1; i <= demo.hosts(); i++) {
            Host host = registered.get(DemoAgents.hostName(i));
            if (host != null) {
                saved.add(new InetSocketAddress(host.getUnderlayIp(), host.getUdpPort()));
            }
        }
        if (saved.size() == demo.hosts()) {
            return new DemoUnderlay(saved, "as registered by an earlier run in this data folder", false);
        }
        List<InetAddress> addresses = addresses(demo);
        if (addresses.stream().distinct().count() < addresses.size()) {
            // Not loopback: one address, so one port per agent (base, base+1, ...), as configured.
            int base = demo.port() > 0 ? demo.port() : VxlanSpec.UDP_PORT;
            List<InetSocketAddress> endpoints = new ArrayList<>();
            for (int i = 0; i < addresses.size(); i++) {
                endpoints.add(new InetSocketAddress(addresses.get(i), base + i));
            }
            return new DemoUnderlay(endpoints, "one address, a port per agent", false);
        }
        int wanted = demo.port() > 0 ? demo.port() : VxlanSpec.UDP_PORT;
        if (freeOnAll(addresses, wanted)) {
            return new DemoUnderlay(
                    on(addresses, wanted),
                    wanted == VxlanSpec.UDP_PORT
                            ? "VXLAN's port: tshark and Wireshark decode captures as VXLAN without options"
                            : "decode captures with tshark -d udp.port==" + wanted + ",vxlan",
                    false);
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(addresses.get(0), 0))) {
                port = probe.getLocalPort();
            }
            if (freeOnAll(addresses, port)) {
                return new DemoUnderlay(
                        on(addresses, port),
                        "UDP " + wanted + " is taken (another demo or agent, or a kernel vxlan device?), so UDP " + port
                                + " instead: decode captures with tshark -d udp.port==" + port + ",vxlan",
                        true);
            }
        }
        throw new IOException("no UDP port is free on every one of " + addresses);
    }

    /** One line for the console: the addresses, the port and why. */
    String describe() {
        return "Demo underlay: agents on "
                + endpoints.stream()
                        .map(e -> e.getAddress().getHostAddress() + ":" + e.getPort())
                        .toList()
                + " (" + note + ")";
    }

    private static List<InetAddress> addresses(DemoProperties demo) throws UnknownHostException {
        InetAddress first = InetAddress.getByName(demo.underlayIp());
        byte[] bytes = first.getAddress();
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < demo.hosts(); i++) {
            if (first.isLoopbackAddress() && bytes.length == 4) {
                int value =
                        ((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff))
                                + i;
                addresses.add(InetAddress.getByAddress(
                        new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value}));
            } else {
                addresses.add(first);
            }
        }
        return addresses;
    }

    private static List<InetSocketAddress> on(List<InetAddress> addresses, int port) {
        return addresses.stream().map(a -> new InetSocketAddress(a, port)).toList();
    }

    private static boolean freeOnAll(List<InetAddress> addresses, int port) {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (InetAddress address : addresses) {
                held.add(new DatagramSocket(new InetSocketAddress(address, port)));
            }
            return true;
        } catch (SocketException taken) {
            return false;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }
}
