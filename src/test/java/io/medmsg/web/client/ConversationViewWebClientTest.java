package io.medmsg.web.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/**
 * The conversation as the messaging apps patients know draw it: avatars, one sender's messages
 * grouped, centred time separators, the read state under the last own message only, pictures in
 * a lightbox (keyboard and swipe) instead of a new tab.
 */
@Tag("sqlite-only")
class ConversationViewWebClientTest extends BrowserTest {

    @Test
    void messagesAreGroupedUnderAvatarsAndPicturesOpenInALightbox() throws IOException {
        String doctorId = "d2002"; // 陈晨, 儿科
        String patientId = unique("p");
        String patientToken = Tokens.patient(patientId, "赵敏");
        Chat chat = new Chat(api);
        Reply first = chat.patientSends(patientToken, doctorId, "陈医生您好，孩子昨晚开始咳嗽。");
        String sessionId = first.data().get("session_id").asString();
        chat.patientSends(patientToken, doctorId, "这是今天早上拍的咽喉和皮疹照片：");
        sendPicture(patientToken, doctorId, "咽喉.png", new Color(190, 70, 70), 200);
        sendPicture(patientToken, doctorId, "皮疹.png", new Color(220, 150, 120), 180);
        chat.doctorSends(Tokens.doctor(doctorId), sessionId, "看照片是咽喉有些红，体温多少？");
        chat.doctorSends(Tokens.doctor(doctorId), sessionId, "有没有精神差、呼吸急促？");

        Browser patient = browser("patient", 1280, 800);
        patient.signInAsPatient(base(), patientId, "赵敏", "zh");
        patient.open(base() + "#/chat/" + sessionId);
        patient.await("six messages", d -> patient.all("#msg-list li.msg").size() == 6);

        // one separator (all within five minutes), then two runs: the patient's four, the doctor's two
        assertThat(patient.all("#msg-list li.time-sep")).hasSize(1);
        assertThat(patient.el("#msg-list li:first-child").getDomAttribute("class")).isEqualTo("time-sep");
        List<WebElement> messages = patient.all("#msg-list li.msg");
        assertThat(messages).extracting(li -> li.getDomAttribute("class").contains("grouped"))
                .containsExactly(false, true, true, true, false, true);
        assertThat(messages.get(0).findElement(By.cssSelector(".msg-avatar")).isDisplayed()).isTrue();
        assertThat(messages.get(4).findElement(By.cssSelector(".msg-avatar")).getText()).isEqualTo("陈");
        // an empty composer shows no scrollbar
        assertThat(patient.js("const c = document.getElementById('composer-input');"
                + "return getComputedStyle(c).overflowY + ' ' + (c.scrollHeight <= c.clientHeight)")).isEqualTo("hidden true");
        // no clock time and no read state under every message: the receipt under the last own one only
        assertThat(patient.all("#msg-list li.msg .meta time")).isEmpty();
        assertThat(patient.all("#msg-list li.msg .receipt")).hasSize(1);
        assertThat(messages.get(3).findElements(By.cssSelector(".receipt"))).hasSize(1);

        // a gap of five minutes or more gets a separator of its own (the timeline, with made-up times)
        Object seps = patient.driver.executeAsyncScript("""
                const done = arguments[0];
                import('./app/timeline.js').then(tl => {
                    const at = 1_700_000_000_000;
                    const m = (seq, min, who) => ({ seq, created_at: at + min * 60_000, sender_role: who, msg_type: 'text' });
                    const list = tl.timeline([m(1, 0, 'patient'), m(2, 4, 'patient'), m(3, 9, 'patient'), m(4, 10, 'doctor')], 'patient');
                    done(list.map(e => e.sep ? 'sep' : (e.grouped ? 'g' : 'm') + e.message.seq).join(' '));
                });
                """);
        assertThat(seps).isEqualTo("sep m1 g2 sep m3 m4");

        // the first picture, tapped: in a lightbox, not a new tab; → and ← and a swipe move, Esc closes
        patient.await("the pictures loaded", d -> patient.all("#msg-list img.msg-image").stream()
                .allMatch(img -> ((Number) patient.js("return arguments[0].naturalWidth", img)).intValue() > 0)
                && patient.all("#msg-list img.msg-image").size() == 2);
        patient.all("#msg-list .image-open").get(0).click();
        patient.el("#lightbox");
        assertThat(patient.el("#lightbox-count").getText()).isEqualTo("1 / 2");
        patient.await("the picture full size", d -> ((Number) patient.js(
                "return document.getElementById('lightbox-image').naturalWidth")).intValue() == 200);
        new Actions(patient.driver).sendKeys(Keys.ARROW_RIGHT).perform();
        patient.await("the second picture", d -> patient.el("#lightbox-count").getText().equals("2 / 2"));
        new Actions(patient.driver).sendKeys(Keys.ARROW_LEFT).perform();
        patient.await("the first picture again", d -> patient.el("#lightbox-count").getText().equals("1 / 2"));
        WebElement picture = patient.el("#lightbox-image");
        new Actions(patient.driver).moveToElement(picture).clickAndHold().moveByOffset(-120, 0).release().perform();
        patient.await("swiped to the second picture", d -> patient.el("#lightbox-count").getText().equals("2 / 2"));
        new Actions(patient.driver).sendKeys(Keys.ESCAPE).perform();
        patient.await("the lightbox closed", d -> !patient.present("#lightbox"));
        assertThat(patient.driver.getWindowHandles()).hasSize(1);
        assertThat(patient.consoleErrors()).noneMatch(e -> e.contains("Content Security Policy"));
    }

    private void sendPicture(String token, String doctorId, String name, Color color, int width) throws IOException {
        BufferedImage image = new BufferedImage(width, 150, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, 150);
        g.setColor(Color.WHITE);
        g.fillOval(width / 3, 40, width / 3, 70);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        sendFile(token, doctorId, name, "image/png", out.toByteArray());
    }
}
