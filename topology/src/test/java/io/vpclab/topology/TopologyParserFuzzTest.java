package io.vpclab.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Untrusted files: the parser either returns a topology or refuses with located problems, nothing else. */
class TopologyParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void refusesOnlyWithLocatedProblems(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Topology topology = TopologyParser.parse(text, "fuzz.yaml");
            assertThat(topology.name()).isNotBlank();
        } catch (InvalidTopologyException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.line()).isPositive();
                assertThat(p.column()).isPositive();
                assertThat(p.message()).isNotBlank();
            });
        }
    }
}
