package io.vpclab.controlplane;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same concurrency scenarios with the {@code postgres} profile against a real PostgreSQL. */
@ActiveProfiles("postgres")
class PostgresConcurrencyTest extends ConcurrencyScenarios {

    private static final String SCHEMA = "vpclab_it_concurrency";

    @BeforeAll
    static void freshSchema() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry, SCHEMA);
    }
}
