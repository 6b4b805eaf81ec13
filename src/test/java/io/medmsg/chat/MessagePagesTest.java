package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/** msg_list and new_msg: pages of one session's messages. */
class MessagePagesTest extends ApiTest {

    private Chat chat;
    private String doctorId;
    private String patient;
    private String doctor;
    private String sessionId;

    @BeforeEach
    void tenMessages() {
        chat = new Chat(api);
        Chat.Consultation c = chat.consultation();
        doctorId = c.doctorId();
        patient = c.patient();
        doctor = c.doctor();
        sessionId = c.sessionId();
        for (int i = 2; i <= 10; i++) {
            if (i % 2 == 0) {
                chat.doctorSends(doctor, sessionId, "m" + i);
            } else {
                chat.patientSends(patient, doctorId, "m" + i);
            }
        }
    }

    @Test
    void msgListWithoutBeforeSeqReturnsTheNewestInAscendingOrder() {
        Reply r = chat.get(Chat.P, "msg_list", patient, "session_id=" + sessionId + "&limit=3");
        assertThat(Chat.seqs(r.data().get("list"))).containsExactly(8L, 9L, 10L);
        assertThat(r.data().get("has_more").asBoolean()).isTrue();
        assertThat(r.data().get("session_id").asString()).isEqualTo(sessionId);
    }

    @Test
    void msgListPagesBackwardsWithBeforeSeq() {
        Reply r = chat.get(Chat.D, "msg_list", doctor, "session_id=" + sessionId + "&before_seq=4&limit=5");
        assertThat(Chat.seqs(r.data().get("list"))).containsExactly(1L, 2L, 3L);
        assertThat(r.data().get("has_more").asBoolean()).isFalse();
    }

    @Test
    void patientMayNameTheDoctorInsteadOfTheSession() {
        Reply r = chat.get(Chat.P, "msg_list", patient, "doctor_id=" + doctorId + "&limit=2");
        assertThat(r.data().get("session_id").asString()).isEqualTo(sessionId);
        assertThat(Chat.seqs(r.data().get("list"))).containsExactly(9L, 10L);
        Reply n = chat.get(Chat.P, "new_msg", patient, "doctor_id=" + doctorId + "&after_seq=9");
        assertThat(Chat.seqs(n.data().get("list"))).containsExactly(10L);
    }

    @Test
    void newMsgReturnsWhatFollowsAfterSeqWithLastSeqAndHasMore() {
        Reply r = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=5&limit=3");
        assertThat(Chat.seqs(r.data().get("list"))).containsExactly(6L, 7L, 8L);
        assertThat(r.data().get("last_seq").asLong()).isEqualTo(10);
        assertThat(r.data().get("has_more").asBoolean()).isTrue();
        Reply rest = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=8");
        assertThat(Chat.seqs(rest.data().get("list"))).containsExactly(9L, 10L);
        assertThat(rest.data().get("has_more").asBoolean()).isFalse();
        Reply none = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=10");
        assertThat(none.data().get("list").size()).isZero();
        assertThat(none.data().get("last_seq").asLong()).isEqualTo(10);
    }

    @Test
    void newMsgDefaultsToTheStart() {
        Reply r = chat.get(Chat.D, "new_msg", doctor, "session_id=" + sessionId);
        assertThat(Chat.seqs(r.data().get("list"))).hasSize(10).startsWith(1L);
    }

    @Test
    void aForeignSessionIs404WithTheSameBodyAsAMissingOne() {
        String stranger = Tokens.patient(unique("stranger"));
        String otherDoctor = Tokens.doctor(unique("otherdoc"));
        for (String face : List.of("msg_list", "new_msg")) {
            Reply foreign = chat.get(Chat.P, face, stranger, "session_id=" + sessionId);
            Reply missing = chat.get(Chat.P, face, stranger, "session_id=ffffffffffffffffffffffffffffffff");
            Reply foreignDoctor = chat.get(Chat.D, face, otherDoctor, "session_id=" + sessionId);
            for (Reply r : List.of(foreign, missing, foreignDoctor)) {
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.code()).isEqualTo(40401);
                assertThat(r.msg()).isEqualTo(missing.msg());
            }
        }
    }

    @Test
    void parametersAreBounded() {
        for (String q : List.of("limit=0", "limit=101", "before_seq=0", "before_seq=x", "")) {
            Reply r = chat.get(Chat.P, "msg_list", patient, q.isEmpty() ? "" : "session_id=" + sessionId + "&" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.code()).isEqualTo(40001);
        }
        for (String q : List.of("limit=0", "limit=201", "after_seq=-1", "wait=31", "wait=-1")) {
            Reply r = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.msg()).contains(q.substring(0, q.indexOf('=')));
        }
        assertThat(chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&limit=200").status()).isEqualTo(200);
    }
}
