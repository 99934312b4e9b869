package io.vpclab.controlplane.subnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.Segmentation;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Vpc;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The VLAN lesson: one tenant creates subnets one by one in VLAN mode until the 12-bit VLAN ID
 * space (1..4094) runs out, and the next one is refused with SegmentIdsExhausted. Prints the
 * time per subnet (a figure, not an assertion).
 */
@TestPropertySource(properties = "vpclab.segmentation=vlan")
class VlanLessonTest extends ApiTestSupport {

    private static final int VLAN_IDS = 4094;

    @Test
    void theVlanIdSpaceRunsOutAt4094() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        BitSet vlanIds = new BitSet();
        long start = System.nanoTime();
        Subnet last = null;
        for (int i = 0; i < VLAN_IDS; i++) {
            last = tenant.subnet(vpc.getVpcId(), "10.0." + (i / 16) + "." + (i % 16) * 16 + "/28");
            assertThat(last.getSegmentation()).isEqualTo(Segmentation.VLAN);
            assertThat(vlanIds.get(last.getSegmentId()))
                    .as("VLAN %d handed out twice", last.getSegmentId())
                    .isFalse();
            vlanIds.set(last.getSegmentId());
        }
        long elapsed = System.nanoTime() - start;
        System.out.printf(
                "VLAN lesson: %d subnets in %.1f s, %.2f ms per subnet%n",
                VLAN_IDS, elapsed / 1e9, elapsed / 1e6 / VLAN_IDS);
        assertThat(vlanIds.cardinality()).isEqualTo(VLAN_IDS);
        assertThat(vlanIds.nextSetBit(0)).isEqualTo(1);
        assertThat(vlanIds.length() - 1).isEqualTo(VLAN_IDS);

        JsonNode problem =
                assertRefused(409, "SegmentIdsExhausted", () -> tenant.subnet(vpc.getVpcId(), "10.0.255.224/28"));
        assertThat(problem.path("detail").asString()).contains("4094").contains("vlan");
        assertThat(tenant.subnets().listSubnets(vpc.getVpcId(), 1000, null).getItems())
                .hasSize(1000);

        // Releasing one subnet frees its VLAN ID for the next one.
        tenant.subnets().deleteSubnet(last.getSubnetId());
        Subnet again = tenant.subnet(vpc.getVpcId(), "10.0.255.224/28");
        assertThat(again.getSegmentId()).isEqualTo(last.getSegmentId());
        assertRefused(409, "SegmentIdsExhausted", () -> tenant.subnet(vpc.getVpcId(), "10.0.255.240/28"));
    }
}
