package io.vpclab.controlplane.peering;

import io.vpclab.controlplane.PostgresSupport;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every Peering rule, the parallel requests included, with the {@code postgres} profile against a real PostgreSQL. */
@ActiveProfiles("postgres")
class PostgresPeeringRulesTest extends PeeringRulesTest {

    private static final String SCHEMA = "vpclab_it_peering";

    @BeforeAll
    static void freshSchema() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry, SCHEMA);
    }
}
