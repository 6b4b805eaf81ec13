package io.medmsg.db;

import java.sql.SQLException;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SQLExceptionTranslator;

import io.medmsg.shared.DependencyFailure;

/**
 * Names the database's own failures — unreachable, or full — as a {@link DependencyFailure}, so
 * that whoever meets one, a repository's read or a group-committed write, gets an answer the
 * client can act on (503 or 507, see {@code web}) instead of "internal error". Which errors those
 * are is the {@link Dialect}'s to say. Installed as the exception translator of every
 * {@link JdbcTemplate} the repositories use; the transaction boundaries ({@link Database}) apply it
 * to what the transaction manager throws.
 */
final class Outages {

    private final Dialect dialect;

    Outages(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The failure as a dependency failure, or null when it is something else. */
    DependencyFailure of(Throwable failure) {
        DependencyFailure known = DependencyFailure.in(failure);
        if (known != null) {
            return known;
        }
        DependencyFailure.Kind kind = dialect.outageOf(failure);
        if (kind == null) {
            return null;
        }
        String what = kind == DependencyFailure.Kind.STORAGE_FULL ? "the database has no room left" : "the database is unavailable";
        return new DependencyFailure(kind, what + ": " + failure, failure);
    }

    /** What to throw for {@code failure}: its dependency failure, or the failure itself. */
    RuntimeException translate(RuntimeException failure) {
        DependencyFailure outage = of(failure);
        return outage != null ? outage : failure;
    }

    /** Makes {@code jdbc} report outages as resource failures caused by a {@link DependencyFailure}. */
    JdbcTemplate install(JdbcTemplate jdbc) {
        SQLExceptionTranslator usual = jdbc.getExceptionTranslator();
        jdbc.setExceptionTranslator(new SQLExceptionTranslator() {
            @Override
            public DataAccessException translate(String task, String sql, SQLException e) {
                DependencyFailure outage = of(e);
                // a DataAccessException is what a translator must give; the outage travels as its cause
                return outage != null ? new DataAccessResourceFailureException(task + ": " + outage.getMessage(), outage)
                        : usual.translate(task, sql, e);
            }
        });
        return jdbc;
    }
}
