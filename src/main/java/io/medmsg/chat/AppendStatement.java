package io.medmsg.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.medmsg.db.Database;
import io.medmsg.events.Outbox;
import io.medmsg.shared.Side;

/**
 * PostgreSQL: the sends of a group-commit batch, gathered ({@link Database#deferred}) and written
 * by one statement for the batch, where {@link OneTripAppend} took one for each send. PostgreSQL
 * set up and tore down that statement's executor for every send, a fifth of its CPU in a send,
 * and bumped the doctor's change counter once per send (docs/benchmarks.md). The statement takes
 * the sends as arrays, one element per send, in the batch's order:
 * <ol>
 * <li>drops the sends whose sender already used their client_msg_id in the session (resends);
 * <li>bumps each user's change counter once, by its number of sends (counters before sessions:
 * the lock order of {@link ChatService}); each send's values are the counter before, plus its
 * place among its user's sends;
 * <li>updates each send's session row through the consultation gate of {@link OneTripAppend},
 * and inserts the messages that passed, their events and their fan-out.
 * </ol>
 * One statement would update a session it holds twice only once, so a session's second send of
 * the batch goes in a second statement, its third in a third: each statement sees the ones before
 * it, so a session's sends keep their order, and a client_msg_id used twice in one batch is a
 * resend in the later statement. A send that is a resend or that the gate refused gets no stamp,
 * and {@link ChatService} tells the two apart, as after {@link OneTripAppend}; the counter bumps
 * such a send took are gaps, harmless as there.
 *
 * <p>Measured against one statement per send: 1.12 and 1.17 times as many sends in two A/Bs
 * (docs/benchmarks.md). When a batch's run of sends ended at the first session that came again,
 * 0.98 times.
 */
final class AppendStatement implements Database.Deferred {

    /**
     * The parameters of {@link OneTripAppend#APPEND} that differ from send to send, each bound as an
     * array of the sends' values, in the order of the columns of {@code input}.
     */
    static final List<String> SENT = List.of("msgId", "sessionId", "senderRole", "senderId", "type", "text",
            "fileId", "fileName", "mimeType", "fileSize", "recalledMsgId", "clientMsgId", "createdAt", "card", "event",
            "patientId", "doctorId", "patientName", "eventId", "recipientRole", "recipientId");
    private static final Set<String> NUMBERS = Set.of("fileSize", "createdAt");
    private static final Set<String> TEXTS = Set.of("text", "card", "event");

    /** Each send's session row, written as {@link OneTripAppend#APPEND} writes a lone send's. */
    private static final OneTripAppend.SessionWrite SESSION = new OneTripAppend.SessionWrite("n.sender_role",
            "n.created_at", "n.patient_name", "n.patient_change", "n.doctor_change");

    // The resend check's OFFSET 0 keeps it a lookup by the resend index for each send: without it,
    // PostgreSQL may hash the whole messages table instead, and it did, in the generic plan it
    // made while the table was small and kept while it grew (docs/benchmarks.md; AppendStatementPlanTest).
    static final String APPEND_ALL = """
            WITH input AS (
                SELECT * FROM unnest(""" + casts() + """
            ) WITH ORDINALITY AS t(msg_id, session_id, sender_role, sender_id, msg_type, text, file_id, file_name,
                    mime_type, file_size, recalled_msg_id, client_msg_id, created_at, card, event, patient_id, doctor_id,
                    patient_name, event_id, recipient_role, recipient_id, i)),
            fresh AS (
                SELECT * FROM input n
                WHERE n.client_msg_id IS NULL OR NOT EXISTS (
                    SELECT 1 FROM messages m WHERE m.session_id = n.session_id AND m.sender_role = n.sender_role
                        AND m.sender_id = n.sender_id AND m.client_msg_id = n.client_msg_id OFFSET 0)),
            bumps AS (
                SELECT CAST(:patientRole AS varchar) AS role, patient_id AS user_id, count(*) AS n FROM fresh GROUP BY patient_id
                UNION ALL
                SELECT CAST(:doctorRole AS varchar), doctor_id, count(*) FROM fresh GROUP BY doctor_id),
            c AS (
                UPDATE user_changes u SET change_seq = u.change_seq + b.n FROM bumps b
                WHERE u.role = b.role AND u.user_id = b.user_id
                RETURNING u.role, u.user_id, u.change_seq - b.n AS before),
            numbered AS (
                SELECT f.*,
                    p.before + row_number() OVER (PARTITION BY f.patient_id ORDER BY f.i) AS patient_change,
                    d.before + row_number() OVER (PARTITION BY f.doctor_id ORDER BY f.i) AS doctor_change
                FROM fresh f
                JOIN c p ON p.role = :patientRole AND p.user_id = f.patient_id
                JOIN c d ON d.role = :doctorRole AND d.user_id = f.doctor_id),
            written AS (
                UPDATE sessions SET
                """ + SESSION.set() + """
                FROM numbered n
                WHERE sessions.session_id = n.session_id AND
                """ + SESSION.gate() + """
                RETURNING n.i, n.msg_id, n.session_id, n.sender_role, n.sender_id, n.msg_type, n.text, n.file_id,
                    n.file_name, n.mime_type, n.file_size, n.recalled_msg_id, n.client_msg_id, n.created_at, n.card,
                    n.event, n.event_id, n.recipient_role, n.recipient_id,
                """ + SESSION.taken() + ")\n" + Outbox.MESSAGES_CREATED_CTES + MessageRepository.INSERT_INTO + """
            SELECT msg_id, session_id, last_seq, sender_role, sender_id, msg_type, text, file_id, file_name, mime_type,
                file_size, recalled_msg_id, 0, client_msg_id, created_at, patient_change_seq, doctor_change_seq, c_id,
                card, event
            FROM written ORDER BY i
            RETURNING msg_id, seq, patient_change_seq, doctor_change_seq, consultation_id""";

