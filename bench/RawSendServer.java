import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.medmsg.shared.Ids;

/**
 * A second reference for the sends: the least a send can cost on this machine when it writes what
 * a MedMsg send writes on SQLite. Where {@code RawBatchServer} stores each body as one row, this
 * one writes MedMsg's own rows, in MedMsg's own schema (its SQLite migrations, applied from the
 * packaged jar), with the statements MedMsg's writer runs for a patient's text message: both
 * users' change counters bumped, the session's row moved on (its seq, read pointer, time and
 * counters, with their four indexes), the message inserted, and its event for the doctor. One
 * writer thread commits up to 256 waiting sends per transaction (WAL, synchronous=FULL), then
 * answers each with the message's id and seq. No authentication (the token's payload is decoded
 * for its "sub", its signature is not checked), no framework, no consultation rules, no JSON
 * parsing beyond the text. So MedMsg's rate over this one's is what its request path, rules and
 * framework cost, with the writes held equal; over RawBatchServer's, what the writes cost as well.
 *
 * usage (bench/reference.sh send_full does both, with the service's own Ids class from its jar in
 * CLASSES): javac -d CLASSES -cp CLASSES:sqlite-jdbc.jar bench/RawSendServer.java bench/Raw.java;
 *     java -cp CLASSES:sqlite-jdbc.jar RawSendServer PORT DATA_DIR MIGRATIONS_DIR
 */
public final class RawSendServer {

    private record Send(String patientId, String text) {
    }

    private record Session(String id, String patientId) {
    }

    private static final String DOCTOR = "d1001";
    private static final BlockingQueue<Raw.Pending<Send>> QUEUE = new ArrayBlockingQueue<>(4096);
    /** Each patient's session with the doctor, created by the writer on the patient's first send. */
    private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
    private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final String BUMP = """
            UPDATE user_changes SET change_seq = change_seq + 1 WHERE role = ? AND user_id = ? RETURNING change_seq""";
    private static final String APPEND_BY_PATIENT = """
            UPDATE sessions SET patient_read_seq = last_seq + 1, last_seq = last_seq + 1, updated_at = ?,
                patient_change_seq = ?, doctor_change_seq = ?
            WHERE session_id = ?
            RETURNING last_seq, last_seq - CASE WHEN doctor_read_seq > doctor_deleted_seq THEN doctor_read_seq
                ELSE doctor_deleted_seq END""";
    private static final String INSERT_MESSAGE = """
            INSERT INTO messages (msg_id, session_id, seq, sender_role, sender_id, msg_type, text, recalled, created_at,
                patient_change_seq, doctor_change_seq)
            VALUES (?, ?, ?, 'patient', ?, 'text', ?, 0, ?, ?, ?)""";
    private static final String INSERT_EVENT = """
            INSERT INTO events (event_id, type, session_id, msg_id, recipient_role, recipient_id, unread_count, created_at)
            VALUES (?, 'message.created', ?, ?, 'doctor', ?, ?, ?)""";
    private static final String INSERT_SESSION = """
            INSERT INTO sessions (session_id, patient_id, doctor_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)""";
    private static final String INSERT_COUNTER = "INSERT INTO user_changes (role, user_id, change_seq) VALUES (?, ?, 0)";

    private final Connection db;
    private final PreparedStatement bump;
    private final PreparedStatement append;
    private final PreparedStatement message;
    private final PreparedStatement event;

    private RawSendServer(Connection db) throws SQLException {
        this.db = db;
        bump = db.prepareStatement(BUMP);
        append = db.prepareStatement(APPEND_BY_PATIENT);
        message = db.prepareStatement(INSERT_MESSAGE);
        event = db.prepareStatement(INSERT_EVENT);
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Connection db = Raw.sqlite(Path.of(args[1]));
        Raw.medmsgSchema(db, Path.of(args[2]));
        RawSendServer server = new RawSendServer(db);
        server.insertCounter("doctor", DOCTOR);
        Raw.groupCommit(db, QUEUE, server::append);
        Raw.serve(port, exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String patient = subject(exchange.getRequestHeaders().getFirst("Authorization"));
                Matcher text = TEXT.matcher(body);
                if (patient == null || !text.find()) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                Raw.answerAfterCommit(exchange, QUEUE, new Send(patient, text.group(1)));
            }
        }, "raw send server on " + port);
    }

    /** The token's "sub", its signature unchecked; null without one. */
    private static String subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length != 3) {
            return null;
        }
        Matcher sub = SUB.matcher(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        return sub.find() ? sub.group(1) : null;
    }

    /** One send's writes, as MedMsg's writer makes them for a patient's text; its answer. */
    private String append(Send send) throws SQLException {
        Session s = SESSIONS.get(send.patientId());
        if (s == null) {
            s = openSession(send.patientId());
        }
        long now = System.currentTimeMillis();
        long patientChange = bumped("patient", s.patientId());
        long doctorChange = bumped("doctor", DOCTOR);
        long seq;
        long unread;
        append.setLong(1, now);
        append.setLong(2, patientChange);
        append.setLong(3, doctorChange);
        append.setString(4, s.id());
        try (ResultSet rs = append.executeQuery()) {
            rs.next();
            seq = rs.getLong(1);
            unread = rs.getLong(2);
        }
        String msgId = Ids.next();
        message.setString(1, msgId);
        message.setString(2, s.id());
        message.setLong(3, seq);
        message.setString(4, s.patientId());
        message.setString(5, send.text());
        message.setLong(6, now);
        message.setLong(7, patientChange);
        message.setLong(8, doctorChange);
        message.executeUpdate();
        event.setString(1, Ids.next());
        event.setString(2, s.id());
        event.setString(3, msgId);
        event.setString(4, DOCTOR);
        event.setLong(5, unread);
        event.setLong(6, now);
        event.executeUpdate();
        return "{\"code\":0,\"msg\":\"ok\",\"data\":{\"session_id\":\"" + s.id() + "\",\"message\":{\"msg_id\":\"" + msgId
                + "\",\"seq\":" + seq + ",\"created_at\":" + now + "}}}";
    }

    private long bumped(String role, String userId) throws SQLException {
        bump.setString(1, role);
        bump.setString(2, userId);
        try (ResultSet rs = bump.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The patient's session with the doctor and the patient's counter, in the writer's transaction. */
    private Session openSession(String patient) throws SQLException {
        Session s = new Session(Ids.next(), patient);
        long now = System.currentTimeMillis();
        try (PreparedStatement p = db.prepareStatement(INSERT_SESSION)) {
            p.setString(1, s.id());
            p.setString(2, patient);
            p.setString(3, DOCTOR);
            p.setLong(4, now);
            p.setLong(5, now);
            p.executeUpdate();
        }
        insertCounter("patient", patient);
        // only the writer adds sessions, so a later send finds this one
        SESSIONS.put(patient, s);
        return s;
    }

    private void insertCounter(String role, String userId) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(INSERT_COUNTER)) {
            p.setString(1, role);
            p.setString(2, userId);
            p.executeUpdate();
        }
    }
}
