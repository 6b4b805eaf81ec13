import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;

/**
 * The reference the read benchmarks are read against: the least a read of MedMsg's data can cost
 * on this machine. The JDK's HTTP server over a SQLite database made by MedMsg's own SQLite
 * migrations (the same tables and indexes, applied from the packaged jar), read through four
 * query-only connections in WAL mode, as the service reads. No
 * authentication (the token's payload is decoded for its "sub", its signature is not checked), no
 * framework, hand-written JSON.
 *
 *   msg_list N M      N patients (bench-p1..N, as bench/mint.py names them) each with one session
 *                     with doctor d1001 holding M text messages, as bench/read.sh makes them;
 *                     GET .../patient/msg_list?doctor_id=&limit= answers the newest page: the
 *                     session by its (patient_id, doctor_id) key, then its messages by (session_id, seq)
 *   session_list S    doctor d1001 with S sessions of one message each, as bench/session-list.sh
 *                     makes them; GET .../doctor/session_list?limit= answers the newest page by
 *                     sessions_doctor_by_update, joined as MedMsg joins it (doctor, last message,
 *                     consultation)
 *
 * usage (bench/reference.sh msg_list|session_list does both): javac -d CLASSES -cp sqlite-jdbc.jar bench/RawReadServer.java
 *     bench/Raw.java; java -cp CLASSES:sqlite-jdbc.jar RawReadServer PORT DATA_DIR MIGRATIONS_DIR MODE COUNT [MESSAGES]
 */
public final class RawReadServer {

    private static final String TEXT = "您好，我这两天咳嗽，晚上加重，需要做什么检查吗？";
    private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern LIMIT = Pattern.compile("(?:^|&)limit=(\\d+)");
    private static final Pattern DOCTOR_ID = Pattern.compile("(?:^|&)doctor_id=([^&]+)");

    private static final String MESSAGE_COLUMNS = """
            msg_id, session_id, seq, sender_role, sender_id, msg_type, text, file_id, file_name, mime_type,
            file_size, recalled_msg_id, recalled, client_msg_id, created_at, consultation_id, card, event""";

    private static final String SESSION_BY_PAIR =
            "SELECT session_id, last_seq, patient_deleted_seq FROM sessions WHERE patient_id = ? AND doctor_id = ?";

    private static final String PAGE_BEFORE = "SELECT " + MESSAGE_COLUMNS + """
             FROM messages WHERE session_id = ? AND seq > ? AND seq < ?
            ORDER BY seq DESC LIMIT ?""";

    // MedMsg's LIST_OF_DOCTOR with the columns its JSON needs
    private static final String SESSIONS_OF_DOCTOR = """
            SELECT s.session_id, s.patient_id, s.patient_name, s.doctor_id, s.last_seq, s.created_at, s.updated_at,
                s.doctor_read_seq, s.doctor_deleted_seq, s.patient_read_seq, s.c_id,
                d.name AS d_name, d.title AS d_title, d.dept AS d_dept, d.hospital AS d_hospital,
                d.avatar_url AS d_avatar_url, d.accepting AS d_accepting,
                m.msg_id AS m_msg_id, m.seq AS m_seq, m.sender_role AS m_sender_role, m.sender_id AS m_sender_id,
                m.msg_type AS m_msg_type, m.text AS m_text, m.recalled_msg_id AS m_recalled_msg_id,
                m.client_msg_id AS m_client_msg_id, m.created_at AS m_created_at, m.consultation_id AS m_consultation_id,
                k.consultation_id AS k_consultation_id, k.patient_id AS k_patient_id, k.status AS k_status,
                k.order_no AS k_order_no, k.kind AS k_kind, k.rounds_limit AS k_rounds_limit,
                CASE WHEN s.c_status IS NOT NULL THEN s.c_rounds_used ELSE k.rounds_used END AS k_rounds_used,
                k.accept_deadline AS k_accept_deadline, k.end_deadline AS k_end_deadline, k.opened_at AS k_opened_at,
                k.accepted_at AS k_accepted_at, k.closed_at AS k_closed_at, k.close_reason AS k_close_reason,
                k.first_seq AS k_first_seq, k.last_seq AS k_last_seq
            FROM sessions s
            LEFT JOIN doctors d ON d.doctor_id = s.doctor_id
            LEFT JOIN messages m ON m.session_id = s.session_id AND m.seq = s.last_seq
            LEFT JOIN consultations k ON k.consultation_id = s.c_id
            WHERE s.doctor_id = ? AND s.last_seq > s.doctor_deleted_seq
            ORDER BY s.updated_at DESC, s.session_id DESC LIMIT ?""";

