package io.vpclab.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.net.VxlanSpec;
import org.junit.jupiter.api.Test;

/** The shared VXLAN numbers agree with the header views that write them. */
class VxlanSpecTest {

    @Test
    void theOverheadIsTheSumOfTheHeadersAroundTheInnerFrame() {
        assertThat(Vxlan.OVERHEAD)
                .isEqualTo(VxlanSpec.OVERHEAD)
                .isEqualTo(Ethernet.HEADER_LENGTH + Vxlan.HEADER_LENGTH + Udp.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH);
        assertThat(Vxlan.PORT).isEqualTo(VxlanSpec.UDP_PORT);
    }
}
