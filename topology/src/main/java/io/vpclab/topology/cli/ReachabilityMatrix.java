package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringStatus;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.ProbeResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Pings every instance's address from every other instance through the diagnostics API (real ICMP echo through
 * the agents) and judges each pair by what tenant isolation requires. The one matrix of the project: the demo
 * prints it at start and {@code vpclab matrix} on demand; the web UI's matrix uses the same four expectations.
 */
public final class ReachabilityMatrix {

    /** Concurrent pings: quick enough, few enough not to drown the hosts. */
    private static final int PARALLEL_PINGS = 8;

    /** What isolation requires of a pair. */
    public enum Expectation {
        /** Same VPC, or peered VPCs: the ping must be answered. */
        REACHABLE,
        /** Another VPC's address that the source's VPC also uses: the source's own instance answers. */
        OWN_ADDRESS,
        /** Another VPC's address unknown in the source's VPC: nothing may answer. */
        ISOLATED,
        /** The other VPC's instance has the source's own address: nothing to measure. */
        SAME_ADDRESS
    }

    /** One pair: what was expected and what the ping got. */
    public record Cell(Instance from, Instance to, Expectation expected, ProbeResult result) {

        public boolean answered() {
            return result.getReceived() != null && result.getReceived() > 0;
        }

        public boolean asExpected() {
            return switch (expected) {
                case ISOLATED -> !answered();
                case SAME_ADDRESS -> true;
                default -> answered();
            };
        }

        /** "ok 0.9ms", "own 0.3ms", "x ARP_UNKNOWN_BINDING", "x no reply" or "(same ip)". */
        public String text() {
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
            Map<String, Long> reasons = result.getDropReasons();
            return reasons == null || reasons.isEmpty()
                    ? "x no reply"
                    : "x " + String.join(",", new TreeSet<>(reasons.keySet()));
        }
    }

    private final List<Instance> instances;
    private final List<Cell> cells;

    private ReachabilityMatrix(List<Instance> instances, List<Cell> cells) {
        this.instances = instances;
        this.cells = cells;
    }

    /** Measures every ordered pair of these instances, sorted by tenant, VPC and name. */
    public static ReachabilityMatrix measure(ApiClient api, List<Instance> members)
            throws ApiException, InterruptedException {
        List<Instance> sorted = members.stream()
                .sorted(Comparator.comparing((Instance i) -> Objects.toString(i.getTenantName(), i.getTenantId()))
                        .thenComparing(i -> Objects.toString(i.getVpcName(), i.getVpcId()))
                        .thenComparing(i -> Objects.toString(i.getName(), i.getInstanceId())))
                .toList();
        Set<String> peered = activePeerings(api);
        DiagnosticsApi diagnostics = new DiagnosticsApi(api);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL_PINGS, sorted.size())));
        try {
            List<Future<Cell>> pending = new ArrayList<>();
            for (Instance from : sorted) {
                for (Instance to : sorted) {
                    if (from != to) {
                        Expectation expected = expectation(from, to, sorted, peered);
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
            return new ReachabilityMatrix(sorted, cells);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ApiException refused) {
                throw refused;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** What a ping from one instance to another must show, given the VPC pairs that are peered ("a|b", both ways). */
    static Expectation expectation(Instance from, Instance to, List<Instance> all, Set<String> peered) {
        if (from.getVpcId().equals(to.getVpcId()) || peered.contains(from.getVpcId() + "|" + to.getVpcId())) {
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

    private static Set<String> activePeerings(ApiClient api) throws ApiException {
        PeeringsApi peerings = new PeeringsApi(api);
        Set<String> pairs = new HashSet<>();
        String token = null;
        do {
            var page = peerings.listPeerings(null, 1000, token);
            for (Peering p : page.getItems()) {
                if (p.getStatus() == PeeringStatus.ACTIVE) {
                    pairs.add(p.getRequesterVpcId() + "|" + p.getAccepterVpcId());
                    pairs.add(p.getAccepterVpcId() + "|" + p.getRequesterVpcId());
                }
            }
            token = page.getNextToken();
        } while (token != null);
        return pairs;
    }

    private static ProbeResult ping(DiagnosticsApi diagnostics, Instance from, Instance to) throws ApiException {
        return diagnostics.pingFromInstance(
                from.getInstanceId(),
                new PingRequest().target(to.getPrivateIpAddress()).count(2).timeoutMillis(500));
    }

    public List<Cell> cells() {
        return cells;
    }

    public boolean allAsExpected() {
        return cells.stream().allMatch(Cell::asExpected);
    }

    /** The matrix as aligned text (rows ping columns), a legend, and the verdict on isolation. */
    public String render() {
        Map<String, Cell> byPair =
                cells.stream().collect(Collectors.toMap(c -> pair(c.from(), c.to()), Function.identity()));
        List<String> header = new ArrayList<>(List.of(""));
        instances.forEach(i -> header.add(label(i)));
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (Instance from : instances) {
            List<String> row = new ArrayList<>(List.of(label(from)));
            for (Instance to : instances) {
                row.add(from == to ? "-" : byPair.get(pair(from, to)).text());
            }
            table.row(row.toArray(String[]::new));
        }
        String verdict = allAsExpected()
                ? "Tenant isolation holds: every tenant reaches its own instances and never the other's.\n"
                : "UNEXPECTED: "
                        + cells.stream()
                                .filter(c -> !c.asExpected())
                                .map(c -> label(c.from()) + " -> " + label(c.to()) + " " + c.text())
                                .collect(Collectors.joining("; "))
                        + "\n";
        return table.render()
                + "ok = answered (best RTT); own = an address the source's VPC uses too, answered by the source's own"
                + " instance; x = no answer, with the drops the source host counted; (same ip) = the other VPC's"
                + " instance has the source's own address\n"
                + verdict;
    }

    private static String pair(Instance from, Instance to) {
        return from.getInstanceId() + ">" + to.getInstanceId();
    }

    private static String label(Instance instance) {
        return (instance.getName() == null ? instance.getInstanceId() : instance.getName()) + " "
                + instance.getPrivateIpAddress();
    }
}
