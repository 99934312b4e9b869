package io.vpclab.topology.apply;

import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.wireguard.OnPremisesSite;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import io.vpclab.topology.Topology.OnPremisesSiteDecl;
import io.vpclab.topology.Topology.SiteHostDecl;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated on-premises sites this process runs, by server and site name. A site keeps
 * running after the apply that started it (the server's topology applications keep theirs until
 * the server stops; {@code bin/vpclab apply} until the command ends), and a second apply of the
 * same declaration finds it running. Destroy stops it.
 *
 * <p>The site's WireGuard key is derived from its name and LAN, so every apply of a file names the
 * same customer gateway key without storing a secret anywhere. That makes the key guessable: a
 * simulated site is for the lab's loopback, and a real machine (a customer gateway with
 * {@code ipAddress} and {@code publicKey}) holds a key of its own.
 */
final class OnPremisesSites {

    /** A running site and its hosts by name. */
    record Running(OnPremisesSiteDecl decl, OnPremisesSite site, Map<String, SimulatedHost> hosts) {}

    static final String DEFAULT_ADDRESS = "127.0.0.1";

    private static final Map<String, Running> RUNNING = new ConcurrentHashMap<>();

    private OnPremisesSites() {}

    static String address(OnPremisesSiteDecl decl) {
        return decl.address() == null ? DEFAULT_ADDRESS : decl.address();
    }

    static String publicKey(OnPremisesSiteDecl decl) {
        return WireGuardKeys.toBase64(WireGuardKeys.publicKey(privateKey(decl)));
    }

    /** The site of {@code server} as declared, started unless it already runs as declared. */
    static synchronized Running start(String server, OnPremisesSiteDecl decl) {
        String key = server + " " + decl.name();
        Running running = RUNNING.get(key);
        if (running != null && running.decl().equals(decl)) {
            return running;
        }
        if (running != null) {
            running.site().close();
            RUNNING.remove(key);
        }
        OnPremisesSite site = OnPremisesSite.open(
                privateKey(decl), Ipv4Prefix.parse(decl.lanCidrBlock()), new InetSocketAddress(address(decl), 0));
        Map<String, SimulatedHost> hosts = new LinkedHashMap<>();
        try {
            for (SiteHostDecl host : decl.hosts()) {
                SimulatedHost simulated = site.addHost(host.name(), Ipv4Address.parse(host.ip()));
                host.tcpPorts().forEach(simulated::openTcpPort);
                host.udpEchoPorts().forEach(simulated::udpEcho);
                hosts.put(host.name(), simulated);
            }
        } catch (RuntimeException e) {
            site.close();
            throw e;
        }
        running = new Running(decl, site, Map.copyOf(hosts));
        RUNNING.put(key, running);
        return running;
    }

    /** Stops the site if this process runs it; true when it did. */
    static synchronized boolean stop(String server, String siteName) {
        Running running = RUNNING.remove(server + " " + siteName);
        if (running == null) {
            return false;
        }
        running.site().close();
        return true;
    }

    private static byte[] privateKey(OnPremisesSiteDecl decl) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest(("vpclab simulated on-premises site\n" + decl.name() + "\n" + decl.lanCidrBlock())
                            .getBytes(StandardCharsets.UTF_8));
            // clamped as `wg genkey` clamps (RFC 7748 s5)
            key[0] &= (byte) 248;
            key[31] &= 127;
            key[31] |= 64;
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every Java runtime", e);
        }
    }
}
