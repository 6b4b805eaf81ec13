package io.medmsg.realtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTEN/NOTIFY on the database itself. NOTIFY goes through the pool; LISTEN holds a dedicated
 * connection (outside the pool, so it neither takes a pooled connection for ever nor counts as a
 * statement of the service) read by one platform thread with {@code getNotifications(timeout)}.
 * When that connection breaks, the thread reports it and reconnects, once a second.
 */
final class PostgresChannel implements ChangeChannel {

    private static final String NOTIFY = "SELECT pg_notify(?, ?)";
    private static final String PING = "SELECT 1";
    private static final int POLL_MILLIS = 5_000;

    private final String url;
    private final Properties connectionProperties;
    private final String channel;
    private final DataSource pool;
    private volatile boolean running = true;
    private volatile Connection listening;
    private Thread thread;

    PostgresChannel(String url, String user, String password, String channel, DataSource pool) {
        this.url = url;
        this.channel = channel;
        this.pool = pool;
        this.connectionProperties = new Properties();
        if (user != null) {
            connectionProperties.setProperty("user", user);
        }
        if (password != null) {
            connectionProperties.setProperty("password", password);
        }
        connectionProperties.setProperty("ApplicationName", "medmsg-listen");
        connectionProperties.setProperty("tcpKeepAlive", "true");
        // a server that vanished without a word: the ping below fails after this long
        connectionProperties.setProperty("socketTimeout", "30");
    }

    @Override
    public void publish(List<String> payloads) throws SQLException {
        try (Connection c = pool.getConnection()) {
            boolean auto = c.getAutoCommit();
            // several payloads: one transaction, one commit (NOTIFY is delivered at commit)
            c.setAutoCommit(payloads.size() == 1);
            try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
                for (String payload : payloads) {
                    ps.setString(1, channel);
                    ps.setString(2, payload);
                    ps.execute();
                }
                if (payloads.size() > 1) {
                    c.commit();
                }
            } catch (SQLException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    @Override
    public void listen(Receiver receiver, Duration timeout) throws InterruptedException {
        CountDownLatch first = new CountDownLatch(1);
        thread = Thread.ofPlatform().name("medmsg-listen").daemon(true).start(() -> loop(receiver, first));
        if (!first.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("could not LISTEN on " + describe() + " within " + timeout.toSeconds() + " s");
        }
    }

    private void loop(Receiver receiver, CountDownLatch first) {
        while (running) {
            try (Connection c = DriverManager.getConnection(url, connectionProperties)) {
                listening = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + channel);
                }
                receiver.connected();
                first.countDown();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications == null || notifications.length == 0) {
                        // getNotifications only reads; a query notices a connection that is gone
                        try (Statement st = c.createStatement()) {
                            st.execute(PING);
                        }
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        receiver.received(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                receiver.disconnected(e.getClass().getSimpleName() + ": " + e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            } finally {
                listening = null;
            }
        }
    }

    @Override
    public String describe() {
        return "PostgreSQL channel " + channel;
    }

    @Override
    public void close() {
        running = false;
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
