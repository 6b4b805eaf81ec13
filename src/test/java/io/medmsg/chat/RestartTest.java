package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.medmsg.MedMsgApplication;
import io.medmsg.support.Api;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/** A graceful stop and start keeps sessions, messages, read state and deletions. */
class RestartTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(MedMsgApplication.class).run("--medmsg.data-dir=" + dataDir,
                "--server.port=0", "--medmsg.auth.hs256-secret=" + Tokens.SECRET);
    }

    private static Api api(ConfigurableApplicationContext context) {
        return new Api(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    @Test
    void everythingIsThereAfterARestart() {
        String patient = Tokens.patient("restart-p", "王五");
        String other = Tokens.patient("restart-q");
        String doctor = Tokens.doctor("d2001");
        String sessionId;
        String hiddenId;
        try (ConfigurableApplicationContext context = start()) {
            Chat chat = new Chat(api(context));
            sessionId = chat.open(patient, "d2001");
            chat.doctorSends(doctor, sessionId, "answer one");
            chat.doctorSends(doctor, sessionId, "answer two");
            chat.post(Chat.P, "mark_read", patient, body("session_id", sessionId, "seq", 2));
            hiddenId = chat.open(other, "d2001");
            chat.post(Chat.P, "session_del", other, body("session_id", hiddenId));
            chat.patientSends(patient, "d2001", "same", "resend-key");
        }
        try (ConfigurableApplicationContext context = start()) {
            Chat chat = new Chat(api(context));
            JsonNode s = chat.get(Chat.P, "session_list", patient, "").data().get("list").get(0);
            assertThat(s.get("session_id").asString()).isEqualTo(sessionId);
            assertThat(s.get("last_seq").asLong()).isEqualTo(4);
            assertThat(s.get("read_seq").asLong()).isEqualTo(4);
            assertThat(s.get("patient_name").asString()).isEqualTo("王五");
            assertThat(Chat.texts(chat.get(Chat.P, "msg_list", patient, "session_id=" + sessionId).data().get("list")))
                    .containsExactly("您好，我想咨询一下", "answer one", "answer two", "same");
            assertThat(chat.get(Chat.P, "session_list", other, "").data().get("list").size()).isZero();
            assertThat(chat.patientSends(patient, "d2001", "same", "resend-key").data().get("message").get("seq").asLong())
                    .isEqualTo(4);
            JsonNode doctorView = chat.get(Chat.D, "session_list", doctor, "").data().get("list");
            assertThat(Chat.sessionIds(doctorView)).contains(sessionId, hiddenId);
        }
    }
}
