package io.vpclab.agent;

import java.nio.file.Path;

/** The {@code --table} mode. */
final class TableAgent {

    private TableAgent() {
    }

    static RunningAgent start(Path table) {
        throw new UnsupportedOperationException("--table is not wired yet");
    }
}
