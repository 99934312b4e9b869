package io.vpclab.topology.apply;

import io.vpclab.client.ApiException;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.topology.Topology.Expectation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a list of expectations in waves of probes that cannot see each other, so that a probe
 * expected to go unanswered waits out its timeout alongside the others instead of after them. Two
 * probes share a wave only when they share no end (a port's drop counters and its tracked flows are
 * its own), and no probe overtakes an earlier one that shares an end with it. An expectation that
 * names its deciding rule reads counters a whole host sums, so it runs alone, and nothing overtakes it.
 * The results keep the file's order.
 */
final class ExpectationWaves {

    /** Enough for the widest wave of the samples; a wave wider than this runs in parts of this size. */
    private static final int MAX_CONCURRENT_PROBES = 8;

    /** Runs one expectation's probe and judges it ({@link ExpectationRunner#run}). */
    @FunctionalInterface
    interface Probe {
        ExpectationResult run(String step, Expectation expectation) throws ApiException, InterruptedException;
    }

    private final Probe runner;

    ExpectationWaves(Probe runner) {
        this.runner = runner;
    }

    List<ExpectationResult> run(String step, List<Expectation> expectations) throws ApiException, InterruptedException {
        ExpectationResult[] results = new ExpectationResult[expectations.size()];
        LinkedList<Integer> pending = new LinkedList<>();
        for (int i = 0; i < expectations.size(); i++) {
            pending.add(i);
        }
        ExecutorService probes = Executors.newFixedThreadPool(MAX_CONCURRENT_PROBES, r -> {
            Thread thread = new Thread(r, "expectation-probe");
            thread.setDaemon(true);
            return thread;
        });
        try {
            while (!pending.isEmpty()) {
                List<Integer> wave = nextWave(expectations, pending);
                if (wave.size() == 1) {
                    results[wave.get(0)] = runner.run(step, expectations.get(wave.get(0)));
                    continue;
                }
                List<Future<ExpectationResult>> running = new ArrayList<>();
                for (int index : wave) {
                    running.add(probes.submit(() -> runner.run(step, expectations.get(index))));
                }
                for (int i = 0; i < wave.size(); i++) {
                    results[wave.get(i)] = outcome(running.get(i));
                }
            }
        } finally {
            probes.shutdownNow();
        }
        return List.of(results);
    }

    /** Takes the next wave out of {@code pending}, in order. */
    private static List<Integer> nextWave(List<Expectation> expectations, LinkedList<Integer> pending) {
        List<Integer> wave = new ArrayList<>();
        if (expectations.get(pending.getFirst()).decidedBy() != null) {
            wave.add(pending.removeFirst());
            return wave;
        }
        Set<String> passed = new HashSet<>();
        var candidates = pending.iterator();
        while (candidates.hasNext() && wave.size() < MAX_CONCURRENT_PROBES) {
            int index = candidates.next();
            Expectation expectation = expectations.get(index);
            if (expectation.decidedBy() != null) {
                break;
            }
            Set<String> ends = ends(expectation);
            boolean free = ends.stream().noneMatch(passed::contains);
            passed.addAll(ends);
            if (free) {
                wave.add(index);
                candidates.remove();
            }
        }
        return wave;
    }

    /** The ports a probe touches by name: its source and its target (an elastic IP is its owner's). */
    private static Set<String> ends(Expectation expectation) {
        String to = expectation.to().startsWith("eip:") ? expectation.to().substring(4) : expectation.to();
        Set<String> ends = new HashSet<>();
        ends.add(expectation.from());
        ends.add(to);
        return ends;
    }

    private static ExpectationResult outcome(Future<ExpectationResult> running)
            throws ApiException, InterruptedException {
        try {
            return running.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
