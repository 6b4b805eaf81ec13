package io.medmsg.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.medmsg.db.Database;
import io.medmsg.db.ManyRows;
import io.medmsg.events.Outbox;
import io.medmsg.shared.Side;

/**
 * MySQL/MariaDB: the sends of a group-commit batch, gathered ({@link Database#deferred}) and written
 * together before the batch's next other statement or its commit. MariaDB's CPU, not the round
 * trips, bounded sends there: a statement costs it about as much with one row as with several,
 * and a send took 7.6 of them (docs/benchmarks.md). A batch of n sends takes n + 6 statements in
 * three scripts:
 * <ol>
 * <li>the resend check of every send with a client_msg_id; each user's change counter bumped once,
 * by its number of sends, and read back; the sessions' rows locked ({@code FOR UPDATE}). Counters
 * before sessions: the lock order of {@link ChatService}.
 * <li>each send's session UPDATE, the writer's own of {@link SessionRepository#append} with its
 * consultation gate, in the batch's order, its counter values bound;
 * <li>the messages that passed the gate in one INSERT, their events in one INSERT and one fan-out
 * ({@link Outbox#messagesCreated(List, Map)}).
 * </ol>
 * Each message gets what it would have got alone: its counter values are the bumped counters less
 * the batch's later sends of each user, its seq and the unread counts of its event follow from the
 * locked row and the sends before it that passed. A send whose client_msg_id its sender already used
 * in the session, or earlier in the batch, or that the gate refused, writes no message and gets no
 * stamp ({@link ChatService} tells the two apart, as after {@link ScriptedAppend}); the counter bumps
 * it took are gaps, harmless as when the gate refuses a send of {@link SessionLog}.
 *
 * <p>Measured against one script per send, 2.3 times as many sends; with the resend check and the
 * counter values inside the session UPDATEs, one script fewer, 0.88 times as many as this; with one
 * UPDATE for the sends to distinct sessions, 1.02 times, not worth a second form of the session's
 * writes (docs/benchmarks.md).
 */
final class AppendBatch implements Database.Deferred {

    private static final String RESENT_SELECT = "SELECT session_id, sender_role, sender_id, client_msg_id FROM messages WHERE ";
    private static final String RESENT = """
            (session_id = :sessionId AND sender_role = :senderRole AND sender_id = :senderId AND client_msg_id = :clientMsgId)""";
    private static final String COUNTER = "(role = :role AND user_id = :user)";
    private static final String BUMP = " WHEN role = :role AND user_id = :user THEN :bumps";

    private final Database db;
    private final List<Send> sends = new ArrayList<>();

    AppendBatch(Database db) {
        this.db = db;
    }

    /** Gathers a send; its stamp is known once the batch has flushed. */
    Database.Pending<Optional<Appended.Stamp>> add(StoredMessage draft, KnownSessions.Parties session, Side side,
            String patientName) {
        Send send = new Send(draft, session, side, patientName, Database.Pending.unknown());
        sends.add(send);
        return send.stamp;
    }

    @Override
    public void flush() {
        List<Send> firstUses = firstUses(sends);
        Map<Send, Appended.Stamp> stamps = firstUses.isEmpty() ? Map.of() : write(firstUses);
        for (Send send : sends) {
            send.stamp.set(Optional.ofNullable(stamps.get(send)));
        }
        sends.clear();
    }

    @Override
    public void discard() {
        sends.clear();
    }

    /** The sends but those repeating an earlier one's client_msg_id in the batch (resends of it). */
    private static List<Send> firstUses(List<Send> sends) {
        Set<ResendKey> used = new HashSet<>();
        return sends.stream().filter(s -> s.resendKey() == null || used.add(s.resendKey())).toList();
    }

    /** The stamps of the sends written. */
    private Map<Send, Appended.Stamp> write(List<Send> candidates) {
        Locked locked = lock(candidates);
        List<Send> fresh = candidates.stream().filter(s -> s.resendKey() == null || !locked.resent().contains(s.resendKey()))
                .toList();
        Map<Send, Changes> changes = changes(candidates, locked.counters());
        int[] passed = passGates(fresh, changes);
        Map<Send, Appended.Stamp> stamps = new HashMap<>();
        List<MessageRepository.Inserted> inserted = new ArrayList<>();
        List<Outbox.Created> created = new ArrayList<>();
        Map<String, StoredSession> rows = locked.sessions();
        for (int i = 0; i < fresh.size(); i++) {
            if (passed[i] != 1) {
                continue;
            }
            Send send = fresh.get(i);
            StoredSession row = rows.get(send.session.sessionId()).appendedBy(send.side);
            rows.put(row.sessionId(), row);
            SessionRepository.Taken taken = row.taken();
            StoredMessage m = send.draft.withSeq(taken.seq()).withConsultation(taken.consultationId());
            Changes c = changes.get(send);
            inserted.add(new MessageRepository.Inserted(m, c.patient(), c.doctor()));
            created.addAll(SessionLog.createdEvents(send.session, m, taken));
            stamps.put(send, new Appended.Stamp(taken.seq(), c.patient(), c.doctor(), taken.consultationId()));
        }
        if (!inserted.isEmpty()) {
            Map<String, Object> params = new HashMap<>();
            db.script(MessageRepository.insertAll(inserted, params) + ";\n" + Outbox.messagesCreated(created, params), params);
        }
        return stamps;
    }

    /** What the first script found: the client_msg_ids already used, the bumped counters, the locked rows. */
    private record Locked(Set<ResendKey> resent, Map<Counter, Long> counters, Map<String, StoredSession> sessions) {
    }

