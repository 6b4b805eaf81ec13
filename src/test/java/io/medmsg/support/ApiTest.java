package io.medmsg.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Base of the API tests: the whole application on a random port, SQLite in a fresh data dir
 * shared by every test class of this JVM (one cached context), real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"medmsg.auth.hs256-secret=" + Tokens.SECRET, "medmsg.data-dir=${medmsg.test.shared-data-dir}",
            // tests send fast; the limiter has its own test with the default limits
            "medmsg.limits.send-rate-per-second=1000000", "medmsg.limits.send-burst=1000000"})
public abstract class ApiTest {

    static {
        if (System.getProperty("medmsg.test.shared-data-dir") == null) {
            System.setProperty("medmsg.test.shared-data-dir", tempDir().toString());
        }
    }

    @LocalServerPort
    protected int port;

    protected Api api;

    /**
     * For a test class that needs a context of its own (other settings): one process per data
     * dir holds in tests too, so such a context gets its own directory.
     */
    protected static void ownDataDir(DynamicPropertyRegistry registry) {
        Path dir = tempDir();
        registry.add("medmsg.data-dir", dir::toString);
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
