package io.vpclab.controlplane.demo;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Pings every instance's address from every other instance, through the diagnostics API (real
 * ICMP echo through the agents), and says for each pair whether what happened is what tenant
 * isolation requires.
 */
final class ReachabilityMatrix {

    /** What isolation requires of a pair. */
    enum Expectation {
        /** Same VPC: the ping must be answered. */
        REACHABLE,
        /** Another tenant's address that the source's VPC also uses: the source's own instance answers. */
        OWN_ADDRESS,
        /** Another tenant's address unknown in the source's VPC: nothing may answer. */
        ISOLATED,
        /** Another tenant's instance has the source's own address: nothing to measure across tenants. */
        SAME_ADDRESS
    }

    record Cell(Instance from, Instance to, Expectation expected, ProbeResult result) {

        boolean answered() {
            return result.getReceived() != null && result.getReceived() > 0;
        }

        boolean asExpected() {
            return switch (expected) {
                case ISOLATED -> !answered();
                case SAME_ADDRESS -> true;
                default -> answered();
            };
        }

        String text() {
            if (expected == Expectation.SAME_ADDRESS) {
                return "(same ip)";
            }
            if (answered()) {
                double rtt = result.getProbes().stream()
                        .filter(p -> p.getRttMillis() != null)
                        .mapToDouble(p -> p.getRttMillis())
                        .min()
                        .orElse(0);
                return (expected == Expectation.OWN_ADDRESS ? "own " : "ok ") + String.format("%.1fms", rtt);
            }
            String reasons =
                    result.getDropReasons() == null || result.getDropReasons().isEmpty()
                            ? "no reply"
                            : String.join(",", result.getDropReasons().keySet());
            return "x " + reasons;
        }
    }

    private final List<Instance> instances;
    private final List<Cell> cells;

    private ReachabilityMatrix(List<Instance> instances, List<Cell> cells) {
        this.instances = instances;
        this.cells = cells;
    }

    static ReachabilityMatrix measure(ApiClient admin, List<Instance> instances) throws Exception {
        DiagnosticsApi diagnostics = new DiagnosticsApi(admin);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, instances.size()));
        try {
            List<Future<Cell>> pending = new ArrayList<>();
            for (Instance from : instances) {
                for (Instance to : instances) {
                    if (from != to) {
                        Expectation expected = expectation(from, to, instances);
                        pending.add(pool.submit(() -> new Cell(
                                from,
                                to,
                                expected,
                                expected == Expectation.SAME_ADDRESS
                                        ? new ProbeResult().sent(0).received(0)
                                        : ping(diagnostics, from, to))));
                    }
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (Future<Cell> cell : pending) {
                cells.add(cell.get());
            }
            return new ReachabilityMatrix(instances, cells);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ProbeResult ping(DiagnosticsApi diagnostics, Instance from, Instance to) throws ApiException {
        return diagnostics.pingFromInstance(
                from.getInstanceId(),
                new PingRequest().target(to.getPrivateIpAddress()).count(2).timeoutMillis(500));
    }

    private static Expectation expectation(Instance from, Instance to, List<Instance> all) {
        if (from.getVpcId().equals(to.getVpcId())) {
            return Expectation.REACHABLE;
        }
        if (from.getPrivateIpAddress().equals(to.getPrivateIpAddress())) {
            return Expectation.SAME_ADDRESS;
        }
        boolean sharedAddress = all.stream()
                .anyMatch(i -> i.getVpcId().equals(from.getVpcId())
                        && i.getPrivateIpAddress().equals(to.getPrivateIpAddress()));
        return sharedAddress ? Expectation.OWN_ADDRESS : Expectation.ISOLATED;
    }

    List<Cell> cells() {
        return cells;
    }

    boolean allAsExpected() {
        return cells.stream().allMatch(Cell::asExpected);
    }

    /** The matrix as text: rows are sources, columns destinations. */
    String render() {
        Map<String, Cell> byPair = cells.stream()
                .collect(Collectors.toMap(c -> c.from().getInstanceId() + ">" + c.to().getInstanceId(), c -> c));
        int width = Math.max(
                14, instances.stream().mapToInt(i -> label(i).length()).max().orElse(0) + 2);
        int cellWidth = 26;
        StringBuilder out = new StringBuilder();
        out.append("Reachability matrix (ping from row to column, 2 probes; measured with real packets)\n");
        out.append(pad("", width));
        instances.forEach(i -> out.append(pad(label(i), cellWidth)));
        out.append('\n');
        for (Instance from : instances) {
            out.append(pad(label(from), width));
            for (Instance to : instances) {
                String text = from == to
                        ? "-"
                        : byPair.get(from.getInstanceId() + ">" + to.getInstanceId())
                                .text();
                out.append(pad(text, cellWidth));
            }
            out.append('\n');
        }
        out.append("ok = answered inside the tenant; own = an address both tenants use, answered by the "
                + "source's own instance; x = no answer, with the drop reason the source's data plane counted; "
                + "(same ip) = the other tenant's instance has the source's own address\n");
        out.append(
                allAsExpected()
                        ? "Tenant isolation holds: every tenant reaches its own instances and never the other's.\n"
                        : "UNEXPECTED: "
                                + cells.stream()
                                        .filter(c -> !c.asExpected())
                                        .map(c -> c.from().getName() + "->" + c.to().getName() + " " + c.text())
                                        .collect(Collectors.joining("; "))
                                + "\n");
        return out.toString();
    }

    private static String label(Instance instance) {
        return instance.getName() + " " + instance.getPrivateIpAddress();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