    private final Database db;
    private final List<Send> sends = new ArrayList<>();

    AppendStatement(Database db) {
        this.db = db;
    }

    /** Gathers a send, given by the parameters of {@link OneTripAppend#APPEND}; its stamp is known once the batch has flushed. */
    Database.Pending<Optional<Appended.Stamp>> add(Map<String, Object> params) {
        Send send = new Send(params, Database.Pending.unknown());
        sends.add(send);
        return send.stamp;
    }

    @Override
    public void flush() {
        // a session's k-th send of the batch goes in the k-th statement, so its sends keep their order
        List<List<Send>> statements = new ArrayList<>();
        Map<Object, Integer> seen = new HashMap<>();
        for (Send send : sends) {
            int statement = seen.merge(send.params.get("sessionId"), 1, Integer::sum) - 1;
            if (statement == statements.size()) {
                statements.add(new ArrayList<>());
            }
            statements.get(statement).add(send);
        }
        statements.forEach(this::write);
        sends.clear();
    }

    @Override
    public void discard() {
        sends.clear();
    }

    /** One statement for sends to distinct sessions. */
    private void write(List<Send> distinct) {
        Map<String, Object> params = new HashMap<>();
        for (String name : SENT) {
            params.put(name, column(distinct, name));
        }
        params.put("patientRole", Side.PATIENT.wire());
        params.put("doctorRole", Side.DOCTOR.wire());
        Map<String, Appended.Stamp> stamps = new HashMap<>();
        db.write().sql(APPEND_ALL).params(params).query(rs -> {
            stamps.put(rs.getString("msg_id"), OneTripAppend.stampOf(rs));
        });
        for (Send send : distinct) {
            send.stamp.set(Optional.ofNullable(stamps.get((String) send.params.get("msgId"))));
        }
    }

    /** The sends' values of one parameter, as the array PostgreSQL takes for it. */
    private static Object[] column(List<Send> sends, String name) {
        boolean numbers = NUMBERS.contains(name);
        Object[] values = numbers ? new Long[sends.size()] : new String[sends.size()];
        for (int i = 0; i < values.length; i++) {
            Object value = sends.get(i).params.get(name);
            values[i] = numbers && value != null ? Long.valueOf(((Number) value).longValue()) : value;
        }
        return values;
    }

    /** unnest's arguments: each array parameter cast to its type, in the order of {@link #SENT}. */
    private static String casts() {
        List<String> casts = new ArrayList<>();
        for (String name : SENT) {
            casts.add("CAST(:" + name + " AS " + typeOf(name) + ")");
        }
        return String.join(", ", casts);
    }

    /** The SQL type a parameter is bound as: an array for each of {@link #SENT}. */
    static String typeOf(String name) {
        if (!SENT.contains(name)) {
            return "varchar";
        }
        return (NUMBERS.contains(name) ? "bigint" : TEXTS.contains(name) ? "text" : "varchar") + "[]";
    }

    private record Send(Map<String, Object> params, Database.Pending<Optional<Appended.Stamp>> stamp) {
    }
}
