package io.medmsg.support;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The database the tests of this JVM run on, chosen by {@code -Dmedmsg.test.db=sqlite|postgres|mariadb}
 * (the pom runs the API tests once per value). For a server database every Spring context gets
 * a database of its own, {@code medmsg_t_<epoch seconds>_<random>}, created here; leftovers of
 * earlier runs older than three hours are dropped on the way.
 *
 * <p>A server that cannot be reached skips the tests on a developer's machine, but fails them on
 * CI ({@code CI=true}): there an unreachable database is a broken build, never a green one.
 */
public final class TestDatabase {

    public enum Kind {
        SQLITE, POSTGRES, MARIADB;

        static Kind parse(String value) {
            return switch (value == null ? "sqlite" : value.strip().toLowerCase(Locale.ROOT)) {
                case "", "sqlite" -> SQLITE;
                case "postgres", "postgresql", "pg" -> POSTGRES;
                case "mariadb", "mysql" -> MARIADB;
                default -> throw new IllegalArgumentException("medmsg.test.db must be sqlite, postgres or mariadb, not " + value);
            };
        }
    }

    /** A database created for one context (or one group of instances sharing it). */
    public record Fresh(Kind kind, String name, String url, String user, String password) {

        public void register(DynamicPropertyRegistry registry) {
            registry.add("spring.datasource.url", this::url);
            registry.add("spring.datasource.username", this::user);
            registry.add("spring.datasource.password", this::password);
        }

        /** The same settings as command-line arguments, for contexts started by hand. */
        public List<String> args() {
            return List.of("--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
                    "--spring.datasource.password=" + password);
        }

        /**
         * The same database reached through a {@link TcpProxy} to its server, which a test can cut
         * as a network outage or a server restart would.
         */
        public Fresh throughProxy(TcpProxy proxy) {
            Matcher m = SERVER_URL.matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("not a server URL: " + url);
            }
            return new Fresh(kind, name, m.group(1) + "127.0.0.1:" + proxy.port() + m.group(4), user, password);
        }

