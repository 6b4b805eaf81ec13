package io.medmsg.web.client;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * The web client served at {@code /}, driven in real (headless) Chromium: a patient and a doctor
 * in two browsers consult through the public API only. Screenshots go to {@code target/screenshots}
 * (docs/screenshots comes from {@link ScreenshotsWebClientTest}).
 * Tagged {@code sqlite-only}: it tests the browser client, which sees only the public API that
 * the API tests check on every database, and it takes about a minute.
 * Longer than our other classes on purpose: each case is one conversation of two browsers told
 * screen by screen, which reads best in one place; the browser plumbing is in {@link Browser}.
 */
@Tag("sqlite-only")
class WebClientTest extends BrowserTest {

    // always target/: these screens show test payloads (markup as text, made-up names); the
    // screenshots for docs/ come from ScreenshotsWebClientTest
    private static final Path SHOTS = Path.of("target/screenshots");


    @Test
    void aPatientAndADoctorConsultInTwoBrowsers() throws Exception {
        String doctorId = "d5001"; // 孙志强, 骨科: no other test writes to this demo doctor
        String patientId = unique("p");
        Browser doctor = browser("doctor", 360, 780);
        Browser patient = browser("patient", 1280, 800);

        // sign-in screens, and the doctor signs in (phone-sized, English)
        doctor.open(base());
        doctor.useLanguage("en");
        doctor.click("#role-doctor");
        doctor.el("#doctor-select");
        doctor.screenshot(SHOTS, "signin-360");
        patient.open(base());
        patient.useLanguage("zh");
        patient.el("#patient-id");
        patient.screenshot(SHOTS, "signin-1280");
        doctor.signInAsDoctor(base(), doctorId, "en");
        doctor.el("#sessions-empty");

        // the patient signs in (desktop, Chinese) and finds the doctor: department filter, paging, search
        patient.signInAsPatient(base(), patientId, "陈小雨", "zh");
        patient.await("the first page of the directory", d -> patient.all(".doctor-card").size() == 10);
        patient.click("#dir-next");
        patient.await("page 2", d -> patient.el("#dir-page").getText().startsWith("第 2 /"));
        new org.openqa.selenium.support.ui.Select(patient.el("#dept-filter")).selectByValue("骨科");
        patient.await("only 骨科 doctors", d -> patient.all(".doctor-card").size() == 1
                && patient.present(".doctor-card[data-doctor-id=" + doctorId + "]"));
        new org.openqa.selenium.support.ui.Select(patient.el("#dept-filter")).selectByValue("");
        patient.el("#dir-search").sendKeys("孙志强\n");
        patient.await("the search to find exactly " + doctorId, d -> patient.all(".doctor-card").size() == 1
                && patient.present(".doctor-card[data-doctor-id=" + doctorId + "]"));
        patient.screenshot(SHOTS, "directory-1280");

        // ... and writes: two lines of text (Shift+Enter), then a picture
        patient.click(".doctor-card[data-doctor-id=" + doctorId + "] .consult");
        patient.await("the conversation with 孙志强", d -> patient.el("#chat-title").getText().equals("孙志强"));
        patient.write("医生您好，我右膝疼了两周。", "上楼梯时更明显。");
        String complaint = "医生您好，我右膝疼了两周。\n上楼梯时更明显。";
        patient.message("mine", complaint, "sent");
        Path png = smallPng();
        patient.el("#file-input").sendKeys(png.toString());
        WebElement sentImage = patient.await("the picture sent and shown",
                d -> patient.all("#msg-list li.mine[data-type=image][data-state=sent] img.msg-image").stream()
                        .filter(img -> ((Number) patient.js("return arguments[0].naturalWidth", img)).intValue() == 160)
                        .findFirst().orElse(null));
        assertThat(sentImage.getDomAttribute("src")).contains("/files/download/");
        String xss = "<img src=x onerror=\"document.title='pwned'\">";
        patient.write(xss);
        patient.message("mine", xss, "sent");

        // the doctor sees the consultation appear, live, with three unread messages
        WebElement item = doctor.await("the new consultation in the doctor's list", d -> {
            List<WebElement> items = doctor.all(".session-item");
            return items.size() == 1 && items.get(0).getText().contains("陈小雨") ? items.get(0) : null;
        });
        doctor.await("the unread badge", d -> doctor.all(".session-item .badge.unread").stream()
                .anyMatch(b -> b.getText().equals("3")));
        doctor.screenshot(SHOTS, "doctor-sessions-360");
        item.click();
        doctor.message("theirs", complaint, "sent");
        doctor.message("theirs", xss, "sent");
        assertThat(doctor.all("#msg-list .bubble img:not(.msg-image)")).as("message text is never markup").isEmpty();
        assertThat(doctor.js("return document.title")).isNotEqualTo("pwned");
        doctor.await("the patient's picture, downloaded", d -> doctor.all("#msg-list li.theirs[data-type=image] img").stream()
                .anyMatch(img -> ((Number) doctor.js("return arguments[0].naturalWidth", img)).intValue() == 160));
        String answer = "您好，先少爬楼梯，冰敷 15 分钟，一天三次。明天来门诊拍个片子。";
        doctor.write(answer);
        doctor.message("mine", answer, "sent");
        doctor.await("the doctor's list read", d -> doctor.all(".badge.unread").isEmpty()
                || doctor.all(".badge.unread").stream().noneMatch(WebElement::isDisplayed));

        // the patient sees the answer, and that the doctor read all three messages
        patient.message("theirs", answer, "sent");
        // (the read state sits under the patient's last message only, not under every one)
        patient.await("the read receipt on the patient's last message", d -> {
            List<WebElement> receipts = patient.all("#msg-list li.mine .receipt");
            return receipts.size() == 1 && receipts.get(0).getDomAttribute("class").contains("read")
                    && receipts.get(0).getText().equals("已读");
        });
        assertThat(patient.message("mine", xss, "sent").findElements(By.cssSelector(".receipt"))).hasSize(1);
        assertThat(patient.message("mine", complaint, "sent").findElements(By.cssSelector(".receipt"))).isEmpty();
        // ... and the doctor sees that the patient read the answer
        doctor.await("a read receipt on the doctor's answer",
                d -> doctor.message("mine", answer, "sent").findElement(By.cssSelector(".receipt")).getText().equals("Read"));
        patient.screenshot(SHOTS, "chat-patient-1280");
        doctor.screenshot(SHOTS, "chat-doctor-360");

        // the patient recalls the first message from its menu (right-click), after a confirmation
        new org.openqa.selenium.interactions.Actions(patient.driver)
                .contextClick(patient.message("mine", complaint, "sent").findElement(By.cssSelector(".bubble.text"))).perform();
        patient.el("#msg-menu .menu-copy");
        patient.click("#msg-menu .menu-recall");
        assertThat(patient.el("#menu-question").getText()).startsWith("撤回这条消息？");
        assertThat(patient.all("#msg-list li.recalled-note")).as("nothing recalled before the confirmation").isEmpty();
        patient.click("#msg-menu .menu-confirm-recall");
        patient.await("the recalled note for the patient", d -> patient.all("#msg-list li.recalled-note").size() == 1);
        assertThat(patient.el("#msg-list li.recalled-note span").getText()).isEqualTo("你撤回了一条消息");
        // 重新编辑: the recalled text back in the composer
        patient.click("#msg-list li.recalled-note .reedit");
        assertThat(patient.el("#composer-input").getDomProperty("value")).isEqualTo(complaint);
        patient.el("#composer-input").clear();
        doctor.await("the recalled note for the doctor", d -> doctor.all("#msg-list li.recalled-note").size() == 1);
        assertThat(doctor.el("#msg-list li.recalled-note").getText()).isEqualTo("陈小雨 recalled a message");
        assertThat(doctor.all("#msg-list li.theirs .bubble.text")).extracting(e -> e.getDomProperty("textContent"))
                .doesNotContain(complaint);
        patient.screenshot(SHOTS, "recalled-patient-1280");
        // all of it came over the event stream, not the long-poll fallback
        patient.awaitLive("sse");
        doctor.awaitLive("sse");

        // the same screens at the other size
        patient.resize(360, 780);
        patient.screenshot(SHOTS, "chat-patient-360");
        patient.click("#chat-back");
        patient.click("#tab-sessions");
        patient.await("the consultation in the patient's list", d -> patient.all(".session-item").size() == 1);
        patient.screenshot(SHOTS, "sessions-patient-360");
        patient.click("#tab-doctors");
        patient.el("#dir-search").clear();
        patient.click("#dir-search-button");
        patient.await("the whole directory again", d -> patient.all(".doctor-card").size() == 10);
        patient.screenshot(SHOTS, "directory-360");
        doctor.resize(1280, 800);
        doctor.screenshot(SHOTS, "doctor-1280");
    }

