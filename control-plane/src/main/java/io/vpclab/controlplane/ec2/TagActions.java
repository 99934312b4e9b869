package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.tag.TagService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * CreateTags, DeleteTags and DescribeTags on {@link TagService}, the store the REST API's tags
 * use too: a resource of another tenant answers as not found, and a named resource's Name tag is
 * its name.
 */
@Component
class TagActions implements Ec2Action.Group {

    private static final Map<String, Function<TagService.Tag, String>> FILTERS = Map.of(
            "resource-id", TagService.Tag::resourceId,
            "resource-type", TagService.Tag::resourceType,
            "key", TagService.Tag::key,
            "value", TagService.Tag::value);

    private final TagService tags;

    TagActions(TagService tags) {
        this.tags = tags;
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateTags", this::create,
                "DeleteTags", this::delete,
                "DescribeTags", this::describe);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> resourceIds = resourceIds(query);
        Map<String, String> keyValues = new LinkedHashMap<>();
        for (String tag : query.members("Tag")) {
            keyValues.put(
                    query.required(tag + ".Key"), query.string(tag + ".Value").orElse(""));
        }
        if (keyValues.isEmpty()) {
            throw Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter Tag.1.Key");
        }
        // All or nothing: an unknown resource or a full one leaves every resource as it was.
        tags.tag(caller, resourceIds, keyValues);
        response.field("return", true);
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> resourceIds = resourceIds(query);
        Map<String, Optional<String>> keys = new LinkedHashMap<>();
        for (String tag : query.members("Tag")) {
            keys.put(query.required(tag + ".Key"), query.string(tag + ".Value"));
        }
        tags.untag(caller, resourceIds, keys);
        response.field("return", true);
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        Predicate<TagService.Tag> matches = Ec2Filters.of(query.filters(), FILTERS);
        PageRequest.Page<TagService.Tag> page = tags.page(
                caller,
                matches,
                query.maxResults().orElse(Integer.MAX_VALUE - 1),
                query.nextToken().orElse(null));
        response.open("tagSet");
        for (TagService.Tag tag : page.items()) {
            response.open("item")
                    .field("resourceId", tag.resourceId())
                    .field("resourceType", tag.resourceType())
                    .field("key", tag.key())
                    .field("value", tag.value())
                    .close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private static List<String> resourceIds(Ec2Query query) {
        List<String> ids = query.list("ResourceId");
        if (ids.isEmpty()) {
            throw Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter ResourceId.1");
        }
        return ids;
    }
}
