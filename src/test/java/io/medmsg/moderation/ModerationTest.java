package io.medmsg.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;

import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * The rules of moderation without a database: the word list (Chinese and English, any case), the
 * callback's allow / reject / replace, its signature, and what a timeout or an error means under
 * each on-failure policy.
 */
class ModerationTest {

    private static final byte[] KEY = "the moderation callback's secret".getBytes(StandardCharsets.UTF_8);
    private static final Moderation.Sender PATIENT = new Moderation.Sender("patient", "p1");

    @TempDir
    Path dir;
    private final Callback callback = new Callback();

    @AfterEach
    void stop() {
        callback.close();
    }

    private Moderation moderation(String url, String onFailure) throws Exception {
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "违禁药\nBadWord\n  \n代开处方\n");
        return new Moderation(new ModerationSettings(words, url, url == null ? null
                : "whsec_" + Base64.getEncoder().encodeToString(KEY), Duration.ofMillis(300), onFailure),
                JsonMapper.builder().build());
    }

    private static void assertRefused(Runnable send) {
        assertThatThrownBy(send::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.MODERATION_REFUSED);
            assertThat(e.getMessage()).doesNotContain("违禁药").doesNotContainIgnoringCase("badword");
        });
    }

    @Test
    void listedWordsAreRefusedInAnyCaseAndChineseIncluded() throws Exception {
        Moderation m = moderation(null, "allow");
        assertRefused(() -> m.text(PATIENT, "我想买点违禁药，可以吗"));
        assertRefused(() -> m.text(PATIENT, "this is a BADWORD indeed"));
        assertRefused(() -> m.text(PATIENT, "badwordy"));
        assertRefused(() -> m.card(new Moderation.Sender("doctor", "d1"), "{\"card_type\":\"notice\",\"title\":\"可代开处方\"}"));
        assertThat(m.text(PATIENT, "头疼三天了，吃什么药")).isEqualTo("头疼三天了，吃什么药");
        assertThat(m.text(PATIENT, "a bad word, spaced")).isEqualTo("a bad word, spaced");
    }

    @Test
    void theCallbackAllowsRejectsOrReplacesAndIsSigned() throws Exception {
        Moderation m = moderation(callback.url(), "allow");
        callback.answer = body -> body.contains("reject-me") ? "{\"action\":\"reject\"}"
                : body.contains("replace-me") ? "{\"action\":\"replace\",\"text\":\"[removed]\"}" : "{\"action\":\"allow\"}";
        assertThat(m.text(PATIENT, "fine")).isEqualTo("fine");
        assertRefused(() -> m.text(PATIENT, "please reject-me"));
        assertThat(m.text(PATIENT, "please replace-me")).isEqualTo("[removed]");
        assertRefused(() -> m.card(new Moderation.Sender("doctor", "d1"), "{\"title\":\"replace-me\"}"));

        Callback.Asked asked = callback.asked.getFirst();
        assertThat(asked.body()).contains("\"sender_role\":\"patient\"", "\"sender_id\":\"p1\"", "\"text\":\"fine\"");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String signed = asked.headers().get("webhook-id") + "." + asked.headers().get("webhook-timestamp") + "." + asked.body();
        assertThat(asked.headers().get("webhook-signature")).isEqualTo("v1,"
                + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theWordListDecidesBeforeTheCallbackIsAsked() throws Exception {
        Moderation m = moderation(callback.url(), "allow");
        assertRefused(() -> m.text(PATIENT, "违禁药"));
        assertThat(callback.asked).isEmpty();
    }

    @Test
    void aTimeoutOrAnErrorAllowsUnderAllow() throws Exception {
        Moderation m = moderation(callback.url(), "allow");
        callback.delayMillis = 2_000;
        assertThat(m.text(PATIENT, "slow")).isEqualTo("slow");
        callback.delayMillis = 0;
        callback.answer = body -> null;
        assertThat(m.text(PATIENT, "error")).isEqualTo("error");
        callback.answer = body -> "{\"action\":\"shrug\"}";
        assertThat(m.text(PATIENT, "nonsense")).isEqualTo("nonsense");
    }

    @Test
    void aTimeoutOrAnErrorRefusesUnderReject() throws Exception {
        Moderation m = moderation(callback.url(), "reject");
        callback.delayMillis = 2_000;
        long start = System.nanoTime();
        assertRefused(() -> m.text(PATIENT, "slow"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
        callback.delayMillis = 0;
        callback.answer = body -> null;
        assertRefused(() -> m.text(PATIENT, "error"));
    }

    @Test
    void settingsFailFast() {
        assertThatThrownBy(() -> new ModerationSettings(null, "ftp://x.example/m", "whsec_AAAA", Duration.ofSeconds(2), "allow"))
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> new ModerationSettings(null, "https://x.example/m", null, Duration.ofSeconds(2), "allow"))
                .hasMessageContaining("medmsg.moderation.secret");
        assertThatThrownBy(() -> new ModerationSettings(null, null, null, Duration.ofSeconds(2), "maybe"))
                .hasMessageContaining("allow or reject");
        assertThatThrownBy(() -> new ModerationSettings(dir.resolve("missing.txt"), null, null, Duration.ofSeconds(2), "allow"))
                .hasMessageContaining("words-file");
    }
}
