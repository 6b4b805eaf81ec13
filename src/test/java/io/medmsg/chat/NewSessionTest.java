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

class NewSessionTest extends ApiTest {

    private Chat chat;
    private String doctorId;
    private String doctor;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        doctorId = chat.newDoctor(unique("doc"), true);
        doctor = Tokens.doctor(doctorId);
    }

    private Reply poll(String cursor) {
        return chat.get(Chat.D, "new_session", doctor, cursor == null ? "" : "cursor=" + cursor);
    }

    @Test
    void withoutCursorReturnsTheNewestSessionAndACursor() {
        assertThat(poll(null).data().get("list").size()).isZero();
        chat.open(Tokens.patient(unique("a")), doctorId);
        String newest = chat.open(Tokens.patient(unique("b")), doctorId);
        Reply r = poll(null);
        assertThat(Chat.sessionIds(r.data().get("list"))).containsExactly(newest);
        assertThat(r.data().get("cursor").asString()).isNotBlank();
    }

    @Test
    void cursorReturnsEachChangedSessionOnceOldestChangeFirst() {
        String patientA = Tokens.patient(unique("a"));
        String a = chat.open(patientA, doctorId);
        String cursor = poll(null).data().get("cursor").asString();
        String b = chat.open(Tokens.patient(unique("b")), doctorId);
        chat.patientSends(patientA, doctorId, "again");
        chat.patientSends(patientA, doctorId, "and again");
        Reply r = poll(cursor);
        assertThat(Chat.sessionIds(r.data().get("list"))).containsExactly(b, a);
        JsonNode sessionA = r.data().get("list").get(1);
        assertThat(sessionA.get("last_seq").asLong()).isEqualTo(3);
        Reply nothing = poll(r.data().get("cursor").asString());
        assertThat(nothing.data().get("list").size()).isZero();
        assertThat(nothing.data().get("cursor").asString()).isEqualTo(r.data().get("cursor").asString());
    }

    @Test
    void readByTheOtherSideIsAChange() {
        String patient = Tokens.patient(unique("p"));
        String sessionId = chat.open(patient, doctorId);
        chat.doctorSends(doctor, sessionId, "answer");
        String cursor = poll(null).data().get("cursor").asString();
        chat.post(Chat.P, "mark_read", patient, body("session_id", sessionId, "seq", 2));
        Reply r = poll(cursor);
        assertThat(Chat.sessionIds(r.data().get("list"))).containsExactly(sessionId);
        assertThat(r.data().get("list").get(0).get("peer_read_seq").asLong()).isEqualTo(2);
    }

    /** The cursor with its last two characters changed; never the cursor itself (one in 4,096 ended in "AA"). */
    private static String forged(String cursor) {
        String tail = cursor.endsWith("AA") ? "BB" : "AA";
        return cursor.substring(0, cursor.length() - 2) + tail;
    }

    @Test
    void forgedOrForeignCursorIs40002() {
        String cursor = poll(null).data().get("cursor").asString();
        String other = Tokens.doctor(unique("other"));
        for (Reply r : new Reply[] {chat.get(Chat.D, "new_session", other, "cursor=" + cursor),
                poll(forged(cursor)), poll("123")}) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.code()).isEqualTo(40002);
        }
    }

    @Test
    void waitAbove30IsRefused() {
        Reply r = chat.get(Chat.D, "new_session", doctor, "wait=31");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.msg()).contains("wait");
    }
}
