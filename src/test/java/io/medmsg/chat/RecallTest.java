package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

class RecallTest extends ApiTest {

    private Chat chat;
    private String doctorId;
    private String patient;
    private String doctor;
    private String sessionId;
    private String msgId;

    @BeforeEach
    void patientSaysSomethingRegrettable() {
        chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        doctorId = c.doctorId();
        patient = c.patient();
        doctor = c.doctor();
        sessionId = c.sessionId();
        msgId = chat.patientSends(patient, doctorId, "wrong photo description").data().get("message").get("msg_id").asString();
    }

    private Reply recall(String token, String face, String id) {
        return chat.post(face, "recall", token, body("session_id", sessionId, "msg_id", id));
    }

    @Test
    void senderRecallsAndARecallMessageIsAppended() {
        Reply r = recall(patient, Chat.P, msgId);
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.data().get("message");
        assertThat(m.get("msg_type").asString()).isEqualTo("recall");
        assertThat(m.get("recalled_msg_id").asString()).isEqualTo(msgId);
        assertThat(m.get("seq").asLong()).isEqualTo(3);
        assertThat(m.get("text").isNull()).isTrue();
    }

    @Test
    void bothSidesSeeTheOriginalAsRecalledWithoutContent() {
        recall(patient, Chat.P, msgId);
        for (String[] side : new String[][] {{Chat.P, patient}, {Chat.D, doctor}}) {
            JsonNode list = chat.get(side[0], "msg_list", side[1], "session_id=" + sessionId).data().get("list");
            JsonNode original = list.get(1);
            assertThat(original.get("msg_id").asString()).isEqualTo(msgId);
            assertThat(original.get("seq").asLong()).isEqualTo(2);
            assertThat(original.get("msg_type").asString()).isEqualTo("recalled");
            assertThat(original.get("text").isNull()).isTrue();
            assertThat(original.get("resource").isNull()).isTrue();
            assertThat(list.get(2).get("msg_type").asString()).isEqualTo("recall");
        }
    }

    @Test
    void pollersLearnOfTheRecallThroughNewMsg() {
        recall(patient, Chat.P, msgId);
        JsonNode list = chat.get(Chat.D, "new_msg", doctor, "session_id=" + sessionId + "&after_seq=2").data().get("list");
        assertThat(list.get(0).get("recalled_msg_id").asString()).isEqualTo(msgId);
    }

    @Test
    void onlyTheSenderMayRecall() {
        Reply r = recall(doctor, Chat.D, msgId);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(40904);
    }

    @Test
    void aMessageIsRecalledOnce() {
        recall(patient, Chat.P, msgId);
        Reply again = recall(patient, Chat.P, msgId);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo(40904);
    }

    @Test
    void unknownOrForeignMessageIs404() {
        assertThat(recall(patient, Chat.P, "ffffffffffffffffffffffffffffffff").status()).isEqualTo(404);
        Reply stranger = chat.post(Chat.P, "recall", Tokens.patient(unique("s")), body("session_id", sessionId, "msg_id", msgId));
        assertThat(stranger.status()).isEqualTo(404);
    }
}
