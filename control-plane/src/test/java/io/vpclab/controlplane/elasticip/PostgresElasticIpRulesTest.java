package io.vpclab.controlplane.elasticip;

import io.vpclab.controlplane.PostgresSupport;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every Eip rule, the parallel requests included, with the {@code postgres} profile against a real PostgreSQL. */
@ActiveProfiles("postgres")
class PostgresElasticIpRulesTest extends ElasticIpRulesTest {

    private static final String SCHEMA = "vpclab_it_eip";

    @BeforeAll
    static void freshSchema() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry, SCHEMA);
    }
}