    @Test
    void withoutAStreamTheClientLongPollsAndPagesBack() {
        String doctorId = "d4002"; // 吴婷, 妇产科
        String patientId = unique("p");
        String patientToken = Tokens.patient(patientId, "王芳");
        Chat chat = new Chat(api);
        Browser doctor = browser("doctor (polling)", 1280, 800);
        doctor.signInAsDoctor(base() + "?transport=poll", doctorId, "zh");
        doctor.awaitLive("poll");
        doctor.el("#sessions-empty");

        // 24 texts, a PDF and a voice note, written before the doctor opens the consultation
        Reply first = chat.patientSends(patientToken, doctorId, "孕 12 周，最近总是恶心，正常吗？");
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        String sessionId = first.data().get("session_id").asString();
        for (int i = 2; i <= 24; i++) {
            chat.patientSends(patientToken, doctorId, "记录 " + i);
        }
        sendFile(patientToken, doctorId, "检查报告.pdf", "application/pdf", Samples.of("application/pdf", 2048));
        sendFile(patientToken, doctorId, "语音.mp3", "audio/mpeg", Samples.of("audio/mpeg", 4096));

        // the consultation arrives by long-polling; its newest 20 messages first, then the earlier ones
        doctor.await("the unread badge", d -> doctor.all(".session-item[data-session-id='" + sessionId + "'] .badge.unread")
                .stream().anyMatch(b -> b.getText().equals("26")));
        doctor.click(".session-item[data-session-id='" + sessionId + "']");
        doctor.await("the newest 20 messages", d -> doctor.all("#msg-list li.msg").size() == 20);
        WebElement pdf = doctor.el("#msg-list li[data-type=file] a.file-link");
        assertThat(pdf.getDomAttribute("href")).contains("/files/download/");
        assertThat(pdf.getDomAttribute("download")).isEqualTo("检查报告.pdf");
        assertThat(pdf.getText()).contains("检查报告.pdf");
        doctor.el("#msg-list li[data-type=voice] .voice-play");
        WebElement voice = doctor.all("#msg-list li[data-type=voice] audio").get(0);
        assertThat(voice.getDomAttribute("src")).contains("/files/download/");
        doctor.click("#load-earlier");
        doctor.await("all 26 messages, in order", d -> doctor.all("#msg-list li.msg").size() == 26);
        assertThat(doctor.all("#msg-list li.msg")).extracting(li -> Long.parseLong(li.getDomAttribute("data-seq")))
                .isSorted().startsWith(1L).endsWith(26L);
        doctor.await("no more earlier messages", d -> !d.findElement(By.id("load-earlier")).isDisplayed());
        doctor.message("theirs", "孕 12 周，最近总是恶心，正常吗？", "sent");

        // a message while the conversation is open, an answer, and the patient's read receipt
        chat.patientSends(patientToken, doctorId, "每天早上吐两次。");
        doctor.message("theirs", "每天早上吐两次。", "sent");
        doctor.write("早孕反应很常见，少量多餐，注意补水。");
        doctor.message("mine", "早孕反应很常见，少量多餐，注意补水。", "sent");
        JsonNode list = api.get(Chat.P + "msg_list?session_id=" + sessionId, patientToken).data().get("list");
        assertThat(list.get(list.size() - 1).get("text").asString()).isEqualTo("早孕反应很常见，少量多餐，注意补水。");
        long replySeq = list.get(list.size() - 1).get("seq").asLong();
        Reply read = api.post(Chat.P + "mark_read", patientToken, body("session_id", sessionId, "seq", replySeq));
        assertThat(read.status()).as(read.raw()).isEqualTo(200);
        doctor.await("the read receipt, learnt by polling", d -> doctor.message("mine", "早孕反应很常见，少量多餐，注意补水。", "sent")
                .findElement(By.cssSelector(".receipt")).getText().equals("已读"));
        doctor.awaitLive("poll");
    }