    private Locked lock(List<Send> candidates) {
        Map<String, Object> params = new HashMap<>();
        StringBuilder sql = new StringBuilder();
        List<Send> withIds = candidates.stream().filter(s -> s.resendKey() != null).toList();
        if (!withIds.isEmpty()) {
            sql.append(RESENT_SELECT).append(ManyRows.repeat("r", RESENT, withIds.size(), " OR ")).append(";\n");
            for (int i = 0; i < withIds.size(); i++) {
                ResendKey key = withIds.get(i).resendKey();
                ManyRows.bind("r", params, i, Map.of("sessionId", key.sessionId(), "senderRole", key.senderRole(),
                        "senderId", key.senderId(), "clientMsgId", key.clientMsgId()));
            }
        }
        Map<Counter, Integer> bumps = new LinkedHashMap<>();
        Set<String> sessionIds = new LinkedHashSet<>();
        for (Send send : candidates) {
            bumps.merge(send.patient(), 1, Integer::sum);
            bumps.merge(send.doctor(), 1, Integer::sum);
            sessionIds.add(send.session.sessionId());
        }
        List<Counter> counters = List.copyOf(bumps.keySet());
        for (int i = 0; i < counters.size(); i++) {
            Counter counter = counters.get(i);
            ManyRows.bind("c", params, i, Map.of("role", counter.role(), "user", counter.userId(), "bumps", bumps.get(counter)));
        }
        String whereCounters = " WHERE " + ManyRows.repeat("c", COUNTER, counters.size(), " OR ");
        sql.append("UPDATE user_changes SET change_seq = change_seq + CASE").append(ManyRows.repeat("c", BUMP, counters.size(), ""))
                .append(" END").append(whereCounters).append(";\n")
                .append("SELECT role, user_id, change_seq FROM user_changes").append(whereCounters).append(";\n")
                .append(SessionRepository.LOCK_ALL);
        params.put("sessionIds", List.copyOf(sessionIds));
        return db.scriptResults(sql.toString(), params, results -> {
            Set<ResendKey> resent = new HashSet<>();
            if (!withIds.isEmpty()) {
                resent.addAll(results.rows((rs, n) -> new ResendKey(rs.getString("session_id"), rs.getString("sender_role"),
                        rs.getString("sender_id"), rs.getString("client_msg_id"))));
            }
            int bumped = results.updateCount();
            Map<Counter, Long> values = new HashMap<>();
            results.rows((rs, n) -> values.put(new Counter(rs.getString("role"), rs.getString("user_id")),
                    rs.getLong("change_seq")));
            if (bumped != counters.size() || values.size() != counters.size()) {
                throw new IllegalStateException(bumped + " of " + counters.size() + " change counters bumped");
            }
            Map<String, StoredSession> sessions = new HashMap<>();
            results.rows(StoredSession::map).forEach(row -> sessions.put(row.sessionId(), row));
            return new Locked(resent, values, sessions);
        });
    }

    /** Both counter values of each candidate: the counter as bumped, less the batch's later sends of its user. */
    private static Map<Send, Changes> changes(List<Send> candidates, Map<Counter, Long> bumped) {
        Map<Counter, Long> next = new HashMap<>();
        for (Send send : candidates) {
            next.merge(send.patient(), 1L, Long::sum);
            next.merge(send.doctor(), 1L, Long::sum);
        }
        // each counter's first value in the batch: what it was before, plus one
        next.replaceAll((counter, sends) -> bumped.get(counter) - sends + 1);
        Map<Send, Changes> changes = new HashMap<>();
        for (Send send : candidates) {
            changes.put(send, new Changes(next.merge(send.patient(), 1L, Long::sum) - 1,
                    next.merge(send.doctor(), 1L, Long::sum) - 1));
        }
        return changes;
    }

    /** Runs each send's session UPDATE, in order: 1 for those that passed the gate, 0 for the others. */
    private int[] passGates(List<Send> fresh, Map<Send, Changes> changes) {
        if (fresh.isEmpty()) {
            return new int[0];
        }
        Map<String, Object> params = new HashMap<>();
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < fresh.size(); i++) {
            Send send = fresh.get(i);
            Changes c = changes.get(send);
            sql.append(i > 0 ? ";\n" : "")
                    .append(ManyRows.of(SessionRepository.appendStatement(SessionRepository.Writer.message(send.side)), i));
            ManyRows.bind(params, i, SessionRepository.appendParams(send.session.sessionId(), send.patientName,
                    send.draft.createdAt(), c.patient(), c.doctor(), false));
        }
        return db.scriptResults(sql.toString(), params, results -> {
            int[] counts = new int[fresh.size()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = results.updateCount();
            }
            return counts;
        });
    }

    /** A gathered send. Identity, not value, tells two apart: two sends may carry equal drafts. */
    private static final class Send {
        private final StoredMessage draft;
        private final KnownSessions.Parties session;
        private final Side side;
        private final String patientName;
        private final Database.Pending<Optional<Appended.Stamp>> stamp;

        Send(StoredMessage draft, KnownSessions.Parties session, Side side, String patientName,
                Database.Pending<Optional<Appended.Stamp>> stamp) {
            this.draft = draft;
            this.session = session;
            this.side = side;
            this.patientName = patientName;
            this.stamp = stamp;
        }

        Counter patient() {
            return new Counter(Side.PATIENT.wire(), session.patientId());
        }

        Counter doctor() {
            return new Counter(Side.DOCTOR.wire(), session.doctorId());
        }

        /** Null without a client_msg_id. */
        ResendKey resendKey() {
            return draft.clientMsgId() == null ? null
                    : new ResendKey(session.sessionId(), side.wire(), draft.senderId(), draft.clientMsgId());
        }
    }

    private record Counter(String role, String userId) {
    }

    private record ResendKey(String sessionId, String senderRole, String senderId, String clientMsgId) {
    }

    private record Changes(long patient, long doctor) {
    }
}
