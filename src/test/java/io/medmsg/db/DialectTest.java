package io.medmsg.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransactionRollbackException;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.transaction.TransactionSystemException;

import io.medmsg.db.Dialect.Failure;
import io.medmsg.shared.DependencyFailure;

/**
 * How each database's errors are classified for group commit ({@link BatchRunner}), built the way
 * they reach the writer: the driver's exception, translated by Spring as JdbcClient does for a
 * failed statement, or wrapped as Spring's savepoint rollback wraps it. WritePipelineTest
 * provokes the same errors on real servers.
 */
class DialectTest {

    private static final SQLErrorCodeSQLExceptionTranslator POSTGRES_SPRING = new SQLErrorCodeSQLExceptionTranslator("PostgreSQL");
    private static final SQLErrorCodeSQLExceptionTranslator MARIADB_SPRING = new SQLErrorCodeSQLExceptionTranslator("MySQL");

    /** As PgJDBC builds it from the server's error message. */
    private static PSQLException postgres(String sqlState, String message) {
        return new PSQLException(new ServerErrorMessage("SERROR\0C" + sqlState + "\0M" + message));
    }

    /** As a failed statement reaches the unit: translated by Spring. */
    private static RuntimeException statement(SQLErrorCodeSQLExceptionTranslator spring, SQLException e) {
        return spring.translate("UPDATE probe", "UPDATE probe SET v = 1", e);
    }

    /** As a failed rollback to a unit's savepoint reaches the writer. */
    private static RuntimeException savepointRollback(SQLException e) {
        return new TransactionSystemException("Could not roll back to JDBC savepoint", e);
    }

    @Test
    void postgresLockTimeoutAndDeadlockRefuseTheLockOnly() {
        assertThat(Dialect.POSTGRES.failureOf(statement(POSTGRES_SPRING,
                postgres("55P03", "canceling statement due to lock timeout")))).isEqualTo(Failure.LOCK_REFUSED);
        assertThat(Dialect.POSTGRES.failureOf(statement(POSTGRES_SPRING,
                postgres("40P01", "deadlock detected")))).isEqualTo(Failure.LOCK_REFUSED);
        // the code decides, not Spring's category: also when the error arrives untranslated
        assertThat(Dialect.POSTGRES.failureOf(new IllegalStateException(postgres("55P03", "lock timeout"))))
                .isEqualTo(Failure.LOCK_REFUSED);
        assertThat(Dialect.POSTGRES.failureOf(new IllegalStateException(postgres("40P01", "deadlock detected"))))
                .isEqualTo(Failure.LOCK_REFUSED);
    }

    @Test
    void postgresSavepointRollbackWithoutATransactionLostIt() {
        assertThat(Dialect.POSTGRES.failureOf(savepointRollback(postgres("25P01", "ROLLBACK TO SAVEPOINT can only be used in transaction blocks"))))
                .isEqualTo(Failure.TRANSACTION_LOST);
    }

