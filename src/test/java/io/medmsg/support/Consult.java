package io.medmsg.support;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api.Reply;

/** Fixtures of the consultation tests (API.md §4): the back end's calls and small card factories. */
public final class Consult {

    public static final String A = "/msg_service/msg/admin/";
    public static final String ADMIN = Tokens.admin("hospital-backend");

    private final Api api;

    public Consult(Api api) {
        this.api = api;
    }

    /** The back end opens a consultation: fields as key, value pairs (patient_id, doctor_id, …). */
    public Reply open(Object... fields) {
        return api.post(A + "consultation/open", ADMIN, body(fields));
    }

    /** Opens one and asserts it worked; returns the data ({session_id, consultation}). */
    public JsonNode opened(Object... fields) {
        Reply r = open(fields);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.data();
    }

    public Reply accept(String doctorToken, String sessionId) {
        return api.post(Chat.D + "consultation/accept", doctorToken, body("session_id", sessionId));
    }

    public Reply close(String doctorToken, String sessionId, Map<String, Object> summary) {
        return api.post(Chat.D + "consultation/close", doctorToken, summary == null ? body("session_id", sessionId)
                : body("session_id", sessionId, "summary", summary));
    }

    public Reply cancel(String patientToken, String sessionId) {
        return api.post(Chat.P + "consultation/cancel", patientToken, body("session_id", sessionId));
    }

    public Reply adminClose(String consultationId) {
        return api.post(A + "consultation/close", ADMIN, body("consultation_id", consultationId, "reason", "退款"));
    }

    public Reply sendCard(String doctorToken, String sessionId, Map<String, Object> card) {
        return api.post(Chat.D + "send_card_msg", doctorToken, body("session_id", sessionId, "card", card));
    }

    public Reply list(String face, String token, String sessionId, String extra) {
        return api.get(face + "consultation_list?session_id=" + sessionId + extra, token);
    }

    /** The consultation the session shows to this side. */
    public JsonNode current(String face, String token, String sessionId) {
        Reply r = api.get(face + "session_list?limit=100", token);
        for (JsonNode s : r.data().get("list")) {
            if (s.get("session_id").asString().equals(sessionId)) {
                return s.get("consultation");
            }
        }
        throw new AssertionError("session " + sessionId + " not in the list: " + r.raw());
    }

    /** A card with the given type and title, and further key, value pairs. */
    public static Map<String, Object> card(String type, String title, Object... more) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("card_type", type);
        card.put("title", title);
        for (int i = 0; i < more.length; i += 2) {
            card.put((String) more[i], more[i + 1]);
        }
        return card;
    }

    public static Map<String, Object> intake() {
        return card("intake", "主诉：咳嗽三天", "body", "夜间加重，无发热", "fields",
                List.of(body("label", "过敏史", "value", "青霉素")));
    }

    public static Map<String, Object> summary() {
        return card("summary", "问诊小结", "body", "考虑上呼吸道感染，多饮水，三天后复诊",
                "link", body("url", "https://hospital.example/records/1", "text", "查看病历"));
    }

    /** The msg_type and event type of each message, in seq order ("text", "system:consultation.opened", …). */
    public static List<String> kinds(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("msg_type").asString().equals("system")
                ? "system:" + m.get("event").get("type").asString() : m.get("msg_type").asString()).toList();
    }
}
