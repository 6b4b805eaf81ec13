package io.medmsg.web.client;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.Tokens;

/**
 * The screenshots of docs/screenshots (with {@code -Dmedmsg.screenshots=docs/screenshots}; else
 * target/screenshots): every main screen at 1280 and 360 px, in Chinese, with a consultation as
 * it could be (a patient, a gastroenterologist, a report photo, a voice note), never test
 * payloads. The managed consultation's screens come from ConsultationWebClientTest.
 */
@Tag("sqlite-only")
class ScreenshotsWebClientTest extends BrowserTest {

    private static final Path SHOTS = Path.of(System.getProperty("medmsg.screenshots", "target/screenshots"));
    private static final int[] WIDTHS = {1280, 360};

    @Test
    void everyMainScreenAtBothWidths() throws IOException {
        String doctorId = unique("dr");
        Reply put = api.put("/pati_service/manager_service/doctors", Tokens.admin("admin-screens"), body("doctors", List.of(
                body("doctor_id", doctorId, "name", "周明", "title", "主任医师", "dept", "消化内科", "hospital", "协和互联网医院",
                        "intro", "从事消化内科临床工作二十年，擅长慢性胃炎、消化性溃疡、胃食管反流病的诊治。", "accepting", true))));
        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        String patientId = "p" + (100_000 + System.nanoTime() % 900_000); // an id as a hospital's might look
        String patient = Tokens.patient(patientId, "王芳");
        String doctor = Tokens.doctor(doctorId);
        Chat chat = new Chat(api);
        String sessionId = chat.patientSends(patient, doctorId, "周医生您好，我胃痛一周了，饭后更明显，晚上有时会痛醒。")
                .data().get("session_id").asString();
        chat.patientSends(patient, doctorId, "这是上个月做的胃镜报告：");
        sendFile(patient, doctorId, "胃镜报告.png", "image/png", reportPng());
        chat.doctorSends(doctor, sessionId, "您好，看了报告，是慢性浅表性胃炎。平时有没有反酸、烧心？");
        sendFile(patient, doctorId, "语音-6s.webm", "audio/webm", Samples.of("audio/webm", 9000));
        chat.patientSends(patient, doctorId, "有反酸，尤其是吃完甜食以后。");
        chat.doctorSends(doctor, sessionId, "先按时吃药：奥美拉唑 20 mg，每天早饭前半小时一次，连续四周。少吃甜食和辛辣，晚饭不要太晚。");
        chat.doctorSends(doctor, sessionId, "四周后如果还痛，来门诊复查。");
        chat.patientSends(patient, doctorId, "好的，谢谢周医生！");

        Browser p = browser("patient", 1280, 800);
        p.open(base());
        p.useLanguage("zh");
        p.el("#patient-id");
        shoot(p, "signin");
        p.signInAsPatient(base(), patientId, "王芳", "zh");
        p.await("the directory", d -> p.all(".doctor-card").size() == 10);
        shoot(p, "directory");
        p.resize(1280, 800);
        p.click(".doctor-card .intro");
        p.el("#doctor-detail");
        p.screenshot(SHOTS, "directory-detail-1280");

        p.click("#tab-sessions");
        p.click(".session-item[data-session-id='" + sessionId + "']");
        p.message("mine", "好的，谢谢周医生！", "sent");
        p.await("the picture shown", d -> p.all("#msg-list img.msg-image").stream()
                .anyMatch(img -> ((Number) p.js("return arguments[0].naturalWidth", img)).intValue() > 0));
        for (int w : WIDTHS) {
            p.resize(w, w == 360 ? 780 : 800);
            p.js("document.activeElement && document.activeElement.blur();"
                    + "document.getElementById('messages').scrollTop = 1e6");
            p.screenshot(SHOTS, "chat-patient-" + w);
            new Actions(p.driver).contextClick(p.message("mine", "有反酸，尤其是吃完甜食以后。", "sent")
                    .findElement(org.openqa.selenium.By.cssSelector(".bubble.text"))).perform();
            p.click("#msg-menu .menu-recall");
            p.el("#menu-question");
            p.screenshot(SHOTS, "menu-recall-" + w);
            new Actions(p.driver).sendKeys(Keys.ESCAPE).perform();
            p.click("#msg-list .image-open");
            p.await("the picture in the lightbox", d -> ((Number) p.js(
                    "return document.getElementById('lightbox-image').naturalWidth")).intValue() > 0);
            p.screenshot(SHOTS, "lightbox-" + w);
            new Actions(p.driver).sendKeys(Keys.ESCAPE).perform();
        }

        Browser d = browser("doctor", 1280, 800);
        d.signInAsDoctor(base(), doctorId, "zh");
        d.el(".session-item");
        for (int w : WIDTHS) {
            d.resize(w, w == 360 ? 780 : 800);
            if (w == 360 && d.present("#chat-back") && d.el("#chat-back").isDisplayed()) {
                d.click("#chat-back");
            }
            d.el(".session-item");
            d.screenshot(SHOTS, "doctor-sessions-" + w);
            d.click(".session-item[data-session-id='" + sessionId + "']");
            d.message("theirs", "好的，谢谢周医生！", "sent");
            d.screenshot(SHOTS, "chat-doctor-" + w);
            d.click("#quick-toggle");
            d.el("#quick-panel .quick-use");
            d.screenshot(SHOTS, "quick-replies-doctor-" + w);
            d.click("#quick-toggle");
        }

        // the patient: a file the server does not take, said in Chinese; then the list and a deletion
        for (int w : WIDTHS) {
            p.resize(w, w == 360 ? 780 : 800);
            if (w == 360 && !p.present("#composer-input")) {
                p.click(".session-item[data-session-id='" + sessionId + "']");
            }
            if (w == 1280) {
                Path txt = Files.createTempDirectory("screens-").resolve("病历.txt");
                Files.writeString(txt, "胃痛一周");
                p.el("#file-input").sendKeys(txt.toString());
            }
            p.el("#msg-list li.failed");
            p.js("document.activeElement && document.activeElement.blur();"
                    + "document.getElementById('messages').scrollTop = 1e6");
            p.screenshot(SHOTS, "errors-zh-" + w);
        }
        p.click("#msg-list li.failed .discard");
        p.click("#chat-back");
        p.click("#tab-sessions");
        for (int w : WIDTHS) {
            p.resize(w, w == 360 ? 780 : 800);
            p.el(".session-item");
            p.screenshot(SHOTS, "sessions-patient-" + w);
        }
        new Actions(p.driver).contextClick(p.el(".session-item")).perform();
        p.click("#msg-menu .menu-delete");
        p.el("#menu-question");
        p.screenshot(SHOTS, "delete-confirm-360");
        p.click("#msg-menu .menu-confirm-delete");
        p.el("#banner-text");
        p.screenshot(SHOTS, "deleted-360");
        p.resize(1280, 800);
        p.screenshot(SHOTS, "deleted-1280");
    }

