package io.vpclab.agent.stats;

import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders counter groups as JSON (for people and scripts) and as Prometheus text exposition
 * format 0.0.4. A group named {@code kind/id} (e.g. {@code port/web1}) becomes metrics
 * {@code vpclab_kind_counter{id="web1"}}; a plain group name becomes {@code vpclab_group_counter}.
 */
public final class CounterFormat {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Figures that go up and down (connections open now); every other figure only grows. */
    private static final java.util.Set<String> GAUGES = java.util.Set.of("active", "inactive");

    private CounterFormat() {}

    public static String json(Map<String, Map<String, Long>> groups) {
        return JSON.writeValueAsString(groups);
    }

    public static String prometheus(Map<String, Map<String, Long>> groups) {
        StringBuilder out = new StringBuilder();
        java.util.Set<String> typed = new java.util.HashSet<>();
        groups.forEach((group, counters) -> {
            int slash = group.indexOf('/');
            String kind = slash < 0 ? group : group.substring(0, slash);
            String labels = slash < 0 ? "" : "{id=\"" + escape(group.substring(slash + 1)) + "\"}";
            counters.forEach((name, value) -> {
                boolean gauge = GAUGES.contains(name);
                String metric = "vpclab_" + snake(kind) + "_" + snake(name) + (gauge ? "" : "_total");
                if (typed.add(metric)) {
                    out.append("# TYPE ").append(metric).append(gauge ? " gauge\n" : " counter\n");
                }
                out.append(metric).append(labels).append(' ').append(value).append('\n');
            });
        });
        return out.toString();
    }

    /** camelCase and punctuation to snake_case, as Prometheus metric names expect. */
    static String snake(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else if (Character.isLetterOrDigit(c)) {
                out.append(c);
            } else {
                out.append('_');
            }
        }
        return out.toString();
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