    @Test
    void mariadbDeadlockLosesTheTransactionThoughSpringCallsItALockFailure() {
        RuntimeException deadlock = statement(MARIADB_SPRING, new SQLTransactionRollbackException(
                "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213));
        assertThat(deadlock).isInstanceOf(PessimisticLockingFailureException.class);
        assertThat(Dialect.MYSQL.failureOf(deadlock)).isEqualTo(Failure.TRANSACTION_LOST);
    }

    @Test
    void mariadbMissingSavepointLostTheTransaction() {
        assertThat(Dialect.MYSQL.failureOf(savepointRollback(new SQLSyntaxErrorException(
                "SAVEPOINT SAVEPOINT_1 does not exist", "42000", 1305)))).isEqualTo(Failure.TRANSACTION_LOST);
    }

    @Test
    void mariadbLockWaitTimeoutRefusesTheLockOnly() {
        SQLException timeout = new SQLException("Lock wait timeout exceeded; try restarting transaction", "HY000", 1205);
        assertThat(Dialect.MYSQL.failureOf(statement(MARIADB_SPRING, timeout))).isEqualTo(Failure.LOCK_REFUSED);
        assertThat(Dialect.MYSQL.failureOf(new IllegalStateException(timeout))).isEqualTo(Failure.LOCK_REFUSED);
    }

    @Test
    void aLostTransactionDeeperInTheChainWinsOverARefusedLockAbove() {
        SQLException lost = new SQLSyntaxErrorException("SAVEPOINT SAVEPOINT_1 does not exist", "42000", 1305);
        SQLException timeout = new SQLException("Lock wait timeout exceeded", "HY000", 1205, lost);
        assertThat(Dialect.MYSQL.failureOf(new IllegalStateException(timeout))).isEqualTo(Failure.TRANSACTION_LOST);
    }

    @Test
    void eachDatabaseKnowsOnlyItsOwnCodes() {
        SQLException mariadbDeadlock = new SQLTransactionRollbackException("Deadlock found", "40001", 1213);
        SQLException mariadbTimeout = new SQLException("Lock wait timeout exceeded", "HY000", 1205);
        PSQLException postgresTimeout = postgres("55P03", "canceling statement due to lock timeout");
        PSQLException postgresNoTransaction = postgres("25P01", "no transaction");
        for (SQLException e : new SQLException[] {mariadbDeadlock, mariadbTimeout}) {
            assertThat(Dialect.POSTGRES.failureOf(new IllegalStateException(e))).as(e.getMessage()).isEqualTo(Failure.OTHER);
            assertThat(Dialect.SQLITE.failureOf(new IllegalStateException(e))).as(e.getMessage()).isEqualTo(Failure.OTHER);
        }
        for (SQLException e : new SQLException[] {postgresTimeout, postgresNoTransaction}) {
            assertThat(Dialect.MYSQL.failureOf(new IllegalStateException(e))).as(e.getMessage()).isEqualTo(Failure.OTHER);
            assertThat(Dialect.SQLITE.failureOf(new IllegalStateException(e))).as(e.getMessage()).isEqualTo(Failure.OTHER);
        }
    }

    @Test
    void aUnitsOwnErrorIsNeitherAndNoFailureIsNeither() {
        assertThat(Dialect.POSTGRES.failureOf(statement(POSTGRES_SPRING,
                postgres("23505", "duplicate key value violates unique constraint")))).isEqualTo(Failure.OTHER);
        assertThat(Dialect.MYSQL.failureOf(statement(MARIADB_SPRING,
                new SQLException("Duplicate entry '1' for key 'PRIMARY'", "23000", 1062)))).isEqualTo(Failure.OTHER);
        assertThat(Dialect.SQLITE.failureOf(new IllegalArgumentException("bad input"))).isEqualTo(Failure.OTHER);
        for (Dialect d : Dialect.values()) {
            assertThat(d.failureOf(null)).as(d.name()).isEqualTo(Failure.OTHER);
        }
    }

    @Test
    void unreachableOrFullDatabasesAreOutagesAndAStatementsOwnErrorIsNot() {
        // what the pool throws when no connection came within its connection timeout, as the
        // transaction manager wraps it
        RuntimeException noConnection = new org.springframework.transaction.CannotCreateTransactionException(
                "Could not open JDBC Connection for transaction", new java.sql.SQLTransientConnectionException(
                        "medmsg - Connection is not available, request timed out after 5000ms"));
        for (Dialect d : Dialect.values()) {
            assertThat(d.outageOf(noConnection)).as(d.name()).isEqualTo(DependencyFailure.Kind.UNAVAILABLE);
        }
        assertThat(Dialect.POSTGRES.outageOf(statement(POSTGRES_SPRING, postgres("08006", "An I/O error occurred"))))
                .isEqualTo(DependencyFailure.Kind.UNAVAILABLE);
        assertThat(Dialect.POSTGRES.outageOf(statement(POSTGRES_SPRING, postgres("57P01", "terminating connection due to administrator command"))))
                .isEqualTo(DependencyFailure.Kind.UNAVAILABLE);
        assertThat(Dialect.POSTGRES.outageOf(statement(POSTGRES_SPRING, postgres("53100", "could not extend file"))))
                .isEqualTo(DependencyFailure.Kind.STORAGE_FULL);
        assertThat(Dialect.MYSQL.outageOf(new IllegalStateException(new SQLException("The table 'messages' is full", "HY000", 1114))))
                .isEqualTo(DependencyFailure.Kind.STORAGE_FULL);
        assertThat(Dialect.MYSQL.outageOf(statement(MARIADB_SPRING, new SQLException("Server shutdown in progress", "08S01", 1053))))
                .isEqualTo(DependencyFailure.Kind.UNAVAILABLE);
        // SQLite's result codes, extended ones included: SQLITE_FULL (13), SQLITE_IOERR_WRITE (778)
        assertThat(Dialect.SQLITE.outageOf(new SQLException("[SQLITE_FULL] database or disk is full", null, 13)))
                .isEqualTo(DependencyFailure.Kind.STORAGE_FULL);
        assertThat(Dialect.SQLITE.outageOf(new SQLException("[SQLITE_IOERR_WRITE] disk I/O error", null, 778)))
                .isEqualTo(DependencyFailure.Kind.UNAVAILABLE);
        // the statement's own failures are not
        assertThat(Dialect.POSTGRES.outageOf(statement(POSTGRES_SPRING, postgres("23505", "duplicate key")))).isNull();
        assertThat(Dialect.MYSQL.outageOf(statement(MARIADB_SPRING, new SQLException("Lock wait timeout exceeded", "HY000", 1205))))
                .isNull();
        assertThat(Dialect.SQLITE.outageOf(new SQLException("[SQLITE_CONSTRAINT] UNIQUE constraint failed", null, 19)))
                .isNull();
    }

    @Test
    void aRollbackThatFailsOnAConnectionThePoolClosedAsBrokenIsAnOutage() {
        // seen with the server's sessions ended under load (faults.DatabaseOutageIT): the statement
        // broke the connection (08006), the pool closed it, and the rollback that followed failed
        // on the closed connection; the transaction manager throws the rollback's failure
        SQLException closedByPool = new SQLException("Connection is closed");
        org.springframework.transaction.TransactionSystemException afterCommit =
                new org.springframework.transaction.TransactionSystemException("JDBC rollback failed", closedByPool);
        org.springframework.transaction.TransactionSystemException afterStatement =
                new org.springframework.transaction.TransactionSystemException("JDBC rollback failed", closedByPool);
        afterStatement.initApplicationException(statement(POSTGRES_SPRING, postgres("08006", "An I/O error occurred")));
        for (Dialect d : Dialect.values()) {
            assertThat(d.outageOf(afterCommit)).as(d.name()).isEqualTo(DependencyFailure.Kind.UNAVAILABLE);
            assertThat(d.outageOf(afterStatement)).as(d.name()).isEqualTo(DependencyFailure.Kind.UNAVAILABLE);
        }
        // a rollback that failed for another reason is not
        assertThat(Dialect.POSTGRES.outageOf(new org.springframework.transaction.TransactionSystemException(
                "JDBC rollback failed", postgres("XX000", "internal error")))).isNull();
    }

    @Test
    void aMariadbUrlThatTurnsScriptsOffIsRefusedAtStartUp() {
        String url = "jdbc:mariadb://db.internal:3306/medmsg?useSsl=true&allowMultiQueries=False";

        assertThatThrownBy(() -> Dialect.fromUrl(url).checkUrl(url)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowMultiQueries=false");
        Dialect.MYSQL.checkUrl("jdbc:mariadb://db.internal:3306/medmsg?allowMultiQueries=true");
        Dialect.POSTGRES.checkUrl("jdbc:postgresql://db.internal/medmsg?allowMultiQueries=false");
        assertThat(Dialect.MYSQL.connectionProperties()).containsEntry("allowMultiQueries", "true");
        assertThat(Dialect.POSTGRES.connectionProperties()).isEmpty();
    }
}
