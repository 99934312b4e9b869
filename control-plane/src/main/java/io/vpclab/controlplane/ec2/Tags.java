package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.tag.TagService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * A resource's tags as EC2 shows them ({@link TagService}: a named resource's name is its
 * {@code Name} tag). Writes {@code tagSet} and answers
 * the {@code tag:Key}, {@code tag-key} and {@code tag-value} filters of every Describe action.
 */
@Component
class Tags {

    private static final String TAG_FILTER = "tag:";
    /** Resource types RunInstances may tag alongside an instance that VPC Lab does not have. */
    private static final Set<String> COMPANIONS =
            Set.of("volume", "network-interface", "spot-instances-request", "elastic-gpu");

    private final TagService stored;

    Tags(TagService stored) {
        this.stored = stored;
    }

    /** The resource's tags by key: its name, then what CreateTags stored. */
    Map<String, String> of(String resourceId, String name) {
        return stored.of(resourceId, name);
    }

    Ec2Xml write(Ec2Xml xml, String resourceId, String name) {
        xml.open("tagSet");
        of(resourceId, name)
                .forEach((key, value) ->
                        xml.open("item").field("key", key).field("value", value).close());
        return xml.close();
    }

    /** {@link Ec2Filters#of} with the tag filters answered from the resource's tags. */
    <T> Predicate<T> filter(
            Map<String, List<String>> filters,
            Map<String, Function<T, String>> fields,
            Function<T, String> id,
            Function<T, String> name) {
        return Ec2Filters.of(others(filters), fields).and(byTags(filters, id, name));
    }

    /** {@link Ec2Filters#ofMany} with the tag filters answered from the resource's tags. */
    <T> Predicate<T> filterMany(
            Map<String, List<String>> filters,
            Map<String, Function<T, List<String>>> fields,
            Function<T, String> id,
            Function<T, String> name) {
        return Ec2Filters.ofMany(others(filters), fields).and(byTags(filters, id, name));
    }

    private <T> Predicate<T> byTags(
            Map<String, List<String>> filters, Function<T, String> id, Function<T, String> name) {
        Map<String, List<String>> tagFilters = new LinkedHashMap<>(filters);
        tagFilters.keySet().removeIf(filter -> !isTagFilter(filter));
        if (tagFilters.isEmpty()) {
            return item -> true;
        }
        Predicate<Map<String, String>> all = tags -> true;
        for (Map.Entry<String, List<String>> filter : tagFilters.entrySet()) {
            Predicate<String> anyValue = Ec2Filters.anyOf(filter.getValue());
            String key = filter.getKey();
            Predicate<Map<String, String>> one = switch (key) {
                case "tag-key" -> tags -> tags.keySet().stream().anyMatch(anyValue);
                case "tag-value" -> tags -> tags.values().stream().anyMatch(anyValue);
                default -> {
                    String tagKey = key.substring(TAG_FILTER.length());
                    yield tags -> tags.containsKey(tagKey) && anyValue.test(tags.get(tagKey));
                }
            };
            all = all.and(one);
        }
        Predicate<Map<String, String>> matches = all;
        return item -> matches.test(of(id.apply(item), name.apply(item)));
    }

    private static <V> Map<String, V> others(Map<String, V> filters) {
        Map<String, V> others = new LinkedHashMap<>(filters);
        others.keySet().removeIf(Tags::isTagFilter);
        return others;
    }

    private static boolean isTagFilter(String filter) {
        return (filter.startsWith(TAG_FILTER) && filter.length() > TAG_FILTER.length())
                || filter.equals("tag-key")
                || filter.equals("tag-value");
    }

    /**
     * The Name tag of the request's TagSpecification, which is what VPC Lab calls a name; every
     * tag specified is checked here, before the resource is created.
     */
    static String name(Ec2Query query) {
        Map<String, String> specified = specified(query);
        TagService.requireValid(specified);
        return specified.get("Name");
    }

    /** Stores the request's TagSpecification tags on the resource it created (a named resource's Name is its name). */
    void tagNew(String tenantId, String resourceId, Ec2Query query) {
        Map<String, String> specified = specified(query);
        if (!specified.isEmpty()) {
            stored.tagNew(tenantId, resourceId, specified);
        }
    }

    /** Every tag of the request's TagSpecifications (EC2 sends one per resource type). */
    static Map<String, String> specified(Ec2Query query) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : query.members("TagSpecification")) {
            if (query.string(spec + ".ResourceType")
                    .filter(COMPANIONS::contains)
                    .isPresent()) {
                continue;
            }
            for (String tag : query.members(spec + ".Tag")) {
                tags.put(
                        query.required(tag + ".Key"),
                        query.string(tag + ".Value").orElse(""));
            }
        }
        return tags;
    }
}
