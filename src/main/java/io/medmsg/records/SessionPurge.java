package io.medmsg.records;

import java.util.List;

/**
 * The retention purge's port into chat, which owns sessions, messages and consultations (and
 * removes their files through files).
 */
public interface SessionPurge {

    /**
     * Removes up to {@code limit} sessions whose last message and every consultation are older
     * than {@code cutoff} (epoch ms) and none of whose consultations is open, with their messages,
     * consultations and files; what was removed, per session.
     */
    List<Purged> purgeOlderThan(long cutoff, int limit);

    /** Counts only: never content. */
    record Purged(String sessionId, long lastSeq, int consultations, int files) {
    }
}
