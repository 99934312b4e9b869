package io.vpclab.controlplane.whitelist;

import io.vpclab.controlplane.PostgresSupport;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every Whitelist rule, the parallel requests included, with the {@code postgres} profile against a real PostgreSQL. */
@ActiveProfiles("postgres")
class PostgresWhitelistRulesTest extends WhitelistRulesTest {

    private static final String SCHEMA = "vpclab_it_whitelist";

    @BeforeAll
    static void freshSchema() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry, SCHEMA);
    }
}
