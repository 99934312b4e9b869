package io.vpclab.topology.apply;

import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.TopologyChange;
import io.vpclab.client.model.TopologyReport;
import java.util.Map;
import java.util.stream.Collectors;

/** The report as a person reads it in a terminal. */
public final class ReportText {

    private ReportText() {}

    public static String render(TopologyReport report) {
        StringBuilder out = new StringBuilder();
        out.append("topology ").append(report.getTopology()).append('\n');
        if (report.getChanges().isEmpty()) {
            out.append("no changes: the network already matches the file (")
                    .append(report.getUnchanged())
                    .append(" resources)\n");
        } else {
            out.append(report.getChanges().size())
                    .append(" change(s), ")
                    .append(report.getUnchanged())
                    .append(" unchanged\n");
            report.getChanges().forEach(c -> out.append("  ").append(change(c)).append('\n'));
        }
        long met = report.getExpectations().stream()
                .filter(ExpectationResult::getMet)
                .count();
        out.append("expectations: ")
                .append(met)
                .append(" of ")
                .append(report.getExpectations().size())
                .append(" met\n");
        for (ExpectationResult result : report.getExpectations()) {
            out.append("  ")
                    .append(result.getMet() ? "MET     " : "NOT MET ")
                    .append(expectation(result))
                    .append('\n');
        }
        out.append(report.getAllMet() ? "every expectation is met\n" : "SOME EXPECTATIONS ARE NOT MET\n");
        return out.toString();
    }

    public static String change(TopologyChange change) {
        return change.getAction().getValue() + " " + change.getKind() + " " + change.getName()
                + (change.getId() == null ? "" : " " + change.getId())
                + (change.getDetail() == null ? "" : " (" + change.getDetail() + ")");
    }

    private static String expectation(ExpectationResult r) {
        StringBuilder line = new StringBuilder();
        if (r.getStep() != null) {
            line.append('[').append(r.getStep()).append("] ");
        }
        line.append(r.getFrom()).append(" -> ").append(r.getTo());
        if (r.getTargetIp() != null && !r.getTargetIp().equals(r.getTo())) {
            line.append(" (").append(r.getTargetIp()).append(')');
        }
        line.append(' ').append(r.getProbe().getValue()).append(r.getPort() == null ? "" : " " + r.getPort());
        line.append(": expected ").append(r.getExpected());
        if (r.getExpectedDropReason() != null) {
            line.append(" (").append(r.getExpectedDropReason()).append(')');
        }
        line.append(", observed ").append(r.getObserved());
        Map<String, Long> drops = r.getDropReasons();
        if (drops != null && !drops.isEmpty()) {
            line.append(", drops ")
                    .append(drops.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(",")));
        }
        if (r.getRoute() != null) {
            line.append("; route ").append(r.getRoute());
        }
        if (r.getDetail() != null) {
            line.append("; ").append(r.getDetail());
        }
        if (r.getExpectedDecidedBy() != null) {
            line.append("; decided by ")
                    .append(r.getExpectedDecidedBy())
                    .append(": ")
                    .append(r.getDecidedBy());
        }
        return line.toString();
    }
}
