package io.vpclab.controlplane;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real PostgreSQL from VPCLAB_TEST_POSTGRES_URL / _USER / _PASSWORD (.ci/run starts one on
 * loopback). Each test class gets its own freshly created schema, so runs never see old data.
 */
public final class PostgresSupport {

    public static final String URL = System.getenv("VPCLAB_TEST_POSTGRES_URL");
    public static final String USER = System.getenv("VPCLAB_TEST_POSTGRES_USER");
    public static final String PASSWORD = System.getenv("VPCLAB_TEST_POSTGRES_PASSWORD");

    private PostgresSupport() {}

    /** The test server's JDBC URL with {@code schema} as the connection's current schema. */
    public static String urlWithSchema(String schema) {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static void requireServerAndRecreate(String schema) throws Exception {
        Assumptions.assumeTrue(
                URL != null && !URL.isBlank(),
                "VPCLAB_TEST_POSTGRES_URL is not set: no PostgreSQL to test against (.ci/run sets it)");
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
            statement.execute("create schema " + schema);
        }
    }

    public static void register(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", () -> urlWithSchema(schema));
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> PASSWORD);
    }
}
