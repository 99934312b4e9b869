package io.vpclab.controlplane.subnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Vpc;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The public network's VNI is never a subnet's segment ID. Moved down to 3 here so that the
 * allocator's cursor reaches it within a few subnets (by default it is 16,777,215, the last VNI).
 */
@TestPropertySource(properties = "vpclab.public.vni=3")
class PublicVniReservedTest extends ApiTestSupport {

    @Test
    void subnetsSkipThePublicVni() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");

        List<Integer> vnis = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Subnet subnet = tenant.subnet(vpc.getVpcId(), "10.0." + i + ".0/24");
            vnis.add(subnet.getSegmentId());
        }

        assertThat(vnis).doesNotContain(3).doesNotHaveDuplicates().hasSize(4);
        assertThat(vnis).as("every other VNI is still handed out in order").containsExactly(1, 2, 4, 5);
    }
}
