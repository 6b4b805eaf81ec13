package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

class MarkReadTest extends ApiTest {

    private Chat chat;
    private String doctorId;
    private String patient;
    private String doctor;
    private String sessionId;

    @BeforeEach
    void patientWritesThree() {
        chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        doctorId = c.doctorId();
        patient = c.patient();
        doctor = c.doctor();
        sessionId = c.sessionId();
        chat.patientSends(patient, doctorId, "two");
        chat.patientSends(patient, doctorId, "three");
    }

    private Reply markRead(long seq) {
        return chat.post(Chat.D, "mark_read", doctor, body("session_id", sessionId, "seq", seq));
    }

    @Test
    void markReadMovesTheReadPointerAndTheUnreadCount() {
        Reply r = markRead(2);
        assertThat(r.data().get("session_id").asString()).isEqualTo(sessionId);
        assertThat(r.data().get("read_seq").asLong()).isEqualTo(2);
        assertThat(r.data().get("unread_count").asLong()).isEqualTo(1);
    }

    @Test
    void markReadNeverMovesBackwards() {
        markRead(3);
        Reply r = markRead(1);
        assertThat(r.data().get("read_seq").asLong()).isEqualTo(3);
        assertThat(r.data().get("unread_count").asLong()).isZero();
    }

    @Test
    void markReadNeverPassesLastSeq() {
        Reply r = markRead(1000);
        assertThat(r.data().get("read_seq").asLong()).isEqualTo(3);
    }

    @Test
    void thePeerSeesThePeerReadSeq() {
        markRead(2);
        assertThat(chat.get(Chat.P, "session_list", patient, "").data().get("list").get(0).get("peer_read_seq").asLong())
                .isEqualTo(2);
    }

    @Test
    void doctorsListShowsUnreadCount() {
        assertThat(chat.get(Chat.D, "session_list", doctor, "").data().get("list").get(0).get("unread_count").asLong())
                .isEqualTo(3);
    }

    @Test
    void badInputIsRefused() {
        assertThat(chat.post(Chat.D, "mark_read", doctor, body("session_id", sessionId)).msg()).contains("seq");
        assertThat(chat.post(Chat.D, "mark_read", doctor, body("session_id", sessionId, "seq", -1)).msg()).contains("seq");
        assertThat(chat.post(Chat.D, "mark_read", doctor, body("seq", 1)).msg()).contains("session_id");
        Reply foreign = chat.post(Chat.D, "mark_read", Tokens.doctor(unique("d")), body("session_id", sessionId, "seq", 1));
        assertThat(foreign.status()).isEqualTo(404);
    }
}
