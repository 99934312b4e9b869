package io.vpclab.topology.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.ExpectationResult;
import io.vpclab.topology.Topology.DecidedBy;
import io.vpclab.topology.Topology.Expectation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExpectationWavesTest {

    private static Expectation probe(String from, String to) {
        return new Expectation(from, to, "ping", null, "unreachable", null, null);
    }

    private static Expectation decided(String from, String to) {
        return new Expectation(
                from, to, "tcp", 22, "filtered", null, new DecidedBy("web", null, null, null, null, null));
    }

    private static ExpectationResult result(Expectation expectation) {
        return new ExpectationResult().from(expectation.from()).to(expectation.to());
    }

    @Test
    void probesThatShareNoEndRunTogetherAndTheResultsKeepTheFilesOrder() throws Exception {
        // both wait until both have started: run one after the other, the first would never see the second
        CountDownLatch bothStarted = new CountDownLatch(2);
        List<Expectation> file = List.of(probe("a", "b"), probe("c", "eip:d"));

        List<ExpectationResult> results = new ExpectationWaves((step, e) -> {
                    bothStarted.countDown();
                    assertThat(bothStarted.await(60, TimeUnit.SECONDS))
                            .as("the other probe started")
                            .isTrue();
                    return result(e);
                })
                .run(null, file);

        assertThat(results).extracting(ExpectationResult::getFrom).containsExactly("a", "c");
    }

    @Test
    void aProbeNeverOvertakesAnEarlierOneThatSharesAnEndNorOneThatNamesItsDecidingRule() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<Expectation> file = List.of(
                probe("a", "b"),
                probe("b", "c"), // shares b with the first: after it
                probe("eip:x", "a"), // shares a with the first: after it
                decided("d", "e"), // alone
                probe("f", "g")); // not before the decided one

        List<ExpectationResult> results = new ExpectationWaves((step, e) -> {
                    log.add("start " + e.from() + "->" + e.to());
                    log.add("end " + e.from() + "->" + e.to());
                    return result(e);
                })
                .run("step", file);

        assertThat(results)
                .extracting(r -> r.getFrom() + "->" + r.getTo())
                .containsExactly("a->b", "b->c", "eip:x->a", "d->e", "f->g");
        assertThat(log.indexOf("start b->c")).isGreaterThan(log.indexOf("end a->b"));
        assertThat(log.indexOf("start eip:x->a")).isGreaterThan(log.indexOf("end a->b"));
        assertThat(log.indexOf("start d->e"))
                .isGreaterThan(log.indexOf("end b->c"))
                .isGreaterThan(log.indexOf("end eip:x->a"));
        assertThat(log.indexOf("start f->g")).isGreaterThan(log.indexOf("end d->e"));
    }

    @Test
    void aProbeFromAnInstanceToItselfRunsOnce() throws Exception {
        List<ExpectationResult> results =
                new ExpectationWaves((step, e) -> result(e)).run(null, List.of(probe("a", "a"), probe("a", "eip:a")));

        assertThat(results).extracting(ExpectationResult::getTo).containsExactly("a", "eip:a");
    }
}
