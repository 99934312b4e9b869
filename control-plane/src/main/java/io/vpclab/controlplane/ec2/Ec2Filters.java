package io.vpclab.controlplane.ec2;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * EC2 filters over one resource kind: each filter name reads one field; an item matches when,
 * for every filter, one of its values matches (with EC2's {@code *} and {@code ?} wildcards).
 */
final class Ec2Filters {

    private Ec2Filters() {}

    static <T> Predicate<T> of(Map<String, List<String>> filters, Map<String, Function<T, String>> fields) {
        Predicate<T> all = item -> true;
        for (Map.Entry<String, List<String>> filter : filters.entrySet()) {
            Function<T, String> field = fields.get(filter.getKey());
            if (field == null) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterValue",
                        "The filter '" + Ec2Query.abbreviated(filter.getKey()) + "' is invalid; supported: "
                                + String.join(", ", new java.util.TreeSet<>(fields.keySet())));
            }
            List<Pattern> patterns =
                    filter.getValue().stream().map(Ec2Filters::wildcard).toList();
            all = all.and(item -> {
                String value = field.apply(item);
                return value != null
                        && patterns.stream().anyMatch(p -> p.matcher(value).matches());
            });
        }
        return all;
    }

    /** Items whose ID is in {@code ids}, or every item when {@code ids} is empty. */
    static <T> Predicate<T> ids(Set<String> ids, Function<T, String> id) {
        return item -> ids.isEmpty() || ids.contains(id.apply(item));
    }

    private static Pattern wildcard(String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
