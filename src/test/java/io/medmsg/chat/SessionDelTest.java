package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

class SessionDelTest extends ApiTest {

    private Chat chat;
    private String doctorId;
    private String patient;
    private String doctor;
    private String sessionId;

    @BeforeEach
    void threeMessages() {
        chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        doctorId = c.doctorId();
        patient = c.patient();
        doctor = c.doctor();
        sessionId = c.sessionId();
        chat.doctorSends(doctor, sessionId, "two");
        chat.patientSends(patient, doctorId, "three");
    }

    private Reply delete(String token, String face) {
        return chat.post(face, "session_del", token, body("session_id", sessionId));
    }

    @Test
    void deletedSessionLeavesTheCallersListsAndShowsNoMessages() {
        Reply r = delete(patient, Chat.P);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data().get("session_id").asString()).isEqualTo(sessionId);
        assertThat(chat.get(Chat.P, "session_list", patient, "").data().get("list").size()).isZero();
        Reply list = chat.get(Chat.P, "msg_list", patient, "session_id=" + sessionId);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.data().get("list").size()).isZero();
        assertThat(list.data().get("has_more").asBoolean()).isFalse();
        assertThat(chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId).data().get("list").size()).isZero();
    }

    @Test
    void theOtherPartyStillSeesEverything() {
        delete(patient, Chat.P);
        assertThat(Chat.sessionIds(chat.get(Chat.D, "session_list", doctor, "").data().get("list"))).containsExactly(sessionId);
        assertThat(Chat.seqs(chat.get(Chat.D, "msg_list", doctor, "session_id=" + sessionId).data().get("list")))
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void aLaterMessageBringsTheSessionBackShowingOnlyWhatFollows() {
        delete(patient, Chat.P);
        chat.doctorSends(doctor, sessionId, "four");
        Reply list = chat.get(Chat.P, "session_list", patient, "");
        assertThat(Chat.sessionIds(list.data().get("list"))).containsExactly(sessionId);
        assertThat(list.data().get("list").get(0).get("unread_count").asLong()).isEqualTo(1);
        assertThat(Chat.seqs(chat.get(Chat.P, "msg_list", patient, "session_id=" + sessionId).data().get("list")))
                .containsExactly(4L);
        assertThat(Chat.seqs(chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=0")
                .data().get("list"))).containsExactly(4L);
    }

    @Test
    void deletingTwiceIsHarmless() {
        assertThat(delete(patient, Chat.P).status()).isEqualTo(200);
        assertThat(delete(patient, Chat.P).status()).isEqualTo(200);
        assertThat(chat.get(Chat.P, "session_list", patient, "").data().get("list").size()).isZero();
    }

    @Test
    void theDoctorMayDeleteItsSideToo() {
        delete(doctor, Chat.D);
        assertThat(chat.get(Chat.D, "session_list", doctor, "").data().get("list").size()).isZero();
        assertThat(chat.get(Chat.P, "session_list", patient, "").data().get("list").size()).isEqualTo(1);
    }

    @Test
    void someoneElsesSessionIs404() {
        Reply r = chat.post(Chat.P, "session_del", Tokens.patient(unique("x")), body("session_id", sessionId));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo(40401);
    }

    @Test
    void sessionIdIsRequired() {
        Reply r = chat.post(Chat.P, "session_del", patient, body());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.msg()).contains("session_id");
    }
}
