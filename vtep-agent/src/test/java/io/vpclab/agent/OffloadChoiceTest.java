package io.vpclab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.agent.OffloadChoice.Feature;
import io.vpclab.dataplane.tap.TapOffloads;
import org.junit.jupiter.api.Test;

class OffloadChoiceTest {

    @Test
    void allAndNoneAndTheirAliases() {
        assertThat(OffloadChoice.parse("all")).isEqualTo(OffloadChoice.ALL);
        assertThat(OffloadChoice.parse(" ON ")).isEqualTo(OffloadChoice.ALL);
        assertThat(OffloadChoice.parse("none").any()).isFalse();
        assertThat(OffloadChoice.parse("off")).isEqualTo(OffloadChoice.NONE);
        assertThat(OffloadChoice.ALL.tunFlags())
                .isEqualTo(TapOffloads.TUN_F_CSUM
                        | TapOffloads.TUN_F_TSO4
                        | TapOffloads.TUN_F_USO4
                        | TapOffloads.TUN_F_USO6);
        assertThat(OffloadChoice.NONE.tunFlags()).isZero();
    }

    @Test
    void aListPicksFeaturesAndTsoBringsChecksum() {
        OffloadChoice choice = OffloadChoice.parse("tso,udp-gro");
        assertThat(choice.has(Feature.TSO)).isTrue();
        assertThat(choice.has(Feature.UDP_GRO)).isTrue();
        assertThat(choice.has(Feature.UDP_GSO)).isFalse();
        assertThat(choice.tunFlags()).isEqualTo(TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_TSO4);
        assertThat(choice).hasToString("tso,udp-gro");
        assertThat(OffloadChoice.parse("udp-gso").tunFlags()).isZero();
    }

    @Test
    void usoAsksForBothFamiliesWithChecksumAndCanBeLeftOut() {
        assertThat(OffloadChoice.parse("uso").tunFlags())
                .isEqualTo(TapOffloads.TUN_F_CSUM | TapOffloads.TUN_F_USO4 | TapOffloads.TUN_F_USO6);
        OffloadChoice withoutUso = OffloadChoice.parse("csum,tso,udp-gso,udp-gro");
        assertThat(withoutUso.has(Feature.USO)).isFalse();
        assertThat(withoutUso.tunFlags() & (TapOffloads.TUN_F_USO4 | TapOffloads.TUN_F_USO6))
                .isZero();
        assertThat(OffloadChoice.NONE.tunFlags()).isZero();
    }

    @Test
    void anUnknownWordIsRefusedWithTheAcceptedOnes() {
        assertThatThrownBy(() -> OffloadChoice.parse("tso,lro"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'lro'")
                .hasMessageContaining("csum,tso,uso,udp-gso,udp-gro");
    }
}
