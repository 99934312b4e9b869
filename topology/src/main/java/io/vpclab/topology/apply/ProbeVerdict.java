package io.vpclab.topology.apply;

import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.topology.Topology.Expectation;
import java.util.function.Predicate;

/**
 * How an expectation's probe is tried and judged, wherever it is sent from (an instance or an
 * internet host through the diagnostics API, a simulated on-premises host in this process): the
 * result's heading, the tries, what was observed and whether that meets the expectation.
 */
final class ProbeVerdict {

    /** A first packet may race ARP or conntrack warm-up; a stable mismatch survives three tries. */
    static final int ATTEMPTS = 3;

    static final int PING_COUNT = 2;
    static final int TIMEOUT_MILLIS = 700;

    /** One try of an expectation's probe. */
    @FunctionalInterface
    interface Attempt<E extends Exception> {
        ProbeResult send() throws E, InterruptedException;
    }

    private ProbeVerdict() {}

    /** The result's heading: what was expected of which flow, toward {@code target} (null when unknown). */
    static ExpectationResult heading(String step, Expectation expectation, String target) {
        return new ExpectationResult()
                .step(step)
                .from(expectation.from())
                .to(expectation.to())
                .targetIp(target)
                .probe(ExpectationResult.ProbeEnum.fromValue(expectation.probe()))
                .port(expectation.port())
                .expected(expectation.outcome())
                .expectedDropReason(expectation.dropReason());
    }

    /** The verdict when the target has no address to probe. */
    static ExpectationResult unknownTarget(ExpectationResult heading, Expectation expectation) {
        return heading.observed("unknown target").met(false).detail(expectation.to() + " has no address (yet)");
    }

    /** Tries the probe until it meets the expectation, {@link #ATTEMPTS} times at most; the last result. */
    static <E extends Exception> ProbeResult untilMet(Expectation expectation, Attempt<E> attempt)
            throws E, InterruptedException {
        return untilMet(attempt, probe -> met(expectation, observed(expectation, probe), probe));
    }

    /** Tries the probe until {@code enough} holds, {@link #ATTEMPTS} times at most; the last result. */
    static <E extends Exception> ProbeResult untilMet(Attempt<E> attempt, Predicate<ProbeResult> enough)
            throws E, InterruptedException {
        ProbeResult probe = null;
        for (int tried = 1; tried <= ATTEMPTS; tried++) {
            probe = attempt.send();
            if (enough.test(probe)) {
                break;
            }
        }
        return probe;
    }

    static String observed(Expectation expectation, ProbeResult probe) {
        if (expectation.probe().equals("ping")) {
            return probe.getReceived() != null && probe.getReceived() > 0 ? "reachable" : "unreachable";
        }
        return probe.getOutcome() == null ? "no outcome" : probe.getOutcome();
    }

    static boolean met(Expectation expectation, String observed, ProbeResult probe) {
        if (!expectation.outcome().equals(observed)) {
            return false;
        }
        return expectation.dropReason() == null
                || (probe.getDropReasons() != null && probe.getDropReasons().containsKey(expectation.dropReason()));
    }
}
