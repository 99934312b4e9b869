package io.vpclab.controlplane.subnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import io.vpclab.controlplane.system.VpcLabProperties;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * The public network's VNI is never a subnet's segment ID. Moved down to 3 here so that the
 * allocator's cursor reaches it within a few allocations (by default it is 16,777,215, the last
 * VNI). A store slice: the allocator over its locked row, in the test's transaction.
 */
@DataJpaTest
@Import(SegmentIdAllocator.class)
@EnableConfigurationProperties({VpcLabProperties.class, PublicNetworkProperties.class})
@TestPropertySource(properties = "vpclab.public.vni=3")
class PublicVniReservedTest {

    @Autowired
    SegmentIdAllocator allocator;

    @Test
    void segmentIdsSkipThePublicVni() {
        List<Integer> vnis = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SegmentIdAllocator.Segment segment = allocator.allocate();
            assertThat(segment.mode()).isEqualTo("vxlan");
            vnis.add(segment.id());
        }

        assertThat(vnis).as("every other VNI is still handed out in order").containsExactly(1, 2, 4, 5);
    }
}
