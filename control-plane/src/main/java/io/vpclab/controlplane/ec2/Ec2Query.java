package io.vpclab.controlplane.ec2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of one EC2 Query request ({@code Action}, {@code Version}, {@code X.N} lists,
 * {@code Filter.N.Name}/{@code Filter.N.Value.M}, {@code MaxResults}/{@code NextToken}). Every
 * malformed input is an {@link Ec2Exception} with a 400 code; nothing else is thrown.
 */
final class Ec2Query {

    /** EC2's bounds for MaxResults on the Describe actions. */
    static final int MIN_RESULTS = 5;

    static final int MAX_RESULTS = 1000;
    private static final int MAX_PARAMETERS = 1000;
    private static final int MAX_INDEX = 1000;
    private static final Pattern ACTION = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final Pattern FILTER_NAME = Pattern.compile("Filter\\.(\\d{1,4})\\.Name");
    private static final Pattern FILTER_VALUE = Pattern.compile("Filter\\.(\\d{1,4})\\.Value\\.(\\d{1,4})");

    private final Map<String, String> parameters;

    private Ec2Query(Map<String, String> parameters) {
        this.parameters = parameters;
    }

    /** Parses a form body or query string; a repeated name keeps its first value's refusal clear. */
    static Ec2Query parse(String formText) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (QueryText.Pair pair : QueryText.pairs(formText)) {
            if (parameters.size() >= MAX_PARAMETERS) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterCombination", "at most " + MAX_PARAMETERS + " parameters per request");
            }
            if (parameters.putIfAbsent(pair.name(), pair.value()) != null) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterCombination", "the parameter " + pair.name() + " is given twice");
            }
        }
        Ec2Query query = new Ec2Query(parameters);
        String action = query.required("Action");
        if (!ACTION.matcher(action).matches()) {
            throw Ec2Exception.badRequest("InvalidAction", "the action " + abbreviated(action) + " is not valid");
        }
        return query;
    }

    String action() {
        return parameters.get("Action");
    }

    Optional<String> version() {
        return string("Version");
    }

    Optional<String> string(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    String required(String name) {
        String value = parameters.get(name);
        if (value == null || value.isEmpty()) {
            throw Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter " + name);
        }
        return value;
    }

    Optional<Boolean> bool(String name) {
        return string(name).map(value -> switch (value) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw Ec2Exception.badRequest(
                        "InvalidParameterValue", name + " must be true or false, not " + abbreviated(value));
        });
    }

    Optional<Integer> integer(String name) {
        return string(name).map(value -> {
            if (!value.matches("-?\\d{1,9}")) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterValue", name + " must be an integer, not " + abbreviated(value));
            }
            return Integer.parseInt(value);
        });
    }

    /** {@code Prefix.1}, {@code Prefix.2}, ... in index order; an index out of 1..1000 is refused. */
    List<String> list(String prefix) {
        TreeMap<Integer, String> items = new TreeMap<>();
        Pattern item = Pattern.compile(Pattern.quote(prefix) + "\\.(\\d{1,4})");
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            Matcher matcher = item.matcher(parameter.getKey());
            if (matcher.matches()) {
                items.put(index(parameter.getKey(), matcher.group(1)), parameter.getValue());
            }
        }
        return new ArrayList<>(items.values());
    }

    /**
     * The prefixes of a list of structures ({@code IpPermissions.1}, {@code IpPermissions.2}, ...
     * for {@code IpPermissions}), in index order: each names the parameters {@code prefix.N.Field}.
     */
    List<String> members(String prefix) {
        TreeMap<Integer, String> items = new TreeMap<>();
        Pattern member = Pattern.compile(Pattern.quote(prefix) + "\\.(\\d{1,4})\\..+");
        for (String name : parameters.keySet()) {
            Matcher matcher = member.matcher(name);
            if (matcher.matches()) {
                int index = index(name, matcher.group(1));
                items.put(index, prefix + "." + index);
            }
        }
        return new ArrayList<>(items.values());
    }

    /** Filters by name, each with its values; a filter without a name or without values is refused. */
    Map<String, List<String>> filters() {
        TreeMap<Integer, String> names = new TreeMap<>();
        TreeMap<Integer, TreeMap<Integer, String>> values = new TreeMap<>();
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            Matcher name = FILTER_NAME.matcher(parameter.getKey());
            Matcher value = FILTER_VALUE.matcher(parameter.getKey());
            if (name.matches()) {
                names.put(index(parameter.getKey(), name.group(1)), parameter.getValue());
            } else if (value.matches()) {
                values.computeIfAbsent(index(parameter.getKey(), value.group(1)), n -> new TreeMap<>())
                        .put(index(parameter.getKey(), value.group(2)), parameter.getValue());
            }
        }
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (Integer n : values.keySet()) {
            if (!names.containsKey(n)) {
                throw Ec2Exception.badRequest("InvalidParameterValue", "Filter." + n + " has values but no Name");
            }
        }
        for (Map.Entry<Integer, String> name : names.entrySet()) {
            TreeMap<Integer, String> filterValues = values.get(name.getKey());
            if (filterValues == null) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterValue",
                        "Filter." + name.getKey() + " (" + abbreviated(name.getValue()) + ") has no Value.1");
            }
            filters.computeIfAbsent(name.getValue(), n -> new ArrayList<>()).addAll(filterValues.values());
        }
        return filters;
    }

    /** MaxResults within EC2's 5..1000, or empty when absent. */
    Optional<Integer> maxResults() {
        Optional<Integer> max = integer("MaxResults");
        max.ifPresent(value -> {
            if (value < MIN_RESULTS || value > MAX_RESULTS) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterValue",
                        "MaxResults must be from " + MIN_RESULTS + " to " + MAX_RESULTS + ", not " + value);
            }
        });
        return max;
    }

    Optional<String> nextToken() {
        return string("NextToken").filter(token -> !token.isEmpty());
    }

    private static int index(String parameter, String digits) {
        int index = Integer.parseInt(digits);
        if (index < 1 || index > MAX_INDEX) {
            throw Ec2Exception.badRequest(
                    "InvalidParameterValue",
                    "the index of " + abbreviated(parameter) + " must be from 1 to " + MAX_INDEX);
        }
        return index;
    }

    /** Echoes user text in messages without letting it grow them unboundedly. */
    static String abbreviated(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
