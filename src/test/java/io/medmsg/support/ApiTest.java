package io.medmsg.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Base of the API tests: the whole application on a random port, a fresh data dir shared by
 * every test class of this JVM (one cached context), real HTTP. The database is SQLite in that
 * data dir, or a fresh PostgreSQL or MariaDB database when {@code -Dmedmsg.test.db} says so (see
 * {@link TestDatabase}; the pom reruns the API tests once per database). Classes tagged
 * {@code sqlite-only} test what exists only on SQLite.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"medmsg.auth.hs256-secret=" + Tokens.SECRET, "medmsg.data-dir=${medmsg.test.shared-data-dir}",
            // tests send fast; the limiter has its own test with the default limits
            "medmsg.limits.send-rate-per-second=1000000", "medmsg.limits.send-burst=1000000",
            // empty: SQLite in the data dir
            "spring.datasource.url=${medmsg.test.datasource.url:}",
            "spring.datasource.username=${medmsg.test.datasource.username:}",
            "spring.datasource.password=${medmsg.test.datasource.password:}",
            // several contexts stay cached in one JVM, and other runs share the database server
            "spring.datasource.hikari.maximum-pool-size=10", "spring.datasource.hikari.minimum-idle=1"})
@Tag("db")
@ExtendWith(TestDatabase.Reachable.class)
public abstract class ApiTest {

    static {
        if (System.getProperty("medmsg.test.shared-data-dir") == null) {
            System.setProperty("medmsg.test.shared-data-dir", tempDir().toString());
        }
        if (TestDatabase.kind() != TestDatabase.Kind.SQLITE && System.getProperty("medmsg.test.datasource.url") == null) {
            try {
                TestDatabase.Fresh db = TestDatabase.shared();
                System.setProperty("medmsg.test.datasource.url", db.url());
                System.setProperty("medmsg.test.datasource.username", db.user());
                System.setProperty("medmsg.test.datasource.password", db.password());
            } catch (IllegalStateException unreachable) {
                if (TestDatabase.onCi()) {
                    throw unreachable;
                }
                // elsewhere TestDatabase.Reachable skips the tests and says why
            }
        }
    }

    @LocalServerPort
    protected int port;

    protected Api api;

    /**
     * For a test class that needs a context of its own (other settings): one process per data
     * dir holds in tests too, so such a context gets its own directory, and on a server database
     * a database of its own.
     */
    protected static void ownDataDir(DynamicPropertyRegistry registry) {
        Path dir = tempDir();
        registry.add("medmsg.data-dir", dir::toString);
        if (TestDatabase.kind() != TestDatabase.Kind.SQLITE) {
            TestDatabase.create(TestDatabase.kind()).register(registry);
        }
    }

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    /** A fresh id for each test, so that tests sharing one database never see each other's rows. */
    protected static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36);
    }

    protected static Path tempDir() {
        try {
            return Files.createTempDirectory("medmsg-test-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
