package io.medmsg.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one group-commit batch ({@link GroupCommitter}) in one transaction and answers each unit's
 * caller once that transaction has committed; what the database refused for reasons that are not
 * the unit's own goes back to the committer, to run first in the next batch.
 *
 * <p>Several instances on one database each run batches, and a batch locks rows in the order of
 * its units, not in the one global order each unit keeps: two batches could deadlock. So a batch
 * of several units first runs with lock waits failing ({@link LockWaits}; PostgreSQL: a lock
 * timeout of 10 ms, set when the writer's own connection opens; MySQL/MariaDB: none, a lock wait
 * fails at once, set for the batch), and any lock held elsewhere for longer fails the attempt. The
 * batch then runs again unit by unit in savepoints, where only the first unit may wait for a lock:
 * waits fail again after it, and a later unit that fails so is rolled back to its savepoint and
 * runs again as the first unit of the next batch. A unit alone in its batch may wait too. A
 * waiting batch holds only the locks of one unit, taken in the global order, and waits cannot
 * form a circle.
 * What is written at commit (the audit records) takes no lock held elsewhere on PostgreSQL, and
 * on MySQL/MariaDB waits for its table's AUTO-INC lock as usual ({@code Database.LockWaitsRestored}).
 *
 * <p>While a batch runs without savepoints, statements the units queue on the {@link WritePipeline}
 * go to the server together; they are sent before the commit, and a failure among them counts as
 * a failure of the batch (which then runs again unit by unit, where nothing is queued, so each
 * failure is its own unit's). Lock waits fail from the batch's start, not from its second unit:
 * that is what lets the first unit's statements go with the others (docs/benchmarks.md).
 *
 * <p>Which failures are a refused lock and which lost the whole transaction is the
 * {@link Dialect}'s to say ({@link Dialect#failureOf}). Writer thread only.
 */
final class BatchRunner {

    private static final int MAX_TRANSACTIONS_LOST = 5;

    private final Dialect dialect;
    private final TransactionTemplate batch;
    private final TransactionTemplate savepoint;
    private final WritePipeline pipeline;
    private final LockWaits lockWaits;
    /** Whether units may queue statements now. */
    private boolean pipelining;
    private final Outages outages;

    BatchRunner(Dialect dialect, TransactionTemplate transactions, WritePipeline pipeline, LockWaits lockWaits,
            Outages outages) {
        this.dialect = dialect;
        this.outages = outages;
        this.batch = transactions;
        this.savepoint = new TransactionTemplate(transactions.getTransactionManager());
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.pipeline = pipeline;
        this.lockWaits = lockWaits;
    }

    boolean pipelining() {
        return pipelining;
    }

    WritePipeline pipeline() {
        return pipeline;
    }

    /** Runs the batch; units that must run again, unanswered, are added to {@code again}. */
    void run(List<Unit<?>> units, Collection<Unit<?>> again) {
        if (!runOptimistically(units)) {
            runInSavepoints(units, again);
        }
    }

    /**
     * The usual case: every unit succeeds, so the batch runs without savepoints (on PostgreSQL two
     * round trips fewer per unit) and no unit waits for a lock held elsewhere. If a unit fails, the
     * whole batch is rolled back and, unless it was the only unit, runs again with a savepoint per
     * unit. Returns whether the batch is done.
     * A failed commit is not retried (it may have committed): it fails every caller, as before.
     */
    private boolean runOptimistically(List<Unit<?>> units) {
        RuntimeException[] failed = {null};
        pipelining = true;
        try {
            batch.executeWithoutResult(status -> {
                if (units.size() > 1 && !lockWaits.failFromTheStart()) {
                    lockWaits.fail();
                }
                for (int i = 0; i < units.size() && failed[0] == null; i++) {
                    try {
                        units.get(i).runPlain();
                    } catch (RuntimeException e) {
                        failed[0] = e;
                    }
                }
                if (failed[0] == null) {
                    try {
                        pipeline.flush();
                    } catch (RuntimeException e) {
                        failed[0] = e;
                    }
                }
                if (failed[0] != null) {
                    status.setRollbackOnly();
                }
            });
        } finally {
            pipelining = false;
            pipeline.discard();
        }
        if (failed[0] == null) {
            // committed: now, and only now, the callers may hear of it
            units.forEach(Unit::complete);
            return true;
        }
        if (units.size() == 1 && !mayWaitAlone(failed[0])) {
            units.get(0).failure = failed[0];
            units.get(0).complete();
            return true;
        }
        if (outages.of(failed[0]) != null) {
            // the database is unreachable or full: running the batch again unit by unit would only
            // make every caller wait for another connection; each hears of it now
            for (Unit<?> unit : units) {
                unit.failure = failed[0];
                unit.complete();
            }
            return true;
        }
        return false;
    }

    /**
     * Whether a unit that ran alone and failed was refused a lock that, running alone, it may wait
     * for: on the writer's own connection every transaction begins with waits failing, so such a
     * unit runs again as the first of {@link #runInSavepoints}, which lets it wait.
     */
    private boolean mayWaitAlone(RuntimeException failure) {
        return lockWaits.failFromTheStart() && dialect.failureOf(failure) == Dialect.Failure.LOCK_REFUSED;
    }

    private void runInSavepoints(List<Unit<?>> units, Collection<Unit<?>> deferred) {
        List<Unit<?>> again = new ArrayList<>();
        try {
            batch.executeWithoutResult(status -> {
                for (int i = 0; i < units.size(); i++) {
                    Unit<?> unit = units.get(i);
                    if (i == 0 && lockWaits.failFromTheStart()) {
                        lockWaits.allow();
                    }
                    if (i == 1) {
                        lockWaits.fail();
                    }
                    runInSavepoint(unit);
                    Dialect.Failure failure = dialect.failureOf(unit.failure);
                    if (failure == Dialect.Failure.TRANSACTION_LOST) {
                        throw new TransactionLost(unit);
                    }
                    if (i > 0 && failure == Dialect.Failure.LOCK_REFUSED) {
                        unit.failure = null;
                        again.add(unit);
                    }
                }
            });
        } catch (TransactionLost lost) {
            runAgainAfterLosingTheTransaction(units, lost.unit, deferred);
            return;
        }
        // committed: now, and only now, the callers may hear of it
        for (Unit<?> unit : units) {
            if (!again.contains(unit)) {
                unit.complete();
            }
        }
        deferred.addAll(again);
    }

    /**
     * Nobody's work is in: every unit runs again, first in the next batch. The unit that met the
     * loss fails after a few such attempts, so that a unit that keeps losing cannot hold up the
     * others for ever.
     */
    private static void runAgainAfterLosingTheTransaction(List<Unit<?>> units, Unit<?> lost, Collection<Unit<?>> deferred) {
        for (Unit<?> unit : units) {
            if (unit == lost && ++unit.transactionsLost >= MAX_TRANSACTIONS_LOST) {
                unit.complete();
            } else {
                unit.failure = null;
                deferred.add(unit);
            }
        }
    }

    private void runInSavepoint(Unit<?> unit) {
        try {
            unit.run(savepoint);
        } catch (RuntimeException e) {
            unit.failure = e;
        }
    }

    /** Thrown out of a batch whose transaction the database rolled back as a whole. */
    private static final class TransactionLost extends RuntimeException {
        final transient Unit<?> unit;

        TransactionLost(Unit<?> unit) {
            super(null, unit.failure, false, false);
            this.unit = unit;
        }
    }
}
