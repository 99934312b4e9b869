package io.vpclab.controlplane.vpn;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A wg-quick file read as wg-quick reads it: {@code [Section]} headers, {@code Key = Value}
 * lines, {@code #} comments. {@link #requireWgSetconfKeys} applies {@code wg-quick strip}
 * (drops the keys only wg-quick knows) and checks that what is left is what {@code wg setconf}
 * accepts, with values of the right shape.
 */
record WgQuickFile(
        List<String> sections,
        Map<String, Map<String, String>> valuesBySection,
        Map<String, List<String>> commentsBySection) {

    private static final Set<String> WG_QUICK_ONLY =
            Set.of("Address", "DNS", "MTU", "Table", "PreUp", "PostUp", "PreDown", "PostDown", "SaveConfig");
    private static final Map<String, Set<String>> WG_SETCONF_KEYS = Map.of(
            "Interface", Set.of("PrivateKey", "ListenPort", "FwMark"),
            "Peer", Set.of("PublicKey", "PresharedKey", "AllowedIPs", "Endpoint", "PersistentKeepalive"));

    static WgQuickFile parse(String text) {
        List<String> sections = new ArrayList<>();
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        Map<String, List<String>> comments = new LinkedHashMap<>();
        String section = null;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
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
                assertThat(line).as("section header").matches("\\[(Interface|Peer)]");
                section = line.substring(1, line.length() - 1);
                assertThat(sections).as("one %s section", section).doesNotContain(section);
                sections.add(section);
                values.put(section, new LinkedHashMap<>());
                comments.put(section, new ArrayList<>());
                continue;
            }
            assertThat(section).as("line '%s' outside a section", line).isNotNull();
            int equals = line.indexOf('=');
            assertThat(equals).as("'%s' is Key = Value", line).isPositive();
            String key = line.substring(0, equals).strip();
            assertThat(values.get(section)).as("%s given twice", key).doesNotContainKey(key);
            values.get(section).put(key, line.substring(equals + 1).strip());
        }
        return new WgQuickFile(sections, values, comments);
    }

    Map<String, String> values(String section) {
        return valuesBySection.get(section);
    }

    List<String> commentsOf(String section) {
        return commentsBySection.get(section);
    }

    void requireWgSetconfKeys() {
        valuesBySection.forEach((section, values) -> values.forEach((key, value) -> {
            if (WG_QUICK_ONLY.contains(key)) {
                return;
            }
            assertThat(WG_SETCONF_KEYS.get(section))
                    .as("wg setconf knows %s in [%s]", key, section)
                    .contains(key);
            switch (key) {
                case "PrivateKey", "PublicKey", "PresharedKey" ->
                    assertThat(WireGuardKeys.fromBase64(value)).hasSize(WireGuardKeys.KEY_LENGTH);
                case "Endpoint" -> {
                    int colon = value.lastIndexOf(':');
                    assertThat(Ipv4Prefix.parseAddress(value.substring(0, colon)))
                            .isNotNull();
                    assertThat(Integer.parseInt(value.substring(colon + 1))).isBetween(1, 65_535);
                }
                case "AllowedIPs" -> {
                    for (String block : value.split(",")) {
                        assertThat(Ipv4Prefix.parseOrNull(block.strip()))
                                .as(block)
                                .isNotNull();
                    }
                }
                case "PersistentKeepalive", "ListenPort" ->
                    assertThat(Integer.parseInt(value)).isBetween(1, 65_535);
                default -> {}
            }
        }));
        assertThat(values("Interface"))
                .as("a usable interface has its private key")
                .containsKey("PrivateKey");
    }
}