        /** A proxy to this database's server, for {@link #throughProxy}. */
        public TcpProxy proxy() {
            Matcher m = SERVER_URL.matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("not a server URL: " + url);
            }
            return TcpProxy.to(m.group(2), Integer.parseInt(m.group(3)));
        }

        /** A plain JDBC connection to it, for tests that look at or change the database itself. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    private static final Pattern SERVER_URL = Pattern.compile("^(jdbc:[a-z]+://)([^/:]+):(\\d+)(/.*)$");
    private static final long STALE_SECONDS = TimeUnit.HOURS.toSeconds(3);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static Fresh shared;

    private TestDatabase() {
    }

    /** The database kind of this JVM. */
    public static Kind kind() {
        return Kind.parse(System.getProperty("medmsg.test.db"));
    }

    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The fresh database that the one cached context of this JVM uses (server databases only). */
    public static synchronized Fresh shared() {
        if (shared == null) {
            shared = create(kind());
        }
        return shared;
    }

    /** A new, empty database of the given kind on the test server. */
    public static Fresh create(Kind kind) {
        if (kind == Kind.SQLITE) {
            throw new IllegalArgumentException("SQLite databases live in the data dir; there is nothing to create");
        }
        String name = "medmsg_t_" + (System.currentTimeMillis() / 1000) + "_" + Long.toString(RANDOM.nextLong() >>> 1, 36);
        try (Connection c = admin(kind); Statement st = c.createStatement()) {
            dropStale(kind, c);
            st.execute(kind == Kind.POSTGRES ? "CREATE DATABASE " + name
                    : "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database on " + adminUrl(kind) + ": " + e.getMessage(), e);
        }
        return new Fresh(kind, name, serverUrl(kind) + "/" + name, user(kind), password(kind));
    }

    /**
     * A fresh database on that server, for a test that needs one whatever database the run uses.
     * An unreachable server skips the test on a developer's machine and fails it on CI, as
     * {@link Reachable} does for the other tests.
     */
    public static Fresh createOnServer(Kind kind) {
        skipOffCi(unreachable(kind));
        return create(kind);
    }

    /**
     * Skips the running test over a missing service on a developer's machine; on CI it goes on,
     * and fails on its connection, as {@link Reachable} lets it.
     */
    public static void skipOffCi(Optional<String> problem) {
        problem.ifPresent(why -> {
            if (!onCi()) {
                Assumptions.abort(why + " (set CI=true to fail instead of skipping)");
            }
        });
    }

    /** Why the server of this kind cannot be used, or empty when it can. */
    public static Optional<String> unreachable(Kind kind) {
        if (kind == Kind.SQLITE) {
            return Optional.empty();
        }
        try (Connection c = admin(kind)) {
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(kind + " at " + adminUrl(kind) + " is not reachable: " + e.getMessage());
        }
    }

    /** The Redis of the multi-instance tests: {@code -Dmedmsg.test.redis.url}, by default the local one. */
    public static String redisUrl() {
        return System.getProperty("medmsg.test.redis.url", "redis://127.0.0.1:6379");
    }

    /** Why that Redis cannot be used, or empty when it can. */
    public static Optional<String> redisUnreachable() {
        java.net.URI uri = java.net.URI.create(redisUrl());
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 3000);
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.of("Redis at " + redisUrl() + " is not reachable: " + e.getMessage());
        }
    }

    private static Connection admin(Kind kind) throws SQLException {
        DriverManager.setLoginTimeout(5);
        try {
            return DriverManager.getConnection(adminUrl(kind), user(kind), password(kind));
        } catch (SQLException e) {
            if (kind == Kind.POSTGRES && "3D000".equals(e.getSQLState())) {
                // no database "test" on this server: every cluster has "postgres"
                return DriverManager.getConnection(serverUrl(kind) + "/postgres", user(kind), password(kind));
            }
            throw e;
        }
    }

    /** Server URL without a database, e.g. {@code jdbc:postgresql://127.0.0.1:5432}. */
    private static String serverUrl(Kind kind) {
        return kind == Kind.POSTGRES ? System.getProperty("medmsg.test.postgres.server", "jdbc:postgresql://127.0.0.1:5432")
                : System.getProperty("medmsg.test.mariadb.server", "jdbc:mariadb://127.0.0.1:3306");
    }

    private static String adminUrl(Kind kind) {
        // PostgreSQL needs some database to connect to; the machine has "test"
        return kind == Kind.POSTGRES ? serverUrl(kind) + "/" + System.getProperty("medmsg.test.postgres.admin-db", "test")
                : serverUrl(kind) + "/";
    }

    private static String user(Kind kind) {
        return kind == Kind.POSTGRES ? System.getProperty("medmsg.test.postgres.user", "postgres")
                : System.getProperty("medmsg.test.mariadb.user", "root");
    }

    private static String password(Kind kind) {
        return kind == Kind.POSTGRES ? System.getProperty("medmsg.test.postgres.password", "")
                : System.getProperty("medmsg.test.mariadb.password", "");
    }

    private static void dropStale(Kind kind, Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        String list = kind == Kind.POSTGRES ? "SELECT datname FROM pg_database WHERE datname LIKE 'medmsg\\_t\\_%'"
                : "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'medmsg\\_t\\_%'";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(list)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        long now = System.currentTimeMillis() / 1000;
        for (String name : names) {
            String[] parts = name.split("_");
            try {
                if (parts.length >= 4 && now - Long.parseLong(parts[2]) > STALE_SECONDS) {
                    try (Statement st = c.createStatement()) {
                        st.execute(kind == Kind.POSTGRES ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
                                : "DROP DATABASE IF EXISTS " + name);
                    }
                }
            } catch (NumberFormatException | SQLException ignored) {
                // not ours, or in use: leave it
            }
        }
    }

    /**
     * Skips (on a developer's machine) or fails (on CI) the tests of a class when the database
     * of this JVM cannot be reached. Registered on {@link ApiTest} and the multi-instance tests.
     */
    public static final class Reachable implements ExecutionCondition {

        private static Optional<String> problem;

        private static synchronized Optional<String> problem() {
            if (problem == null) {
                problem = unreachable(kind());
            }
            return problem;
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> problem = problem();
            if (problem.isEmpty() && context.getRequiredTestClass().isAnnotationPresent(NeedsRedis.class)) {
                problem = redisUnreachable();
            }
            if (problem.isEmpty()) {
                return ConditionEvaluationResult.enabled("database reachable");
            }
            if (onCi()) {
                // enabled on purpose: the test then fails on its connection, and so does the build
                return ConditionEvaluationResult.enabled("CI=true: " + problem.get() + " -- failing, not skipping");
            }
            return ConditionEvaluationResult.disabled(problem.get() + " (set CI=true to fail instead of skipping)");
        }
    }

    /** A test class that also needs {@link #redisUrl()}; {@link Reachable} checks it the same way. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    public @interface NeedsRedis {
    }
}
