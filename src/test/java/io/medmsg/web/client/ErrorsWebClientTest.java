package io.medmsg.web.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.web.ErrorCode;

/**
 * Errors as a patient meets them in the web client: every error code worded in both languages,
 * the server's English only in a folded details line, Retry only where it can succeed, no
 * broken-image icons. A context of its own, so that the server can refuse for real: a word list
 * for moderation, a 1 MB file limit, and a small send rate (2 at once, one more every 2 s).
 */
@Tag("sqlite-only")
class ErrorsWebClientTest extends BrowserTest {

    @DynamicPropertySource
    static void refusingServer(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry);
        Path words = Files.createTempFile("medmsg-words", ".txt");
        Files.writeString(words, "违禁药\n");
        registry.add("medmsg.moderation.words-file", words::toString);
        registry.add("medmsg.storage.max-file-bytes", () -> "1MB");
        registry.add("medmsg.limits.send-rate-per-second", () -> "0.5");
        registry.add("medmsg.limits.send-burst", () -> "2");
    }

    @Test
    void everyErrorCodeHasShortWordsOfItsOwnInBothLanguages() {
        Browser b = browser("patient", 1280, 800);
        b.open(base());
        b.el("#lang-switch");
        for (ErrorCode code : ErrorCode.values()) {
            int status = code.status().value();
            @SuppressWarnings("unchecked")
            Map<String, Object> worded = (Map<String, Object>) b.driver.executeAsyncScript("""
                    const [status, code, msg, done] = arguments;
                    Promise.all([import('./app/errors.js'), import('./app/i18n.js'), import('./app/api.js')]).then(([e, i, a]) => {
                        const err = new a.ApiError(status, code, msg, 'req-1');
                        const before = i.currentLang();
                        i.setLang('zh');
                        const zh = e.errorMessage(err);
                        i.setLang('en');
                        const en = e.errorMessage(err);
                        i.setLang(before);
                        done({ zh, en, detail: e.errorDetail(err), retry: e.retryable(err) });
                    });
                    """, status, code.code(), code.meaning());
            String zh = (String) worded.get("zh");
            String en = (String) worded.get("en");
            assertThat(zh).as("zh for %s", code).matches(".*\\p{IsHan}.*").doesNotContainPattern("[A-Za-z]{4,}")
                    .doesNotContain(code.meaning());
            assertThat(en).as("en for %s", code).isNotBlank().isNotEqualTo(zh).doesNotContain(code.meaning())
                    .doesNotContain("HTTP");
            assertThat((String) worded.get("detail")).as("details of %s", code).contains(code.meaning(), "req-1");
            boolean canSucceedLater = status == 429 || status == 408 || status >= 500;
            assertThat(worded.get("retry")).as("retryable %s", code).isEqualTo(canSucceedLater);
        }
    }

    @Test
    void inChineseTheServersEnglishStaysFoldedAndRetryIsOfferedOnlyWhereItCanSucceed() throws IOException {
        Browser patient = browser("patient", 1280, 800);
        patient.signInAsPatient(base(), unique("p"), "陈小雨", "zh");

        // a doctor who stops taking consultations while the patient writes the first message
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        patient.open(base() + "#/chat/doctor/" + doctorId);
        patient.el("#chat-intro");
        chat.newDoctor(doctorId, false);
        patient.write("医生您好，我眼睛干涩。");
        WebElement notAccepting = failed(patient, 1);
        assertThat(notAccepting.findElement(By.cssSelector(".state.failed")).getText())
                .isEqualTo("发送失败：该医生暂停接诊，暂时无法咨询。");
        // ... and learns it: the composer closes with the reason
        patient.await("the composer closed", d -> !patient.el("#composer-input").isEnabled());
        assertThat(patient.el("#composer-reason").getText()).isEqualTo("该医生暂停接诊新的问诊。");
        notAccepting.findElement(By.cssSelector(".discard")).click();
        patient.await("the refused message discarded", d -> patient.all("#msg-list li.failed").isEmpty());

        patient.open(base() + "#/chat/doctor/d1001");
        patient.el("#chat-intro");
        // moderation: no Retry (it would be refused again), but 重新编辑 puts the text back
        patient.write("我在网上买了违禁药，可以吃吗？");
        WebElement refused = failed(patient, 1);
        assertThat(refused.findElement(By.cssSelector(".state.failed")).getText())
                .isEqualTo("发送失败：消息含有不允许发送的内容，请修改后再发。");
        // a type the server does not take, a "picture" whose bytes are not one, a file over the limit
        patient.el("#file-input").sendKeys(file("病历.txt", "头痛三天".getBytes()).toString());
        failed(patient, 2);
        patient.el("#file-input").sendKeys(file("膝盖.png", Samples.of("application/pdf", 4096)).toString());
        failed(patient, 3);
        patient.el("#file-input").sendKeys(file("CT报告.pdf", Samples.of("application/pdf", 1536 * 1024)).toString());
        failed(patient, 4);
        List<String> said = patient.all("#msg-list li.failed .state.failed").stream().map(WebElement::getText).toList();
        assertThat(said).containsExactly("发送失败：消息含有不允许发送的内容，请修改后再发。",
                "上传失败：不支持此文件类型，或文件内容与类型不符。请发送图片、语音、视频或 PDF。",
                "上传失败：不支持此文件类型，或文件内容与类型不符。请发送图片、语音、视频或 PDF。",
                "上传失败：文件太大（上限 1 MB）。");
        patient.screenshot(Path.of("target/screenshots"), "errors-zh-1280");

        // none of these can succeed by trying again: no Retry; no broken-image icon for the "picture"
        assertThat(patient.all("#msg-list .retry")).isEmpty();
        assertThat(patient.js("return [...document.querySelectorAll('#msg-list img')]"
                + ".filter(i => !i.complete || i.naturalWidth === 0).length")).isEqualTo(0L);
        // the server's words are there, folded: not on screen until asked for
        List<String> details = patient.all("#msg-list .err-details code").stream()
                .map(c -> c.getDomProperty("textContent")).toList();
        assertThat(details).hasSize(4).allMatch(d -> d.matches(".*[a-z]{5,}.*"));
        // (the language switch, labelled "English" in Chinese mode, is the one English word meant)
        String screen = ((String) patient.js("return document.body.innerText")).replace("English", "");
        assertThat(screen).as("what a Chinese reader sees").doesNotContainPattern("[a-z]{5,}");
        details.forEach(d -> assertThat(screen).doesNotContain(d));

        // 重新编辑: the refused text back in the composer
        patient.all("#msg-list li.failed .edit").get(0).click();
        patient.await("the text back in the composer", d -> "我在网上买了违禁药，可以吃吗？".equals(
                patient.el("#composer-input").getDomProperty("value")));
        assertThat(patient.all("#msg-list li.failed")).hasSize(3);
    }

    @Test
    void aRateLimitedSendCanBeRetriedOnceRetryAfterHasPassed() {
        Browser patient = browser("patient", 360, 780);
        patient.signInAsPatient(base(), unique("p"), "王芳", "zh");
        patient.open(base() + "#/chat/doctor/d2001");
        patient.el("#chat-intro");
        patient.write("医生您好。");
        patient.message("mine", "医生您好。", "sent");
        patient.write("我孩子发烧 38.5 度。");
        patient.write("已经两天了。");
        WebElement limited = failed(patient, 1);
        assertThat(limited.findElement(By.cssSelector(".state.failed")).getText()).matches("发送失败：操作太频繁，请 \\d 秒后再试。");
        WebElement retry = limited.findElement(By.cssSelector(".retry"));
        assertThat(retry.isEnabled()).as("Retry before Retry-After has passed").isFalse();
        patient.await("Retry offered once Retry-After has passed", d -> patient.el("#msg-list li.failed .retry").isEnabled());
        patient.click("#msg-list li.failed .retry");
        patient.message("mine", "已经两天了。", "sent");
    }

    private static WebElement failed(Browser b, int count) {
        return b.await(count + " failed items", d -> {
            List<WebElement> failed = b.all("#msg-list li.failed");
            return failed.size() == count ? failed.get(count - 1) : null;
        });
    }

    private static Path file(String name, byte[] bytes) throws IOException {
        Path dir = Files.createTempDirectory("medmsg-upload-");
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        file.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return file;
    }
}
