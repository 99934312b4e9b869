package io.vpclab.controlplane.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.controlplane.PostgresSupport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;

/**
 * The session loop the replicas' relay, change feed and leadership share, on a real PostgreSQL:
 * a notification wakes the handler long before the interval, and a session the server kills is
 * opened again (and listens again) after a backoff.
 */
class PostgresNotificationsOnPostgresTest {

    private static final String SCHEMA = "vpclab_it_notifications";
    private static final String CHANNEL = "s8t_notifications";
    /** Long enough that only a notification can explain a wake within the test's wait. */
    private static final Duration INTERVAL = Duration.ofMinutes(5);

    @Test
    void aNotificationWakesTheHandlerAndAKilledSessionListensAgain() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
        DataSourceProperties dataSource = new DataSourceProperties();
        dataSource.setUrl(PostgresSupport.urlWithSchema(SCHEMA));
        dataSource.setUsername(PostgresSupport.USER);
        dataSource.setPassword(PostgresSupport.PASSWORD);
        AtomicInteger wakes = new AtomicInteger();
        AtomicInteger reconnections = new AtomicInteger();
        AtomicInteger losses = new AtomicInteger();
        AtomicInteger sessionPid = new AtomicInteger();
        PostgresNotifications notifications = new PostgresNotifications(
                "s8t-notifications",
                "the test's session",
                dataSource,
                CHANNEL,
                INTERVAL,
                new PostgresNotifications.Handler() {
                    @Override
                    public void connected(Connection session, boolean again) throws SQLException {
                        sessionPid.set(session.unwrap(PGConnection.class).getBackendPID());
                        if (again) {
                            reconnections.incrementAndGet();
                        }
                    }

                    @Override
                    public void wake(Connection session) {
                        wakes.incrementAndGet();
                    }

                    @Override
                    public void lost() {
                        losses.incrementAndGet();
                    }
                });
        try (Connection other = DriverManager.getConnection(
                        PostgresSupport.URL, PostgresSupport.USER, PostgresSupport.PASSWORD);
                Statement statement = other.createStatement()) {
            notifications.start();
            await().atMost(Duration.ofSeconds(30))
                    .alias("woken once right after connecting")
                    .until(() -> wakes.get() == 1);

            statement.execute("select pg_notify('" + CHANNEL + "', '')");
            await().atMost(Duration.ofSeconds(30))
                    .alias("the notification wakes it")
                    .until(() -> wakes.get() == 2);

            int killed = sessionPid.get();
            statement.execute("select pg_terminate_backend(" + killed + ")");
            await().atMost(Duration.ofSeconds(30))
                    .alias("the killed session is opened again, and wakes the handler once")
                    .until(() -> reconnections.get() == 1 && wakes.get() == 3);
            assertThat(losses.get()).isEqualTo(1);
            assertThat(sessionPid.get()).isNotEqualTo(killed);

            statement.execute("select pg_notify('" + CHANNEL + "', '')");
            await().atMost(Duration.ofSeconds(30))
                    .alias("the new session listens on the channel again")
                    .until(() -> wakes.get() == 4);

            notifications.stop();
            int stopped = sessionPid.get();
            await().atMost(Duration.ofSeconds(30))
                    .alias("a stop ends the session at once, not after the interval")
                    .until(() -> {
                        try (ResultSet left = statement.executeQuery(
                                "select count(*) from pg_stat_activity where pid = " + stopped)) {
                            return left.next() && left.getLong(1) == 0;
                        }
                    });
        } finally {
            notifications.stop();
        }
        assertThat(losses.get()).as("a stop is no loss").isEqualTo(1);
    }
}
