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
        Map<String, Function<T, List<String>>> many = new java.util.HashMap<>();
        fields.forEach((name, field) -> many.put(name, item -> {
            String value = field.apply(item);
            return value == null ? List.of() : List.of(value);
        }));
        return ofMany(filters, many);
    }

    /** As {@link #of}, for fields with several values (a route table's subnets): one of them must match. */
    static <T> Predicate<T> ofMany(Map<String, List<String>> filters, Map<String, Function<T, List<String>>> fields) {
        Predicate<T> all = item -> true;
        for (Map.Entry<String, List<String>> filter : filters.entrySet()) {
            Function<T, List<String>> field = fields.get(filter.getKey());
            if (field == null) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterValue",
                        "The filter '" + Ec2Query.abbreviated(filter.getKey()) + "' is invalid; supported: "
                                + String.join(", ", new java.util.TreeSet<>(fields.keySet())));
            }
            Predicate<String> anyValue = anyOf(filter.getValue());
            all = all.and(item -> field.apply(item).stream().anyMatch(anyValue));
        }
        return all;
    }

    /** A text that matches one of the filter's values, with EC2's wildcards. */
    static Predicate<String> anyOf(List<String> values) {
        List<Pattern> patterns = values.stream().map(Ec2Filters::wildcard).toList();
        return value -> value != null
                && patterns.stream().anyMatch(p -> p.matcher(value).matches());
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