    private void shoot(Browser b, String name) {
        for (int w : WIDTHS) {
            b.resize(w, w == 360 ? 780 : 800);
            b.screenshot(SHOTS, name + "-" + w);
        }
    }

    /** A photo of a printed report: a page with a title and lines of Chinese text. */
    private static byte[] reportPng() throws IOException {
        BufferedImage image = new BufferedImage(360, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(232, 228, 218));
        g.fillRect(0, 0, 360, 480);
        g.setColor(Color.WHITE);
        g.fillRect(20, 16, 320, 448);
        g.setColor(new Color(30, 30, 30));
        g.setFont(new Font("Noto Sans CJK SC", Font.BOLD, 20));
        g.drawString("电子胃镜检查报告", 100, 56);
        g.setFont(new Font("Noto Sans CJK SC", Font.PLAIN, 13));
        String[] lines = {"姓名：王芳    性别：女    年龄：38", "检查日期：2026-11-02", "", "镜下所见：",
            "食管黏膜光滑，齿状线清晰。", "胃窦黏膜充血水肿，呈红白相间，", "以红为主，未见溃疡及新生物。",
            "十二指肠球部及降部未见异常。", "", "诊断意见：", "慢性浅表性胃炎", "", "建议：Hp 检测，规律饮食。"};
        int y = 96;
        for (String line : lines) {
            g.drawString(line, 40, y);
            y += 26;
        }
        g.setColor(new Color(190, 40, 40));
        g.drawOval(230, 380, 80, 60);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
