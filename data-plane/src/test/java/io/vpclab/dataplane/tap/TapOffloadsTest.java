package io.vpclab.dataplane.tap;

import static io.vpclab.dataplane.tap.TapOffloads.TUN_F_CSUM;
import static io.vpclab.dataplane.tap.TapOffloads.TUN_F_TSO4;
import static io.vpclab.dataplane.tap.TapOffloads.TUN_F_TSO6;
import static io.vpclab.dataplane.tap.TapOffloads.TUN_F_TSO_ECN;
import static io.vpclab.dataplane.tap.TapOffloads.TUN_F_USO4;
import static io.vpclab.dataplane.tap.TapOffloads.TUN_F_USO6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TUNSETOFFLOAD probe against kernels that lack one feature or another (a predicate stands in for the ioctl). */
class TapOffloadsTest {

    @Test
    void aKernelWithEverythingGetsEverythingAskedInOneAttempt() {
        List<Integer> attempts = new ArrayList<>();
        int flags = TapOffloads.negotiate(TUN_F_CSUM | TUN_F_TSO4, f -> attempts.add(f));
        assertThat(flags).isEqualTo(TUN_F_CSUM | TUN_F_TSO4);
        assertThat(attempts).containsExactly(TUN_F_CSUM | TUN_F_TSO4);
    }

    @Test
    void aKernelWithoutUsoKeepsTsoAndChecksum() {
        int all = TapOffloads.ALL;
        int flags = TapOffloads.negotiate(all, f -> (f & (TUN_F_USO4 | TUN_F_USO6)) == 0);
        assertThat(flags).isEqualTo(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN);
    }

    @Test
    void aKernelThatRefusesTsoFallsBackToChecksumOnly() {
        int flags =
                TapOffloads.negotiate(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6, f -> (f & (TUN_F_TSO4 | TUN_F_TSO6)) == 0);
        assertThat(flags).isEqualTo(TUN_F_CSUM);
        TapOffloads offloads = new TapOffloads(true, flags, flags);
        assertThat(offloads.checksum()).isTrue();
        assertThat(offloads.tso4()).isFalse();
        assertThat(offloads.describe())
                .startsWith("vnet_hdr=on csum=on tso4=off")
                .endsWith("(kernel offers: csum)");
    }

    @Test
    void aKernelThatRefusesEverythingGivesNoOffloadAndTsoIsNeverAskedWithoutChecksum() {
        assertThat(TapOffloads.negotiate(TUN_F_CSUM | TUN_F_TSO4, f -> false)).isZero();
        List<Integer> attempts = new ArrayList<>();
        // the kernel refuses TSO without CSUM, so such a request is not even tried
        assertThat(TapOffloads.negotiate(TUN_F_TSO4, attempts::add)).isZero();
        assertThat(attempts).isEmpty();
    }

    @Test
    void aPlainDeviceHasNoFlagsAndSaysSo() {
        assertThat(TapOffloads.NONE.headerBytes()).isZero();
        assertThat(TapOffloads.NONE.describe()).startsWith("vnet_hdr=off csum=off tso4=off");
        assertThatThrownBy(() -> new TapOffloads(false, TUN_F_CSUM, TUN_F_CSUM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("virtio-net header");
    }
}
