package io.vpclab.controlplane.natgateway;

import io.vpclab.controlplane.PostgresSupport;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every NatGateway rule, the parallel requests included, with the {@code postgres} profile against a real PostgreSQL. */
@ActiveProfiles("postgres")
class PostgresNatGatewayRulesTest extends NatGatewayRulesTest {

    private static final String SCHEMA = "vpclab_it_nat_gateway";

    @BeforeAll
    static void freshSchema() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry, SCHEMA);
    }
}
