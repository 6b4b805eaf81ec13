package io.medmsg.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.support.GeneratedKeyHolder;

/**
 * Statements of one group-commit batch that are sent to the server together, as one JDBC batch:
 * one round trip for all of them instead of one each (docs/benchmarks.md: on PostgreSQL the writer
 * spent most of a batch waiting for one statement's answer after another). Only consecutive
 * executions of the same statement are queued; anything else the writer sends flushes the queue
 * first ({@link Database}), so every statement still sees the ones before it, in order.
 *
 * <p>A queued statement must return only columns of a fixed width (no text): pgjdbc cannot bound
 * the answer to any other, so it sends such a statement on its own and waits for its answer, one
 * round trip per execution again.
 *
 * <p>It also holds, instead of queued statements, the writes a module gathers over the batch's
 * units to send them its own way ({@link Database.Deferred}); they go at the same moments.
 *
 * <p>Writer thread only. Whatever is queued is sent before the batch commits ({@link GroupCommitter}).
 */
final class WritePipeline {

    private final NamedParameterJdbcTemplate jdbc;
    private final List<SqlParameterSource> params = new ArrayList<>();
    private final List<Queued<?>> queued = new ArrayList<>();
    private String sql;
    private String[] columns;
    /** Gathered writes, when no statement is queued. */
    private Database.Deferred deferred;

    WritePipeline(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    <T> Database.Pending<Optional<T>> add(String sql, String[] columns, Map<String, ?> values,
            Function<Map<String, Object>, T> row) {
        if (deferred != null || !sql.equals(this.sql)) {
            flush();
            this.sql = sql;
            this.columns = columns;
        }
        Queued<T> q = new Queued<>(row, new Database.Pending<>());
        params.add(new MapSqlParameterSource(values));
        queued.add(q);
        return q.pending;
    }

    /** The gathering of {@code kind} under way, else a new one, after whatever else is queued has been sent. */
    <D extends Database.Deferred> D deferred(Class<D> kind, Supplier<D> start) {
        if (kind.isInstance(deferred)) {
            return kind.cast(deferred);
        }
        flush();
        D started = start.get();
        deferred = started;
        return started;
    }

    /**
     * Sends what is queued. Each statement changes and returns at most one row; its update count
     * tells whether it did, so the returned rows, which come back in one list, are matched to
     * their statements in order.
     */
    void flush() {
        if (deferred != null) {
            // taken off first: what it sends goes through the writer, which flushes this again
            Database.Deferred gathered = deferred;
            deferred = null;
            gathered.flush();
        }
        if (queued.isEmpty()) {
            return;
        }
        try {
            GeneratedKeyHolder rows = new GeneratedKeyHolder();
            int[] counts = jdbc.batchUpdate(sql, params.toArray(SqlParameterSource[]::new), rows, columns);
            List<Map<String, Object>> returned = rows.getKeyList();
            int next = 0;
            for (int i = 0; i < queued.size(); i++) {
                if (counts[i] < 0 || counts[i] > 1) {
                    throw new IllegalStateException("a pipelined statement reported " + counts[i] + " rows");
                }
                queued.get(i).resolve(counts[i] == 1 ? returned.get(next++) : null);
            }
            if (next != returned.size()) {
                throw new IllegalStateException(next + " rows changed but " + returned.size() + " returned");
            }
        } finally {
            discard();
        }
    }

    /** Forgets what is queued (its transaction is being rolled back). */
    void discard() {
        if (deferred != null) {
            deferred.discard();
            deferred = null;
        }
        params.clear();
        queued.clear();
        sql = null;
        columns = null;
    }

    private record Queued<T>(Function<Map<String, Object>, T> row, Database.Pending<Optional<T>> pending) {
        void resolve(Map<String, Object> values) {
            pending.set(values == null ? Optional.empty() : Optional.of(row.apply(values)));
        }
    }
}
