package io.vpclab.controlplane.southbound;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;

/**
 * A PostgreSQL session of its own, outside the pool, on a thread of its own: it LISTENs on a
 * channel (if it has one) and wakes its handler at each notification or at least every interval
 * (a notification is only a hint and can be missed). A lost session is opened again after a
 * backoff that doubles up to {@link #MAX_BACKOFF}. Held outside the pool because LISTEN and
 * session-level advisory locks belong to one connection for as long as it lives.
 */
final class PostgresNotifications {

    private static final Logger log = LoggerFactory.getLogger(PostgresNotifications.class);

    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** What runs on the session's thread. */
    interface Handler {

        /** The session was opened (again when {@code again}), and listens already. */
        default void connected(Connection session, boolean again) throws SQLException {}

        /** A notification came, or the interval passed without one (and once right after connecting). */
        void wake(Connection session) throws SQLException;

        /** The session failed and is closed; it is opened again after a backoff. */
        default void lost() {}
    }

    private final String what;
    private final DataSourceProperties dataSource;
    private final String channel;
    private final Duration interval;
    private final Handler handler;
    private final Thread thread;
    private volatile boolean stopped;
    /** The open session, so that {@link #stop()} can cut a wait short. */
    private volatile Connection current;

    /**
     * @param threadName the session thread's name
     * @param what names the session in the log ("the agents' relay")
     * @param channel the channel to LISTEN on, or null for a session that only wakes every interval
     */
    PostgresNotifications(
            String threadName,
            String what,
            DataSourceProperties dataSource,
            String channel,
            Duration interval,
            Handler handler) {
        this.what = what;
        this.dataSource = dataSource;
        this.channel = channel;
        this.interval = interval;
        this.handler = handler;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /** Starts the session's thread; later calls do nothing. */
    synchronized void start() {
        if (thread.getState() == Thread.State.NEW) {
            thread.start();
        }
    }

    /** Whether {@link #start()} was called. */
    synchronized boolean started() {
        return thread.getState() != Thread.State.NEW;
    }

    /**
     * Stops the thread and waits (a bounded time) for it to end. The session is aborted, not left
     * to the end of its wait: what it holds (a LISTEN, a lock) is released at once.
     */
    void stop() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        Connection session = current;
        if (session != null) {
            try {
                session.abort(Runnable::run);
            } catch (SQLException e) {
                log.debug("aborting {}: {}", what, e.toString());
            }
        }
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    private void run() {
        boolean connectedBefore = false;
        Duration backoff = FIRST_BACKOFF;
        while (!stopped) {
            try (Connection session = DriverManager.getConnection(
                    dataSource.determineUrl(), dataSource.determineUsername(), dataSource.determinePassword())) {
                current = session;
                if (stopped) {
                    return;
                }
                if (channel != null) {
                    try (Statement statement = session.createStatement()) {
                        statement.execute("LISTEN " + channel);
                    }
                }
                handler.connected(session, connectedBefore);
                connectedBefore = true;
                backoff = FIRST_BACKOFF;
                PGConnection notifications = session.unwrap(PGConnection.class);
                while (!stopped) {
                    handler.wake(session);
                    // returns at the first notification, else after the interval; a dead session throws here
                    notifications.getNotifications((int) interval.toMillis());
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                handler.lost();
                log.warn("lost {} ({}); retrying in {}", what, e.toString(), backoff);
                LockSupport.parkNanos(backoff.toNanos());
                backoff = nextBackoff(backoff);
            }
        }
    }

    static Duration nextBackoff(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }
}