    /** One read connection with its statements prepared once (MedMsg caches them too). */
    private record Reader(PreparedStatement sessionByPair, PreparedStatement pageBefore,
            PreparedStatement sessionsOfDoctor, Mac cursorMac) {
    }

    private static final BlockingQueue<Reader> READERS = new ArrayBlockingQueue<>(4);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        String mode = args[3];
        int count = Integer.parseInt(args[4]);
        try (Connection db = Raw.sqlite(dir)) {
            Raw.medmsgSchema(db, Path.of(args[2]));
            db.setAutoCommit(false);
            if (mode.equals("msg_list")) {
                fillConversations(db, count, Integer.parseInt(args[5]));
            } else {
                fillSessions(db, count);
            }
            db.commit();
        }
        for (int i = 0; i < 4; i++) {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA query_only=1");
            }
            READERS.add(new Reader(c.prepareStatement(SESSION_BY_PAIR), c.prepareStatement(PAGE_BEFORE),
                    c.prepareStatement(SESSIONS_OF_DOCTOR), cursorMac()));
        }
        // A page is several TCP segments: without TCP_NODELAY each answer waits out the client's
        // delayed ACK (40 ms), and the reference would measure that instead of the read.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Raw.serve(port, RawReadServer::handle, "raw read server on " + port + ": " + mode + " " + count);
    }

    private static void fillConversations(Connection db, int patients, int messages) throws SQLException {
        long now = System.currentTimeMillis();
        for (int i = 1; i <= patients; i++) {
            String session = id();
            insertSession(db, session, "bench-p" + i, messages, now, messages);
            try (PreparedStatement p = db.prepareStatement(INSERT_MESSAGE)) {
                for (int seq = 1; seq <= messages; seq++) {
                    addMessage(p, session, seq, "bench-p" + i, now - messages + seq, TEXT);
                }
                p.executeBatch();
            }
        }
    }

    private static void fillSessions(Connection db, int sessions) throws SQLException {
        long now = System.currentTimeMillis() - sessions;
        try (PreparedStatement p = db.prepareStatement(INSERT_MESSAGE)) {
            for (int i = 1; i <= sessions; i++) {
                String session = id();
                insertSession(db, session, "list-p" + i, 1, now + i, i);
                addMessage(p, session, 1, "list-p" + i, now + i, "hello doctor"); // as bench/OpenSessions.java sends
                if (i % 1000 == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
    }

    private static final String INSERT_MESSAGE = """
            INSERT INTO messages (msg_id, session_id, seq, sender_role, sender_id, msg_type, text, recalled, created_at,
                patient_change_seq, doctor_change_seq, consultation_id)
            VALUES (?, ?, ?, 'patient', ?, 'text', ?, 0, ?, ?, ?, (SELECT c_id FROM sessions WHERE session_id = ?))""";

    private static void addMessage(PreparedStatement p, String session, int seq, String patient, long at, String text)
            throws SQLException {
        p.setString(1, id());
        p.setString(2, session);
        p.setInt(3, seq);
        p.setString(4, patient);
        p.setString(5, text);
        p.setLong(6, at);
        p.setLong(7, seq);
        p.setLong(8, seq);
        p.setString(9, session);
        p.addBatch();
    }

    private static void insertSession(Connection db, String session, String patient, int lastSeq, long at, long change)
            throws SQLException {
        try (PreparedStatement p = db.prepareStatement("""
                INSERT INTO sessions (session_id, patient_id, patient_name, doctor_id, last_seq, created_at, updated_at,
                    patient_read_seq, patient_change_seq, doctor_change_seq)
                VALUES (?, ?, ?, 'd1001', ?, ?, ?, ?, ?, ?)""")) {
            p.setString(1, session);
            p.setString(2, patient);
            p.setString(3, "bench " + patient);
            p.setInt(4, lastSeq);
            p.setLong(5, at);
            p.setLong(6, at);
            p.setInt(7, lastSeq);
            p.setLong(8, change);
            p.setLong(9, change);
            p.executeUpdate();
        }
        // the waiting consultation MedMsg opens with a patient's first message (demo doctors take free ones)
        String consultation = id();
        try (PreparedStatement p = db.prepareStatement("""
                INSERT INTO consultations (consultation_id, session_id, patient_id, doctor_id, status, kind, rounds_used,
                    duration_ms, accept_deadline, opened_at, first_seq, due_at)
                VALUES (?, ?, ?, 'd1001', 'waiting', 'text', ?, 86400000, ?, ?, 1, ?)""")) {
            p.setString(1, consultation);
            p.setString(2, session);
            p.setString(3, patient);
            p.setInt(4, lastSeq);
            p.setLong(5, at + 86_400_000);
            p.setLong(6, at);
            p.setLong(7, at + 86_400_000);
            p.executeUpdate();
        }
        try (PreparedStatement p = db.prepareStatement("""
                UPDATE sessions SET c_id = ?, c_status = 'waiting', c_rounds_used = ?, c_due_at = ? WHERE session_id = ?""")) {
            p.setString(1, consultation);
            p.setInt(2, lastSeq);
            p.setLong(3, at + 86_400_000);
            p.setString(4, session);
            p.executeUpdate();
        }
    }

    /** MedMsg signs its cursors (HMAC-SHA256, cut to 16 bytes): so does the reference. */
    private static Mac cursorMac() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("reference-cursor-secret-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac;
    }

    private static String id() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            String path = exchange.getRequestURI().getPath();
            String user = subject(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] answer;
            Reader reader = null;
            try {
                reader = READERS.take();
                answer = (path.endsWith("/msg_list") ? msgList(reader, user, query) : sessionList(reader, user, query))
                        .getBytes(StandardCharsets.UTF_8);
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
                return;
            } finally {
                if (reader != null) {
                    READERS.add(reader);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private static String subject(String authorization) {
        String payload = authorization.substring("Bearer ".length()).split("\\.")[1];
        Matcher m = SUB.matcher(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalArgumentException("no sub");
        }
        return m.group(1);
    }

    private static int limit(String query, int otherwise) {
        Matcher m = LIMIT.matcher(query == null ? "" : query);
        return m.find() ? Integer.parseInt(m.group(1)) : otherwise;
    }

    private static String msgList(Reader reader, String patient, String query) throws SQLException {
        Matcher d = DOCTOR_ID.matcher(query);
        if (!d.find()) {
            throw new IllegalArgumentException("no doctor_id");
        }
        int limit = limit(query, 20);
        String session;
        long floor;
        long before;
        PreparedStatement pair = reader.sessionByPair();
        pair.setString(1, patient);
        pair.setString(2, d.group(1));
        try (ResultSet rs = pair.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalArgumentException("no session");
            }
            session = rs.getString(1);
            before = rs.getLong(2) + 1;
            floor = rs.getLong(3);
        }
        PreparedStatement page = reader.pageBefore();
        page.setString(1, session);
        page.setLong(2, floor);
        page.setLong(3, before);
        page.setInt(4, limit + 1); // one more tells has_more
        List<String> messages = new ArrayList<>(limit + 1);
        try (ResultSet rs = page.executeQuery()) {
            while (rs.next()) {
                messages.add(message(rs));
            }
        }
        boolean hasMore = messages.size() > limit;
        StringBuilder json = new StringBuilder(512 * messages.size() + 128);
        json.append("{\"code\":0,\"msg\":\"ok\",\"data\":{\"session_id\":\"").append(session).append("\",\"list\":[");
        for (int i = Math.min(limit, messages.size()) - 1; i >= 0; i--) {
            json.append(messages.get(i)).append(i > 0 ? "," : "");
        }
        return json.append("],\"has_more\":").append(hasMore).append("}}").toString();
    }

    private static String message(ResultSet rs) throws SQLException {
        StringBuilder json = new StringBuilder(512);
        json.append("{\"msg_id\":").append(str(rs.getString("msg_id")))
                .append(",\"session_id\":").append(str(rs.getString("session_id")))
                .append(",\"seq\":").append(rs.getLong("seq"))
                .append(",\"sender_role\":").append(str(rs.getString("sender_role")))
                .append(",\"sender_id\":").append(str(rs.getString("sender_id")))
                .append(",\"msg_type\":").append(str(rs.getInt("recalled") != 0 ? "recalled" : rs.getString("msg_type")))
                .append(",\"consultation_id\":").append(str(rs.getString("consultation_id")))
                .append(",\"card\":").append(raw(rs.getString("card")))
                .append(",\"event\":").append(raw(rs.getString("event")))
                .append(",\"text\":").append(str(rs.getString("text")))
                .append(",\"resource\":").append(rs.getString("file_id") == null ? "null" : resource(rs))
                .append(",\"recalled_msg_id\":").append(str(rs.getString("recalled_msg_id")))
                .append(",\"client_msg_id\":").append(str(rs.getString("client_msg_id")))
                .append(",\"created_at\":").append(rs.getLong("created_at")).append('}');
        return json.toString();
    }

    private static String resource(ResultSet rs) throws SQLException {
        return "{\"file_id\":" + str(rs.getString("file_id")) + ",\"file_name\":" + str(rs.getString("file_name"))
                + ",\"mime_type\":" + str(rs.getString("mime_type")) + ",\"size\":" + rs.getLong("file_size") + "}";
    }

    private static String sessionList(Reader reader, String doctor, String query) throws SQLException {
        int limit = limit(query, 20);
        PreparedStatement list = reader.sessionsOfDoctor();
        list.setString(1, doctor);
        list.setInt(2, limit);
        StringBuilder json = new StringBuilder(1024 * limit);
        json.append("{\"code\":0,\"msg\":\"ok\",\"data\":{\"list\":[");
        String lastKey = null;
        int n = 0;
        try (ResultSet rs = list.executeQuery()) {
            while (rs.next()) {
                json.append(n++ > 0 ? "," : "").append(session(rs));
                lastKey = rs.getLong("updated_at") + ":" + rs.getString("session_id");
            }
        }
        String cursor = "null";
        if (n == limit && lastKey != null) {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            byte[] key = lastKey.getBytes(StandardCharsets.UTF_8);
            cursor = str(b64.encodeToString(key) + "." + b64.encodeToString(Arrays.copyOf(reader.cursorMac().doFinal(key), 16)));
        }
        return json.append("],\"next_cursor\":").append(cursor).append("}}").toString();
    }

    private static String session(ResultSet rs) throws SQLException {
        long lastSeq = rs.getLong("last_seq");
        long readSeq = Math.max(rs.getLong("doctor_read_seq"), rs.getLong("doctor_deleted_seq"));
        StringBuilder json = new StringBuilder(1024);
        json.append("{\"session_id\":").append(str(rs.getString("session_id")))
                .append(",\"patient_id\":").append(str(rs.getString("patient_id")))
                .append(",\"patient_name\":").append(str(rs.getString("patient_name")))
                .append(",\"doctor\":{\"doctor_id\":").append(str(rs.getString("doctor_id")))
                .append(",\"name\":").append(str(rs.getString("d_name")))
                .append(",\"title\":").append(str(rs.getString("d_title")))
                .append(",\"dept\":").append(str(rs.getString("d_dept")))
                .append(",\"hospital\":").append(str(rs.getString("d_hospital")))
                .append(",\"avatar_url\":").append(str(rs.getString("d_avatar_url")))
                .append(",\"accepting\":").append(rs.getInt("d_accepting") != 0).append('}')
                .append(",\"last_seq\":").append(lastSeq)
                .append(",\"last_msg\":");
        if (rs.getString("m_msg_id") == null) {
            json.append("null");
        } else {
            json.append("{\"msg_id\":").append(str(rs.getString("m_msg_id")))
                    .append(",\"session_id\":").append(str(rs.getString("session_id")))
                    .append(",\"seq\":").append(rs.getLong("m_seq"))
                    .append(",\"sender_role\":").append(str(rs.getString("m_sender_role")))
                    .append(",\"sender_id\":").append(str(rs.getString("m_sender_id")))
                    .append(",\"msg_type\":").append(str(rs.getString("m_msg_type")))
                    .append(",\"consultation_id\":").append(str(rs.getString("m_consultation_id")))
                    .append(",\"card\":null,\"event\":null")
                    .append(",\"text\":").append(str(rs.getString("m_text")))
                    .append(",\"resource\":null")
                    .append(",\"recalled_msg_id\":").append(str(rs.getString("m_recalled_msg_id")))
                    .append(",\"client_msg_id\":").append(str(rs.getString("m_client_msg_id")))
                    .append(",\"created_at\":").append(rs.getLong("m_created_at")).append('}');
        }
        return json.append(",\"unread_count\":").append(Math.max(0, lastSeq - readSeq))
                .append(",\"read_seq\":").append(rs.getLong("doctor_read_seq"))
                .append(",\"peer_read_seq\":").append(rs.getLong("patient_read_seq"))
                .append(",\"consultation\":").append(rs.getString("k_consultation_id") == null ? "null" : consultation(rs))
                .append(",\"created_at\":").append(rs.getLong("created_at"))
                .append(",\"updated_at\":").append(rs.getLong("updated_at")).append('}').toString();
    }

    private static String consultation(ResultSet rs) throws SQLException {
        return "{\"consultation_id\":" + str(rs.getString("k_consultation_id"))
                + ",\"session_id\":" + str(rs.getString("session_id"))
                + ",\"patient_id\":" + str(rs.getString("k_patient_id"))
                + ",\"doctor_id\":" + str(rs.getString("doctor_id"))
                + ",\"status\":" + str(rs.getString("k_status"))
                + ",\"order_no\":" + str(rs.getString("k_order_no"))
                + ",\"kind\":" + str(rs.getString("k_kind"))
                + ",\"rounds_limit\":" + number(rs, "k_rounds_limit")
                + ",\"rounds_used\":" + rs.getLong("k_rounds_used")
                + ",\"accept_deadline\":" + rs.getLong("k_accept_deadline")
                + ",\"end_deadline\":" + number(rs, "k_end_deadline")
                + ",\"opened_at\":" + rs.getLong("k_opened_at")
                + ",\"accepted_at\":" + number(rs, "k_accepted_at")
                + ",\"closed_at\":" + number(rs, "k_closed_at")
                + ",\"close_reason\":" + str(rs.getString("k_close_reason"))
                + ",\"first_seq\":" + rs.getLong("k_first_seq")
                + ",\"last_seq\":" + number(rs, "k_last_seq") + "}";
    }

    private static String number(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? "null" : Long.toString(value);
    }

    private static String raw(String json) {
        return json == null ? "null" : json;
    }

    /** A JSON string; the escapes this data can need (quotes, backslashes, control characters). */
    private static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
