package io.medmsg.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps a SQLite connection's prepared statements for reuse. The SQLite driver compiles the SQL
 * on every {@code prepareStatement}, and the pools do not cache statements: on the send path that
 * compilation was a quarter of the writer thread's time (docs/benchmarks.md). A statement handed
 * out is the connection's own until the caller closes it; closing resets it (the driver resets a
 * statement when its result set closes and after an update), so a reused statement never holds
 * a read snapshot open. A connection is used by one thread at a time, so no locking.
 */
final class StatementCache {

    private static final int SIZE = 64;

    private final Connection connection;
    private final Map<String, Cached> statements = new LinkedHashMap<>(SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            if (size() <= SIZE) {
                return false;
            }
            eldest.getValue().closeQuietly();
            return true;
        }
    };

    private StatementCache(Connection connection) {
        this.connection = connection;
    }

    static Connection wrap(Connection connection) {
        StatementCache cache = new StatementCache(connection);
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "prepareStatement" -> args.length == 1 ? cache.prepare((String) args[0]) : invoke(connection, method, args);
            case "close" -> {
                cache.closeAll();
                yield invoke(connection, method, args);
            }
            default -> invoke(connection, method, args);
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        Cached cached = statements.get(sql);
        if (cached != null && (cached.inUse || cached.statement.isClosed())) {
            if (cached.inUse) {
                // the same SQL again while the first is still open (a nested query): not cached
                return connection.prepareStatement(sql);
            }
            statements.remove(sql);
            cached = null;
        }
        if (cached == null) {
            cached = new Cached(connection.prepareStatement(sql));
            statements.put(sql, cached);
        }
        cached.inUse = true;
        return cached.handle;
    }

    private void closeAll() {
        statements.values().forEach(Cached::closeQuietly);
        statements.clear();
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static final class Cached {
        final PreparedStatement statement;
        final PreparedStatement handle;
        boolean inUse;
        /** The last result set handed out: closing it is what resets the statement. */
        ResultSet results;

        Cached(PreparedStatement statement) {
            this.statement = statement;
            InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
                case "close" -> {
                    release();
                    yield null;
                }
                case "isClosed" -> !inUse;
                case "executeQuery", "getResultSet" -> results = (ResultSet) invoke(statement, method, args);
                default -> invoke(statement, method, args);
            };
            this.handle = (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, handler);
        }

        private void release() throws SQLException {
            if (!inUse) {
                return;
            }
            inUse = false;
            ResultSet open = results;
            results = null;
            if (statement.isClosed()) {
                return;
            }
            if (open != null) {
                open.close();
            }
            statement.clearParameters();
        }

        void closeQuietly() {
            try {
                statement.close();
            } catch (SQLException e) {
                // the connection is going away; nothing to keep
            }
        }
    }
}
