package io.vpclab.dataplane.wireguard;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A wg-quick file read as wg-quick reads it: {@code [Interface]} and {@code [Peer]} headers,
 * {@code Key = Value} lines, {@code #} comments. The control plane writes one per VPN connection
 * for the on-premises side ({@code GET /vpn-connections/{id}/configuration}); whoever plays that
 * side (the topology tool's simulated sites, tests) reads it back here, so the format has one
 * reader. Malformed text is refused with an {@link IllegalArgumentException} that names the line.
 *
 * @param sections the section names in file order, each once
 * @param valuesBySection each section's keys and values, in file order
 * @param commentsBySection each section's comment lines, without the {@code #}
 */
public record WgQuickFile(
        List<String> sections,
        Map<String, Map<String, String>> valuesBySection,
        Map<String, List<String>> commentsBySection) {

    /** wg-quick's keepalive when the file gives none: off. */
    static final int NO_KEEPALIVE = 0;

    private static final List<String> SECTIONS = List.of("Interface", "Peer");

    public WgQuickFile {
        sections = List.copyOf(sections);
        valuesBySection = Collections.unmodifiableMap(new LinkedHashMap<>(valuesBySection));
        commentsBySection = Collections.unmodifiableMap(new LinkedHashMap<>(commentsBySection));
    }

    public static WgQuickFile parse(String text) {
        List<String> sections = new ArrayList<>();
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        Map<String, List<String>> comments = new LinkedHashMap<>();
        String section = null;
        String[] lines = text.split("\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = lines[number - 1].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (section != null) {
                    comments.get(section).add(line.substring(1).strip());
                }
                continue;
            }
            if (line.startsWith("[")) {
                section = line.endsWith("]") ? line.substring(1, line.length() - 1) : line;
                if (!SECTIONS.contains(section)) {
                    throw refused(number, line, "is not a section wg-quick knows ([Interface] or [Peer])");
                }
                if (sections.contains(section)) {
                    throw refused(number, line, "repeats a section (one [Interface] and one [Peer] here)");
                }
                sections.add(section);
                values.put(section, new LinkedHashMap<>());
                comments.put(section, new ArrayList<>());
                continue;
            }
            if (section == null) {
                throw refused(number, line, "stands before any [Interface] or [Peer] header");
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw refused(number, line, "is not Key = Value");
            }
            String key = line.substring(0, equals).strip();
            if (values.get(section).putIfAbsent(key, line.substring(equals + 1).strip()) != null) {
                throw refused(number, line, "gives " + key + " a second time in [" + section + "]");
            }
        }
        return new WgQuickFile(sections, values, comments);
    }

    /** A section's keys and values, empty when the file has no such section. */
    public Map<String, String> values(String section) {
        return Collections.unmodifiableMap(valuesBySection.getOrDefault(section, Map.of()));
    }

    /** A section's comment lines, empty when the file has no such section. */
    public List<String> commentsOf(String section) {
        return Collections.unmodifiableList(commentsBySection.getOrDefault(section, List.of()));
    }

    /** The {@code [Peer]} section as {@code wg set} takes it; refused when a key it needs is missing or malformed. */
    public WireGuardPeerConfig peer() {
        if (!sections.contains("Peer")) {
            throw new IllegalArgumentException("the wg-quick file has no [Peer] section");
        }
        Map<String, String> peer = values("Peer");
        String presharedKey = peer.get("PresharedKey");
        String endpoint = peer.get("Endpoint");
        String keepalive = peer.get("PersistentKeepalive");
        try {
            return new WireGuardPeerConfig(
                    WireGuardKeys.fromBase64(required(peer, "PublicKey")),
                    presharedKey == null ? null : WireGuardKeys.fromBase64(presharedKey),
                    endpoint == null ? null : endpoint(endpoint),
                    Arrays.stream(required(peer, "AllowedIPs").split(","))
                            .map(block -> Ipv4Prefix.parse(block.strip()))
                            .toList(),
                    keepalive == null ? NO_KEEPALIVE : Integer.parseInt(keepalive));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the wg-quick file's [Peer] is malformed: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> section, String key) {
        String value = section.get(key);
        if (value == null) {
            throw new IllegalArgumentException("it has no " + key);
        }
        return value;
    }

    /** {@code host:port}; the control plane writes an IPv4 address as the host. */
    private static InetSocketAddress endpoint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("Endpoint '" + text + "' is not host:port");
        }
        int port = Integer.parseInt(text.substring(colon + 1));
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("Endpoint '" + text + "' has a port outside 1..65535");
        }
        return new InetSocketAddress(text.substring(0, colon), port);
    }

    private static IllegalArgumentException refused(int number, String line, String why) {
        return new IllegalArgumentException("wg-quick file line " + number + " '" + line + "' " + why);
    }
}
