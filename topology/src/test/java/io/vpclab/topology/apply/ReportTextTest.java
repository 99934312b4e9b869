package io.vpclab.topology.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.TopologyChange;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.client.model.TopologyReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report a person reads in a terminal after an apply. */
class ReportTextTest {

    @Test
    void listsChangesAndEveryExpectationWithWhatWasObserved() {
        TopologyReport report = new TopologyReport()
                .topology("lab")
                .unchanged(4)
                .allMet(false)
                .changes(List.of(new TopologyChange()
                        .action(TopologyChangeAction.CREATED)
                        .kind("vpc")
                        .name("prod")
                        .id("vpc-1")))
                .expectations(List.of(
                        new ExpectationResult()
                                .from("web")
                                .to("db")
                                .probe(ExpectationResult.ProbeEnum.PING)
                                .expected("reachable")
                                .observed("reachable")
                                .met(true),
                        new ExpectationResult()
                                .step("after")
                                .from("web")
                                .to("other")
                                .targetIp("10.0.1.9")
                                .probe(ExpectationResult.ProbeEnum.TCP)
                                .port(443)
                                .expected("unreachable")
                                .expectedDropReason("WHITELIST_DENIED")
                                .observed("reachable")
                                .met(false)
                                .dropReasons(Map.of("ARP_UNKNOWN_BINDING", 2L))
                                .detail("answered by 10.0.1.9")));

        assertThat(ReportText.render(report)).isEqualTo("""
                topology lab
                1 change(s), 4 unchanged
                  created vpc prod vpc-1
                expectations: 1 of 2 met
                  MET     web -> db ping: expected reachable, observed reachable
                  NOT MET [after] web -> other (10.0.1.9) tcp 443: expected unreachable (WHITELIST_DENIED), \
                observed reachable, drops ARP_UNKNOWN_BINDING=2; answered by 10.0.1.9
                SOME EXPECTATIONS ARE NOT MET
                """);
    }

    @Test
    void saysSoWhenTheNetworkAlreadyMatchesTheFile() {
        TopologyReport report = new TopologyReport()
                .topology("lab")
                .unchanged(7)
                .allMet(true)
                .changes(List.of())
                .expectations(List.of());

        assertThat(ReportText.render(report))
                .contains("no changes: the network already matches the file (7 resources)")
                .endsWith("every expectation is met\n");
    }
}