    @Test
    void aFailedSendSaysWhyAndItsRetryKeepsTheClientMsgId() {
        String patientId = unique("p");
        Browser patient = browser("patient", 1280, 800);
        patient.signInAsPatient(base(), patientId, "Li Lei", "en");

        // a doctor who takes no new consultations cannot be consulted: the button says so, disabled
        patient.el("#dir-search").sendKeys("郑红\n");
        WebElement paused = patient.el(".doctor-card[data-doctor-id=d6001] .consult");
        assertThat(paused.isEnabled()).isFalse();
        assertThat(paused.getText()).isEqualTo("Not accepting");
        assertThat(paused.getDomAttribute("aria-label")).isEqualTo("Dr 郑红 is not accepting consultations");

        // no network: the message waits as failed; once back, Retry sends it with the same client_msg_id
        patient.el("#dir-search").clear();
        patient.el("#dir-search").sendKeys("黄磊\n");
        patient.click(".doctor-card[data-doctor-id=d3002] .consult");
        patient.await("the conversation with 黄磊", d -> patient.el("#chat-title").getText().equals("黄磊"));
        patient.offline(true);
        patient.write("My skin itches at night.");
        WebElement failed = patient.await("the failed message", d -> patient.el("#msg-list li.failed"));
        assertThat(failed.findElement(By.cssSelector(".state.failed")).getText())
                .isEqualTo("Not sent: Cannot reach the server. Check the network connection.");
        String clientMsgId = failed.getDomAttribute("data-client-msg-id");
        patient.screenshot(SHOTS, "failed-1280");
        patient.offline(false);
        failed.findElement(By.cssSelector(".retry")).click();
        WebElement sent = patient.message("mine", "My skin itches at night.", "sent");
        assertThat(sent.getDomAttribute("data-client-msg-id")).isEqualTo(clientMsgId);

        String token = Tokens.patient(patientId);
        JsonNode list = api.get(Chat.P + "msg_list?doctor_id=d3002", token).data().get("list");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("client_msg_id").asString()).isEqualTo(clientMsgId);

