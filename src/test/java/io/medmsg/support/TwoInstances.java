package io.medmsg.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.medmsg.realtime.ChangeHub;

/**
 * Two instances, A and B, on one fresh server database, as behind a load balancer: PostgreSQL
 * with {@code medmsg.notify.type=postgres}, MariaDB with {@code medmsg.notify.type=redis}. Started
 * once per test JVM for every class that asks for them (a {@code @BeforeAll} parameter, with
 * {@link Resolver}), and closed when the run ends.
 */
public final class TwoInstances implements AutoCloseable {

    // pub/sub channels are global to a Redis server: each run gets its own
    public final String channel = "medmsg_t_" + Long.toString(System.nanoTime(), 36);
    public final TestDatabase.Fresh db;
    /** {@code postgres} or {@code redis}: how the instances tell each other of a commit. */
    public final String notify;
    public final Instance a;
    public final Instance b;

    private TwoInstances() {
        TestDatabase.Kind kind = TestDatabase.kind();
        assertThat(kind).as("two instances need a server database: -Dmedmsg.test.db=postgres or mariadb")
                .isNotEqualTo(TestDatabase.Kind.SQLITE);
        notify = kind == TestDatabase.Kind.POSTGRES ? "postgres" : "redis";
        db = TestDatabase.create(kind);
        a = startInstance();
        b = startInstance();
    }

    /** One more instance on the same database and notification channel. */
    public Instance startInstance() {
        List<String> args = new ArrayList<>(List.of("--medmsg.notify.type=" + notify, "--medmsg.notify.channel=" + channel,
                "--medmsg.limits.send-rate-per-second=1000000", "--medmsg.limits.send-burst=1000000"));
        if (notify.equals("redis")) {
            args.add("--spring.data.redis.url=" + TestDatabase.redisUrl());
        }
        return Instance.start(db, args.toArray(String[]::new));
    }

    /** The writer through B, the reader through A. */
    public Topology topology() {
        return Topology.twoInstances(a, b);
    }

    /** Waits until that instance holds a request on that key. */
    public static void awaitHeld(Instance instance, String key) throws InterruptedException {
        awaitTrue(() -> instance.bean(ChangeHub.class).waiting(key) > 0, "a request held on " + key);
    }

    public static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        b.close();
        a.close();
    }

    /** Gives a {@code TwoInstances} parameter the pair of this run, starting it the first time. */
    public static final class Resolver implements ParameterResolver {

        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TwoInstances.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TwoInstances.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            // the root store closes it (AutoCloseable) when the whole run ends
            return context.getRoot().getStore(NAMESPACE).computeIfAbsent(TwoInstances.class, k -> new TwoInstances(),
                    TwoInstances.class);
        }
    }
}
