package io.vpclab.controlplane.system;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * What a {@code @WebMvcTest} of one controller takes from the system package, so the slice
 * answers as the server does: the bearer-token filter (with fixed tokens instead of the store),
 * problem+json for every refusal, strict JSON, and metrics in memory.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import({ProblemWriter.class, StrictJson.class})
public class WebSlice {

    public static final String ADMIN_TOKEN = "slice-admin";
    /** The token of tenant {@link #TENANT}. */
    public static final String TENANT_TOKEN = "slice-tenant";

    public static final String TENANT = "tenant-00000000000000001";

    @Bean
    MeterRegistry meters() {
        return new SimpleMeterRegistry();
    }

    @Bean
    CallerResolver fixedTokens() {
        Map<String, Caller> callers =
                Map.of(Tokens.sha256(ADMIN_TOKEN), Caller.admin(), Tokens.sha256(TENANT_TOKEN), Caller.tenant(TENANT));
        return digest -> Optional.ofNullable(callers.get(digest));
    }
}
