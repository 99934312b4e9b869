package io.vpclab.agent.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.dataplane.table.ForwardingState;
import java.nio.charset.StandardCharsets;

/**
 * Any bytes as a table file: the reader either returns a table that the data plane accepts
 * whole, or refuses it with a {@link TableRefusedException} carrying at least one located problem.
 * Any other exception, or a table the validator passed but the data plane rejects, is a bug.
 */
class TableFileFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void yamlIsAcceptedWholeOrRefusedWithAReason(byte[] data) {
        check(new String(data, StandardCharsets.UTF_8), TableFormat.YAML);
    }

    @FuzzTest(maxDuration = "30s")
    void jsonIsAcceptedWholeOrRefusedWithAReason(byte[] data) {
        check(new String(data, StandardCharsets.UTF_8), TableFormat.JSON);
    }

    private static void check(String text, TableFormat format) {
        ForwardingTable table;
        try {
            table = TableFile.parse("fuzz", text, format);
        } catch (TableRefusedException refused) {
            assertThat(refused.problems()).isNotEmpty();
            assertThat(refused.first().message()).isNotBlank();
            return;
        }
        // the validator's verdict must hold in the data plane: no late refusal
        ForwardingState state = TableTranslator.translate("fuzz", table);
        assertThat(state.host()).isNotNull();
    }
}
