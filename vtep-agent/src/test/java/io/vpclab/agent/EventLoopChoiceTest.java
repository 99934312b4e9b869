package io.vpclab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventLoopChoiceTest {

    @Test
    void aNumberIsTakenAsIs() {
        assertThat(EventLoopChoice.parse(" 2 ")).isEqualTo(new EventLoopChoice(2, false));
        assertThat(EventLoopChoice.parse("1")).isEqualTo(EventLoopChoice.ONE);
        assertThat(EventLoopChoice.parse("3")).hasToString("3");
    }

    @Test
    void autoIsTheCoresUpToFour() {
        EventLoopChoice auto = EventLoopChoice.parse("AUTO");
        assertThat(auto.auto()).isTrue();
        assertThat(auto.count())
                .isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), EventLoopChoice.AUTO_MAX));
        assertThat(auto.toString()).endsWith("(auto)");
    }

    @Test
    void anythingElseIsRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> EventLoopChoice.parse("many"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'many'")
                .hasMessageContaining("1..64 or auto");
        assertThatThrownBy(() -> EventLoopChoice.parse("0")).hasMessageContaining("1..64 or auto, got 0");
        assertThatThrownBy(() -> EventLoopChoice.parse("65")).hasMessageContaining("got 65");
    }
}
