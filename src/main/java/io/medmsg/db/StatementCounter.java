package io.medmsg.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the statements this instance sends to the database (every prepare or create on a
 * pooled connection). Exposed as the metric {@code medmsg.db.statements}; the tests use it to
 * prove that an idle poll is answered without touching the database. Requests run on virtual
 * threads and the background jobs (audit inbox, sweepers, webhooks) on platform threads, so
 * {@link #countOfVirtualThreads} leaves out what a job sent while the test's polls ran.
 */
public final class StatementCounter {

    private static final Set<String> STATEMENT_METHODS = Set.of("prepareStatement", "createStatement", "prepareCall");

    private final LongAdder count = new LongAdder();
    private final LongAdder ofVirtualThreads = new LongAdder();

    public long count() {
        return count.sum();
    }

    /** The statements sent from virtual threads: the requests', not the background jobs'. */
    public long countOfVirtualThreads() {
        return ofVirtualThreads.sum();
    }

    Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (STATEMENT_METHODS.contains(method.getName())) {
                count.increment();
                if (Thread.currentThread().isVirtual()) {
                    ofVirtualThreads.increment();
                }
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }
}
