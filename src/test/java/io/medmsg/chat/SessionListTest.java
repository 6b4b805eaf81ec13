package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

class SessionListTest extends ApiTest {

    private Chat chat;
    private String doctorId;
    private String doctor;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        doctorId = chat.newDoctor(unique("doc"), true);
        doctor = Tokens.doctor(doctorId);
    }

    @Test
    void sessionCarriesDoctorWithoutIntroAndTheLastMessage() {
        String patient = Tokens.patient(unique("p"), "李四");
        String sessionId = chat.open(patient, doctorId);
        chat.doctorSends(doctor, sessionId, "请描述症状");
        JsonNode s = chat.get(Chat.P, "session_list", patient, "").data().get("list").get(0);
        assertThat(s.get("session_id").asString()).isEqualTo(sessionId);
        assertThat(s.get("patient_name").asString()).isEqualTo("李四");
        assertThat(s.get("doctor").get("doctor_id").asString()).isEqualTo(doctorId);
        assertThat(s.get("doctor").get("name").asString()).isEqualTo("Dr " + doctorId);
        assertThat(s.get("doctor").get("dept").asString()).isEqualTo("测试科");
        assertThat(s.get("doctor").has("intro")).isFalse();
        assertThat(s.get("last_seq").asLong()).isEqualTo(2);
        assertThat(s.get("last_msg").get("text").asString()).isEqualTo("请描述症状");
        assertThat(s.get("unread_count").asLong()).isEqualTo(1);
        assertThat(s.get("read_seq").asLong()).isEqualTo(1);
        assertThat(s.get("peer_read_seq").asLong()).isEqualTo(2);
        assertThat(s.get("updated_at").asLong()).isGreaterThanOrEqualTo(s.get("created_at").asLong());
    }

    @Test
    void newestUpdateComesFirstAndPagesFollowTheCursor() throws Exception {
        List<String> opened = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            opened.add(chat.open(Tokens.patient(unique("p" + i)), doctorId));
            Thread.sleep(3);
        }
        // touching the oldest makes it the newest
        chat.doctorSends(doctor, opened.get(0), "bump");
        List<String> expected = List.of(opened.get(0), opened.get(4), opened.get(3), opened.get(2), opened.get(1));

        Reply first = chat.get(Chat.D, "session_list", doctor, "limit=2");
        Reply second = chat.get(Chat.D, "session_list", doctor, "limit=2&cursor=" + first.data().get("next_cursor").asString());
        Reply third = chat.get(Chat.D, "session_list", doctor, "limit=2&cursor=" + second.data().get("next_cursor").asString());
        List<String> seen = new ArrayList<>();
        seen.addAll(Chat.sessionIds(first.data().get("list")));
        seen.addAll(Chat.sessionIds(second.data().get("list")));
        seen.addAll(Chat.sessionIds(third.data().get("list")));
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(third.data().get("next_cursor").isNull()).isTrue();
    }

    @Test
    void onlyTheCallersSessionsAreListed() {
        String mine = Tokens.patient(unique("mine"));
        String theirs = Tokens.patient(unique("theirs"));
        String mySession = chat.open(mine, doctorId);
        chat.open(theirs, doctorId);
        assertThat(Chat.sessionIds(chat.get(Chat.P, "session_list", mine, "").data().get("list"))).containsExactly(mySession);
    }

    @Test
    void forgedOrForeignCursorIs40002() {
        for (int i = 0; i < 3; i++) {
            chat.open(Tokens.patient(unique("p")), doctorId);
        }
        String cursor = chat.get(Chat.D, "session_list", doctor, "limit=1").data().get("next_cursor").asString();
        String otherDoctor = Tokens.doctor(chat.newDoctor(unique("other"), true));
        for (Reply r : List.of(chat.get(Chat.D, "session_list", otherDoctor, "cursor=" + cursor),
                chat.get(Chat.D, "session_list", doctor, "cursor=AAAA.BBBB"),
                chat.get(Chat.D, "session_list", doctor, "cursor=nonsense"))) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.code()).isEqualTo(40002);
        }
    }

    @Test
    void limitIsBounded() {
        for (String q : List.of("limit=0", "limit=101", "limit=x")) {
            Reply r = chat.get(Chat.P, "session_list", Tokens.patient("p1"), q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.msg()).contains("limit");
        }
    }
}
