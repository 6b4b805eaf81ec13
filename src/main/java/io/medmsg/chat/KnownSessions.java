package io.medmsg.chat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

import io.medmsg.shared.Side;

/**
 * Who the two parties of a session are, as this instance has seen them committed. A session's
 * parties never change, and a session is removed only by the retention purge, years after its
 * last message ({@link SessionPurger} forgets it here), so what is learned stays true: the idle poll and
 * the send path use it to skip a lookup. Only sessions read from the database or committed by
 * this instance may be taught, never one inside a transaction that may still roll back.
 */
@Component
final class KnownSessions {

    /** A session's fixed identity. */
    record Parties(String sessionId, String patientId, String doctorId) {

        static Parties of(StoredSession s) {
            return new Parties(s.sessionId(), s.patientId(), s.doctorId());
        }

        String of(Side side) {
            return side == Side.PATIENT ? patientId : doctorId;
        }
    }

    private final ConcurrentMap<String, Parties> byId = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Parties> byPair = new ConcurrentHashMap<>();

    /** The session, if known and the caller is its party on that side. */
    Parties ofParty(String sessionId, Side side, String userId) {
        Parties known = byId.get(sessionId);
        return known != null && known.of(side).equals(userId) ? known : null;
    }

    Parties ofPair(String patientId, String doctorId) {
        return byPair.get(pair(patientId, doctorId));
    }

    void learn(Parties parties) {
        byId.putIfAbsent(parties.sessionId(), parties);
        byPair.putIfAbsent(pair(parties.patientId(), parties.doctorId()), parties);
    }

    /** The session was purged (on this instance; see docs/records.md for the others). */
    void forget(Parties parties) {
        byId.remove(parties.sessionId());
        byPair.remove(pair(parties.patientId(), parties.doctorId()));
    }

    private static String pair(String patientId, String doctorId) {
        return patientId + "\n" + doctorId;
    }
}