        // the patient removes the consultation from the list; the doctor still has the record
        patient.click("#tab-sessions");
        // 删除 is in the row's menu (right-click here; a long press on a phone), with a question first
        assertThat(patient.all(".session-item button")).extracting(WebElement::getText).noneMatch(t -> t.equals("Delete"));
        new org.openqa.selenium.interactions.Actions(patient.driver).contextClick(patient.el(".session-item")).perform();
        patient.click("#msg-menu .menu-delete");
        assertThat(patient.el("#menu-question").getText()).contains("the doctor and the hospital keep the whole record");
        patient.click("#msg-menu .menu-confirm-delete");
        patient.el("#sessions-empty");
        patient.el("#chat-empty");
        assertThat(patient.el("#banner").getDomAttribute("data-kind")).isEqualTo("notice");
        assertThat(patient.el("#banner-text").getText()).startsWith("Removed from your list. The doctor and the hospital keep the whole record;");
        // consulting the same doctor again: the empty history is explained, before and after a new message
        patient.click("#tab-doctors");
        patient.click(".doctor-card[data-doctor-id=d3002] .consult");
        patient.await("the deletion explained", d -> patient.el("#deleted-note").getText().startsWith("You deleted your conversation"));
        patient.write("The itching is better now.");
        patient.message("mine", "The itching is better now.", "sent");
        assertThat(patient.el("#deleted-note").isDisplayed()).isTrue();
        String sessionId = list.get(0).get("session_id").asString();
        // the doctor still has the whole record: the message before the deletion and the one after
        assertThat(api.get(Chat.D + "msg_list?session_id=" + sessionId, Tokens.doctor("d3002")).data().get("list"))
                .hasSize(2);
    }

    @Test
    void anUploadShowsItsProgress() throws Exception {
        Browser patient = browser("patient (slow uplink)", 1280, 800);
        patient.signInAsPatient(base(), unique("p"), "Han Meimei", "en");
        patient.el("#dir-search").sendKeys("刘芳\n");
        patient.click(".doctor-card[data-doctor-id=d2001] .consult");
        patient.await("the conversation with 刘芳", d -> patient.el("#chat-title").getText().equals("刘芳"));
        Path big = noisePng(1000, 800); // about 2.4 MB: noise does not compress
        patient.uplink(800 * 1024);
        patient.el("#file-input").sendKeys(big.toString());
        patient.el("#msg-list li.pending");
        // progress bar and label read in one go: the pending item is redrawn as the upload moves
        patient.await("upload progress between 0 and 100%, labelled", d -> {
            String seen = (String) patient.js("const li = document.querySelector('#msg-list li.pending');"
                    + "const p = li && li.querySelector('progress'); const s = li && li.querySelector('.state');"
                    + "return p && s ? p.value + '|' + s.textContent : ''");
            String[] parts = seen.split("\\|", 2);
            return parts.length == 2 && Double.parseDouble(parts[0]) > 0 && Double.parseDouble(parts[0]) < 100
                    && parts[1].trim().matches("Uploading \\d+%");
        });
        patient.screenshot(SHOTS, "upload-progress-1280");
        patient.uplink(-1);
        patient.await("the picture sent and shown", d -> patient.all("#msg-list li.mine[data-type=image] img.msg-image")
                .stream().anyMatch(img -> ((Number) patient.js("return arguments[0].naturalWidth", img)).intValue() == 1000));
    }

    @Test
    void aPastedTokenSignsInForThisTabOnly() {
        Browser doctor = browser("doctor (token)", 1280, 800);
        doctor.open(base());
        doctor.useLanguage("en");
        doctor.el("#demo-form");
        doctor.click("#token-box summary");

        doctor.el("#token-input").sendKeys("not-a-token");
        doctor.click("#token-signin");
        doctor.await("the unreadable token refused", d -> doctor.el("#signin-error").getText()
                .equals("This is not a readable JWT."));
        // ... next to the token field, which names it as its description
        assertThat(doctor.all("#token-box #signin-error")).hasSize(1);
        assertThat(doctor.el("#token-input").getDomAttribute("aria-describedby")).isEqualTo("signin-error");
        String forged = Tokens.hs256(Tokens.claims("d2003", "doctor").build(), "another-secret-of-at-least-thirty-two-bytes");
        doctor.el("#token-input").clear();
        doctor.el("#token-input").sendKeys(forged);
        doctor.click("#token-signin");
        doctor.await("the server's refusal", d -> doctor.el("#signin-error").getText().startsWith("Could not sign in: ")
                && doctor.el("#signin-error").getText().length() > "Could not sign in: ".length());

        String token = Tokens.hs256(Tokens.claims("d2003", "doctor").claim("name", "杨静").build());
        doctor.el("#token-input").clear();
        doctor.el("#token-input").sendKeys(token);
        doctor.click("#token-signin");
        doctor.el("#sessions");
        assertThat(doctor.el("#who").getText()).isEqualTo("杨静 · Doctor");
        assertThat(doctor.driver.getCurrentUrl()).doesNotContain(token);
        assertThat(doctor.js("return sessionStorage.getItem('medmsg.auth')").toString()).contains(token);

        // a reload keeps the sign-in (same tab); the language switch relabels the running app
        doctor.driver.navigate().refresh();
        doctor.el("#sessions");
        doctor.useLanguage("zh");
        assertThat(doctor.el("#tab-sessions").getText()).startsWith("问诊列表");
        doctor.click("#sign-out");
        doctor.el("#demo-form");
        assertThat(doctor.js("return sessionStorage.getItem('medmsg.auth')")).isNull();
    }

    /** A valid PNG of random pixels (so, about width x height x 3 bytes). */
    private static Path noisePng(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        Path file = Files.createTempFile("noise-", ".png");
        ImageIO.write(image, "png", file.toFile());
        file.toFile().deleteOnExit();
        return file;
    }

    /** A small valid PNG: 160x120, a gradient and a few lines of "film". */
    private static Path smallPng() throws IOException {
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(20, 30, 45), 160, 120, new Color(70, 90, 110)));
        g.fillRect(0, 0, 160, 120);
        g.setColor(new Color(225, 230, 235));
        g.fillRoundRect(62, 8, 18, 50, 8, 8);   // femur
        g.fillRoundRect(64, 62, 16, 52, 8, 8);  // tibia
        g.fillOval(58, 52, 28, 14);             // knee
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        g.drawString("R", 12, 20);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        Path file = Files.createTempFile("knee-", ".png");
        Files.write(file, out.toByteArray());
        file.toFile().deleteOnExit();
        return file;
    }
}
