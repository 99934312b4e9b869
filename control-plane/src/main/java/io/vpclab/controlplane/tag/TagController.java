package io.vpclab.controlplane.tag;

import io.vpclab.api.ResourceTagsApi;
import io.vpclab.api.model.ResourceTagList;
import io.vpclab.api.model.ResourceTagsUpdate;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TagController implements ResourceTagsApi {

    /** A page token is a tag's ID: a resource ID (at most 60 characters), a slash and a key. */
    private static final int MAX_TOKEN_LENGTH = 200;

    private final TagService tags;
    private final TaggedResources resources;

    TagController(TagService tags, TaggedResources resources) {
        this.tags = tags;
        this.resources = resources;
    }

    @Override
    public ResponseEntity<ResourceTagList> listTags(
            String resourceId, String resourceType, String key, String value, Integer maxResults, String nextToken) {
        if (nextToken != null && (nextToken.length() > MAX_TOKEN_LENGTH || !nextToken.contains("/"))) {
            throw ApiException.invalidParameter("nextToken is not a token this server issued");
        }
        Predicate<TagService.Tag> matches = equal(resourceId, TagService.Tag::resourceId)
                .and(equal(resourceType, TagService.Tag::resourceType))
                .and(equal(key, TagService.Tag::key))
                .and(equal(value, TagService.Tag::value));
        int size = PageRequest.of(maxResults, null).maxResults();
        PageRequest.Page<io.vpclab.api.model.ResourceTag> page = tags.page(Callers.current(), matches, size, nextToken)
                .map(tag -> new io.vpclab.api.model.ResourceTag(
                        tag.resourceId(), tag.resourceType(), tag.key(), tag.value()));
        return ResponseEntity.ok(new ResourceTagList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.ResourceTags> getResourceTags(String resourceId) {
        return ResponseEntity.ok(shown(Callers.current(), resourceId));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.ResourceTags> updateResourceTags(
            String resourceId, ResourceTagsUpdate body) {
        Caller caller = Callers.current();
        Map<String, String> set = body.getSet() == null ? Map.of() : body.getSet();
        List<String> remove = body.getRemove() == null ? List.of() : body.getRemove();
        tags.update(caller, resourceId, remove, set);
        return ResponseEntity.ok(shown(caller, resourceId));
    }

    private io.vpclab.api.model.ResourceTags shown(Caller caller, String resourceId) {
        return new io.vpclab.api.model.ResourceTags(
                resourceId, resources.type(resourceId), tags.of(caller, resourceId));
    }

    private static Predicate<TagService.Tag> equal(String wanted, Function<TagService.Tag, String> field) {
        return tag -> wanted == null || wanted.equals(field.apply(tag));
    }
}
