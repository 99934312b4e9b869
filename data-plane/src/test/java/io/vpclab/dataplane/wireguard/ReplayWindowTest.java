package io.vpclab.dataplane.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The window of wireguard-go replay/replay.go: the cases of its replay_test.go, and the edges. */
class ReplayWindowTest {

    private static final long LIMIT = WireGuardTimes.REJECT_AFTER_MESSAGES;
    private static final long WINDOW = ReplayWindow.WINDOW_SIZE;

    private final ReplayWindow window = new ReplayWindow();

    @Test
    void inOrderCountersAreAcceptedOnce() {
        for (long counter = 0; counter < 200; counter++) {
            assertThat(window.accept(counter, LIMIT)).as("counter %d", counter).isTrue();
        }
        assertThat(window.accept(199, LIMIT)).isFalse();
        assertThat(window.accept(0, LIMIT)).isFalse();
    }

    @Test
    void outOfOrderCountersWithinTheWindowAreAcceptedOnce() {
        assertThat(window.accept(10, LIMIT)).isTrue();
        assertThat(window.accept(7, LIMIT)).isTrue();
        assertThat(window.accept(9, LIMIT)).isTrue();
        assertThat(window.accept(8, LIMIT)).isTrue();
        assertThat(window.accept(7, LIMIT)).isFalse();
        assertThat(window.accept(11, LIMIT)).isTrue();
        assertThat(window.accept(10, LIMIT)).isFalse();
    }

    @Test
    void countersTooFarBehindTheNewestAreRefused() {
        long newest = WINDOW + 100;
        assertThat(window.accept(newest, LIMIT)).isTrue();

        assertThat(window.accept(newest - WINDOW, LIMIT))
                .as("exactly the window behind")
                .isTrue();
        assertThat(window.accept(newest - WINDOW - 1, LIMIT)).as("one more").isFalse();
        assertThat(window.accept(0, LIMIT)).isFalse();
    }

    @Test
    void aJumpFarAheadClearsTheRingSoOldBitsDoNotLookLikeReplays() {
        assertThat(window.accept(5, LIMIT)).isTrue();
        long far = 5 + 64L * 128 * 3;

        assertThat(window.accept(far, LIMIT)).isTrue();
        // same ring slot and bit as 5, but a new counter within the window
        assertThat(window.accept(far - 64L * 128 + 64, LIMIT)).isTrue();
        assertThat(window.accept(far, LIMIT)).isFalse();
    }

    @Test
    void countersAtOrAboveTheLimitAreRefused() {
        assertThat(window.accept(LIMIT, LIMIT)).isFalse();
        assertThat(window.accept(-1L, LIMIT)).as("2^64 - 1, unsigned").isFalse();
        assertThat(window.accept(LIMIT - 1, LIMIT)).isTrue();
        assertThat(window.accept(LIMIT - 2, LIMIT)).isTrue();
        assertThat(window.accept(LIMIT - 2, LIMIT)).isFalse();
    }
}
