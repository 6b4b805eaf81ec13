package io.medmsg.chat;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import io.medmsg.db.Database;
import io.medmsg.files.FileService;
import io.medmsg.records.SessionPurge;

/**
 * The retention purge of old sessions (API.md §6, records' {@link SessionPurge} port): a session
 * goes when its last message and every consultation are older than the cutoff and none is open,
 * with its messages and consultations in one transaction under the session's lock (the condition
 * checked again there, so a message sent meanwhile keeps it), then its files that no other
 * message refers to.
 */
@Component
class SessionPurger implements SessionPurge {

    /** Old enough: the session's last message and its consultations (opened and ended) before the cutoff. */
    private static final String OLD = """
            s.updated_at < :cutoff
            AND NOT EXISTS (SELECT 1 FROM consultations c WHERE c.session_id = s.session_id
                            AND (c.status IN ('waiting', 'active') OR c.opened_at >= :cutoff OR c.closed_at >= :cutoff))""";
    private static final String CANDIDATES = "SELECT s.session_id FROM sessions s WHERE " + OLD
            + " ORDER BY s.updated_at, s.session_id LIMIT :limit";
    private static final String STILL_OLD = "SELECT s.last_seq FROM sessions s WHERE s.session_id = :id AND " + OLD;
    private static final String LOCK = "SELECT patient_id FROM sessions WHERE session_id = :id";
    private static final String DOCTOR = "SELECT doctor_id FROM sessions WHERE session_id = :id";
    private static final String FILES = "SELECT DISTINCT file_id FROM messages WHERE session_id = :id AND file_id IS NOT NULL";
    private static final String FILE_STILL_SENT = "SELECT COUNT(*) FROM messages WHERE file_id = :fileId";
    private static final String COUNT_CONSULTATIONS = "SELECT COUNT(*) FROM consultations WHERE session_id = :id";
    private static final String DELETE_MESSAGES = "DELETE FROM messages WHERE session_id = :id";
    private static final String DELETE_CONSULTATIONS = "DELETE FROM consultations WHERE session_id = :id";
    private static final String DELETE_SESSION = "DELETE FROM sessions WHERE session_id = :id";

    private final Database db;
    private final FileService files;
    private final KnownSessions known;

    SessionPurger(Database db, FileService files, KnownSessions known) {
        this.db = db;
        this.files = files;
        this.known = known;
    }

    private record Removed(KnownSessions.Parties parties, long lastSeq, int consultations, List<String> fileIds) {
    }

    @Override
    public List<Purged> purgeOlderThan(long cutoff, int limit) {
        List<String> candidates = db.read().sql(CANDIDATES).param("cutoff", cutoff).param("limit", limit)
                .query(String.class).list();
        List<Purged> purged = new ArrayList<>();
        for (String sessionId : candidates) {
            Removed removed = db.submit(() -> remove(sessionId, cutoff));
            if (removed != null) {
                known.forget(removed.parties());
                // after the commit: the messages that named them are gone
                int fileCount = files.purge(removed.fileIds());
                purged.add(new Purged(sessionId, removed.lastSeq(), removed.consultations(), fileCount));
            }
        }
        return purged;
    }

    /** Under the session's lock; null when it is gone or no longer old enough. */
    private Removed remove(String sessionId, long cutoff) {
        String patientId = db.write().sql(db.dialect().lockingRead(LOCK)).param("id", sessionId).query(String.class)
                .optional().orElse(null);
        if (patientId == null) {
            return null;
        }
        String doctorId = db.write().sql(DOCTOR).param("id", sessionId).query(String.class).single();
        Long lastSeq = db.write().sql(STILL_OLD).param("id", sessionId).param("cutoff", cutoff).query(Long.class)
                .optional().orElse(null);
        if (lastSeq == null) {
            return null;
        }
        List<String> fileIds = db.write().sql(FILES).param("id", sessionId).query(String.class).list();
        int consultations = db.write().sql(COUNT_CONSULTATIONS).param("id", sessionId).query(Integer.class).single();
        db.write().sql(DELETE_MESSAGES).param("id", sessionId).update();
        db.write().sql(DELETE_CONSULTATIONS).param("id", sessionId).update();
        db.write().sql(DELETE_SESSION).param("id", sessionId).update();
        List<String> unused = fileIds.stream()
                .filter(f -> db.write().sql(FILE_STILL_SENT).param("fileId", f).query(Long.class).single() == 0)
                .toList();
        return new Removed(new KnownSessions.Parties(sessionId, patientId, doctorId), lastSeq, consultations, unused);
    }
}
