package io.medmsg.support;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import io.medmsg.support.Api.Reply;
import tools.jackson.databind.JsonNode;

/** Small factory methods for chat tests: one patient, one doctor, their calls. */
public final class Chat {

    public static final String P = "/msg_service/msg/patient/";
    public static final String D = "/msg_service/msg/doctor/";

    private final Api api;

    public Chat(Api api) {
        this.api = api;
    }

    /** A doctor in the directory, accepting unless told otherwise; returns its id. */
    public String newDoctor(String id, boolean accepting) {
        Reply r = api.put("/pati_service/manager_service/doctors", Tokens.admin("admin-fixture"), body("doctors",
                List.of(body("doctor_id", id, "name", "Dr " + id, "title", "主治医师", "dept", "测试科", "hospital",
                        "测试医院", "intro", "intro", "accepting", accepting))));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return id;
    }

    public Reply patientSends(String patientToken, String doctorId, String text, String clientMsgId) {
        return api.post(P + "send_text_msg", patientToken, body("doctor_id", doctorId, "text", text,
                "client_msg_id", clientMsgId));
    }

    public Reply patientSends(String patientToken, String doctorId, String text) {
        return api.post(P + "send_text_msg", patientToken, body("doctor_id", doctorId, "text", text));
    }

    public Reply doctorSends(String doctorToken, String sessionId, String text) {
        return api.post(D + "send_text_msg", doctorToken, body("session_id", sessionId, "text", text));
    }

    public Reply doctorSends(String doctorToken, String sessionId, String text, String clientMsgId) {
        return api.post(D + "send_text_msg", doctorToken, body("session_id", sessionId, "text", text,
                "client_msg_id", clientMsgId));
    }

    /** A fresh doctor and patient with their tokens; {@code sessionId} is null until opened. */
    public record Consultation(String doctorId, String doctor, String patientId, String patient, String sessionId) {
    }

    /** A new accepting doctor and a new patient, not yet consulting. */
    public Consultation newPair() {
        String doctorId = newDoctor(uniqueId("doc"), true);
        String patientId = uniqueId("pat");
        return new Consultation(doctorId, Tokens.doctor(doctorId), patientId, Tokens.patient(patientId), null);
    }

    /** A new doctor and patient whose session the patient has just opened (seq 1). */
    public Consultation consultation() {
        Consultation pair = newPair();
        return new Consultation(pair.doctorId(), pair.doctor(), pair.patientId(), pair.patient(),
                open(pair.patient(), pair.doctorId()));
    }

    private static String uniqueId(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36);
    }

    /** Opens a session by the patient's first message; returns its id. */
    public String open(String patientToken, String doctorId) {
        Reply r = patientSends(patientToken, doctorId, "您好，我想咨询一下");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.data().get("session_id").asString();
    }

    public static String face(String token, boolean doctor) {
        return doctor ? D : P;
    }

    public Reply get(String face, String endpoint, String token, String query) {
        return api.get(face + endpoint + (query.isEmpty() ? "" : "?" + query), token);
    }

    public Reply post(String face, String endpoint, String token, Object body) {
        return api.post(face + endpoint, token, body);
    }

    /** Every message of a session from the doctor's side, seq 1 onwards, read page by page with new_msg. */
    public List<JsonNode> allMessages(String doctor, String sessionId) {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = get(D, "new_msg", doctor, "session_id=" + sessionId + "&limit=200&after_seq=" + after).data();
            page.get("list").forEach(all::add);
            if (!page.get("has_more").asBoolean() || all.isEmpty()) {
                return all;
            }
            after = all.get(all.size() - 1).get("seq").asLong();
        }
    }

    /**
     * A session read whole after concurrent sends: seq exactly 1..total, and every client_msg_id
     * once, the acknowledged ones and no other.
     */
    public static void assertContiguousEachClientMsgIdOnce(List<JsonNode> all, int total, Set<String> acknowledged) {
        List<Long> seqs = all.stream().map(m -> m.get("seq").asLong()).toList();
        List<String> cmids = all.stream().filter(m -> !m.get("client_msg_id").isNull())
                .map(m -> m.get("client_msg_id").asString()).toList();
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(new HashSet<>(cmids)).hasSize(cmids.size()).containsExactlyInAnyOrderElementsOf(acknowledged);
    }

    public static List<Long> seqs(JsonNode list) {
        List<Long> seqs = new ArrayList<>();
        list.forEach(m -> seqs.add(m.get("seq").asLong()));
        return seqs;
    }

    public static List<String> texts(JsonNode list) {
        List<String> texts = new ArrayList<>();
        list.forEach(m -> texts.add(m.get("text").isNull() ? null : m.get("text").asString()));
        return texts;
    }

    public static List<String> sessionIds(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(s -> ids.add(s.get("session_id").asString()));
        return ids;
    }
}
