package io.medmsg.chat;

import java.util.Map;

import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;
import io.medmsg.shared.Side;

/**
 * One counter per user, bumped in the transaction of every change that user must hear of.
 * The bump takes the counter row's lock until commit, so one user's changes commit in the order
 * of their counter values: a reader that sees value M has also seen every change numbered below M.
 * That is what makes the new_session cursor (a counter value) never miss a change.
 */
@Repository
class ChangeCounters {

    private static final String INSERT = "INSERT INTO user_changes (role, user_id, change_seq) VALUES (:role, :user, 0)";
    private static final String BUMP = "UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = :role AND user_id = :user";
    static final String CURRENT = "SELECT change_seq FROM user_changes WHERE role = :role AND user_id = :user";

    private final Database db;
    /** {@link #INSERT} as this database inserts a row it locks next: chosen once, by the Dialect. */
    private final String ensure;

    ChangeCounters(Database db) {
        this.db = db;
        this.ensure = db.dialect().insertBeforeUpdate(INSERT, "change_seq");
    }

    /** Creates the counter if needed; the bump that follows in the same transaction locks it. */
    void ensure(Side side, String userId) {
        db.write().sql(ensure).param("role", side.wire()).param("user", userId).update();
    }

    long bump(Side side, String userId) {
        return db.updateReturning(BUMP, "change_seq", CURRENT, Map.of("role", side.wire(), "user", userId));
    }

    long current(Side side, String userId) {
        return db.read().sql(CURRENT).param("role", side.wire()).param("user", userId).query(Long.class)
                .optional().orElse(0L);
    }
}
