package io.medmsg.moderation;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/** Moderation through the API (API.md §5): 422/42202 and nothing appended, replace appended, system messages exempt. */
class ModerationApiTest extends ApiTest {

    static final Callback callback = new Callback();

    @DynamicPropertySource
    static void moderation(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry);
        Path words = Files.createTempFile("medmsg-words", ".txt");
        Files.writeString(words, "违禁药\nBadWord\n");
        registry.add("medmsg.moderation.words-file", words::toString);
        registry.add("medmsg.moderation.url", callback::url);
        registry.add("medmsg.moderation.secret", () -> "whsec_" + Base64.getEncoder()
                .encodeToString("a secret for the moderation hook".getBytes()));
        callback.answer = b -> b.contains("reject-me") ? "{\"action\":\"reject\"}"
                : b.contains("replace-me") ? "{\"action\":\"replace\",\"text\":\"[已屏蔽]\"}" : "{\"action\":\"allow\"}";
    }

    @AfterAll
    static void stopCallback() {
        callback.close();
    }

    private Chat chat;
    private Chat.Consultation c;

    @BeforeEach
    void consultation() {
        chat = new Chat(api);
        c = chat.consultation();
    }

    private List<String> texts() {
        return chat.allMessages(c.doctor(), c.sessionId()).stream()
                .map(m -> m.get("text") == null || m.get("text").isNull() ? null : m.get("text").asString()).toList();
    }

    private static void assertRefused(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(422);
        assertThat(r.code()).isEqualTo(42202);
        assertThat(r.msg()).doesNotContain("违禁药").doesNotContainIgnoringCase("badword");
    }

    @Test
    void aListedWordIs42202AndNothingIsAppended() {
        assertRefused(chat.patientSends(c.patient(), c.doctorId(), "我想买违禁药"));
        assertRefused(chat.doctorSends(c.doctor(), c.sessionId(), "That is a BADWORD."));
        assertThat(texts()).containsExactly("您好，我想咨询一下");
    }

    @Test
    void theCallbackRejectsOrReplaces() {
        assertRefused(chat.patientSends(c.patient(), c.doctorId(), "please reject-me"));
        Reply replaced = chat.patientSends(c.patient(), c.doctorId(), "please replace-me", "mod-1");
        assertThat(replaced.status()).as(replaced.raw()).isEqualTo(200);
        assertThat(replaced.data().get("message").get("text").asString()).isEqualTo("[已屏蔽]");
        assertThat(texts()).containsExactly("您好，我想咨询一下", "[已屏蔽]");
        // a resend of the same text is the same message
        Reply again = chat.patientSends(c.patient(), c.doctorId(), "please replace-me", "mod-1");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(again.data().get("message").get("msg_id")).isEqualTo(replaced.data().get("message").get("msg_id"));
    }

    @Test
    void systemMessagesAreNeverModerated() {
        int asked = callback.asked.size();
        Reply notice = api.post("/msg_service/msg/admin/send_system_msg", Tokens.admin("backend"),
                body("session_id", c.sessionId(), "text", "违禁药 reject-me 已停售", "client_msg_id", "n-1"));
        assertThat(notice.status()).as(notice.raw()).isEqualTo(200);
        assertThat(callback.asked).hasSize(asked);
        JsonNode last = chat.allMessages(c.doctor(), c.sessionId()).getLast();
        assertThat(last.get("sender_role").asString()).isEqualTo("system");
    }
}
