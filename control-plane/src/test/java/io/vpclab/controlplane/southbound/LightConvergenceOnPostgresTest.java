package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.controlplane.PostgresSupport;
import org.junit.jupiter.api.Test;

/**
 * The smoke form of {@code bin/bench-convergence --light}, so CI keeps it working: 20 light
 * agents over two replicas on a real PostgreSQL. It also proves what the figures rest on: an
 * agent that moves to the other replica resumes with {@code Last-Event-ID} (no snapshot), a
 * restarted replica takes the numbers the store gave the tables (no host moves to a new
 * generation, so no snapshot storm when agents come back to it), and a change is pushed only to
 * the hosts of its VPC.
 */
class LightConvergenceOnPostgresTest {

    private static final String SCHEMA = "vpclab_it_light";

    @Test
    void twentyLightAgentsOnTwoReplicasFollowChangesAndMoveWithoutSnapshots() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
        LightConvergence.Figures figures = new LightConvergence(
                        20,
                        400,
                        10,
                        new LightConvergence.Postgres(
                                System.getenv("VPCLAB_TEST_POSTGRES_URL"),
                                System.getenv("VPCLAB_TEST_POSTGRES_USER"),
                                System.getenv("VPCLAB_TEST_POSTGRES_PASSWORD"),
                                SCHEMA))
                .run();
        System.out.print(figures.summary());

        assertThat(figures.replicas()).isEqualTo(2);
        assertThat(figures.p99Millis()).isPositive();
        assertThat(figures.eventsPerChange())
                .as("one event per host of the changed VPC (5), on whichever replica it follows")
                .isBetween(1.0, (double) LightConvergence.HOSTS_PER_VPC);
        assertThat(figures.failoverSnapshots())
                .as("agents of the stopped replica resume on the other with deltas")
                .isZero();
        assertThat(figures.generationsMovedByRestart())
                .as("the restarted replica compiles every table under the number it had")
                .isZero();
        assertThat(figures.failbackSnapshots())
                .as("agents coming back to the restarted replica resume too")
                .isZero();
    }
}
