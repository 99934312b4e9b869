package io.vpclab.controlplane.tag;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.ResourceTagsApi;
import io.vpclab.client.model.ResourceTag;
import io.vpclab.client.model.ResourceTagsUpdate;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tags through the REST API: the store the EC2 actions use, a named resource's Name its name. */
class TagControllerTest extends ApiTestSupport {

    @Test
    void aTenantReadsSetsRemovesAndFindsTagsAndNameIsTheResourcesName() throws Exception {
        TenantClient alice = newTenant();
        ResourceTagsApi tags = new ResourceTagsApi(alice.api());
        String vpcId = alice.vpcs()
                .createVpc(new io.vpclab.client.model.VpcCreate()
                        .cidrBlock("10.0.0.0/16")
                        .name("blue"))
                .getVpcId();
        String subnetId = alice.subnet(vpcId, "10.0.1.0/24").getSubnetId();

        assertThat(tags.getResourceTags(vpcId).getTags()).containsExactly(Map.entry("Name", "blue"));
        var updated =
                tags.updateResourceTags(vpcId, new ResourceTagsUpdate().set(Map.of("Name", "green", "env", "prod")));
        assertThat(updated.getResourceType()).isEqualTo("vpc");
        assertThat(updated.getTags()).containsEntry("Name", "green").containsEntry("env", "prod");
        assertThat(alice.vpcs().getVpc(vpcId).getName()).isEqualTo("green");
        tags.updateResourceTags(subnetId, new ResourceTagsUpdate().set(Map.of("env", "test")));

        assertThat(tags.listTags(null, null, "env", "prod", null, null).getItems())
                .extracting(ResourceTag::getResourceId)
                .containsExactly(vpcId);
        assertThat(tags.listTags(null, "subnet", null, null, null, null).getItems())
                .extracting(ResourceTag::getKey)
                .containsExactly("env");
        List<ResourceTag> firstPage =
                tags.listTags(null, null, null, null, 2, null).getItems();
        String token = tags.listTags(null, null, null, null, 2, null).getNextToken();
        List<ResourceTag> rest = tags.listTags(null, null, null, null, 2, token).getItems();
        assertThat(firstPage).hasSize(2);
        assertThat(rest)
                .singleElement()
                .satisfies(tag -> assertThat(tag.getResourceId()).isEqualTo(vpcId));

        tags.updateResourceTags(vpcId, new ResourceTagsUpdate().remove(List.of("Name", "absent")));
        assertThat(alice.vpcs().getVpc(vpcId).getName()).isNull();
        assertThat(tags.getResourceTags(vpcId).getTags()).containsExactly(Map.entry("env", "prod"));
    }

    @Test
    void refusedChangesChangeNothingAndOtherTenantsSeeNothing() throws Exception {
        TenantClient alice = newTenant();
        TenantClient bob = newTenant();
        ResourceTagsApi tags = new ResourceTagsApi(alice.api());
        String vpcId = alice.vpc("10.0.0.0/16").getVpcId();
        tags.updateResourceTags(vpcId, new ResourceTagsUpdate().set(Map.of("env", "prod")));

        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tags.updateResourceTags(
                        vpcId, new ResourceTagsUpdate().remove(List.of("env")).set(Map.of("aws:x", "1"))));
        Map<String, String> fifty = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            fifty.put("k" + i, "v");
        }
        assertRefused(
                400, "TagLimitExceeded", () -> tags.updateResourceTags(vpcId, new ResourceTagsUpdate().set(fifty)));
        assertRefused(
                400,
                "InvalidParameterValue",
                () -> tags.updateResourceTags(vpcId, new ResourceTagsUpdate().set(Map.of("Name", "x".repeat(129)))));
        assertThat(tags.getResourceTags(vpcId).getTags()).containsExactly(Map.entry("env", "prod"));

        assertRefused(400, "InvalidID", () -> tags.getResourceTags("foo-0123456789abcdef0"));
        ResourceTagsApi bobTags = new ResourceTagsApi(bob.api());
        assertRefused(404, "InvalidVpcID.NotFound", () -> bobTags.getResourceTags(vpcId));
        assertRefused(
                404,
                "InvalidVpcID.NotFound",
                () -> bobTags.updateResourceTags(vpcId, new ResourceTagsUpdate().set(Map.of("env", "mine"))));
        assertThat(bobTags.listTags(null, null, null, null, null, null).getItems())
                .isEmpty();
        assertThat(tags.getResourceTags(vpcId).getTags()).containsExactly(Map.entry("env", "prod"));
    }
}
