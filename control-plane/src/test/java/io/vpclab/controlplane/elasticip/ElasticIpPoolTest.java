package io.vpclab.controlplane.elasticip;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.EipsApi;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.controlplane.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** A configured pool of two usable addresses (a /30 without network and broadcast). */
@TestPropertySource(properties = "vpclab.public.eip-pool=198.51.100.8/30")
class ElasticIpPoolTest extends ApiTestSupport {

    @Test
    void anEmptyPoolRefusesAndAReleasedAddressComesBack() throws Exception {
        EipsApi eips = new EipsApi(newTenant().api());
        Eip first = eips.allocateEip(new EipAllocate());
        Eip second = eips.allocateEip(new EipAllocate());
        assertThat(first.getPublicIp()).isEqualTo("198.51.100.9");
        assertThat(second.getPublicIp()).isEqualTo("198.51.100.10");

        assertRefused(409, "AddressLimitExceeded", () -> eips.allocateEip(new EipAllocate()));
        assertThat(eips.listEips(null, null, null).getItems()).containsExactlyInAnyOrder(first, second);

        eips.releaseEip(first.getAllocationId());
        assertThat(eips.allocateEip(new EipAllocate()).getPublicIp()).isEqualTo("198.51.100.9");
        eips.releaseEip(second.getAllocationId());
    }
}
