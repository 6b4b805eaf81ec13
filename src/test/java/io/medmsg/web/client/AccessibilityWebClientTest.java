package io.medmsg.web.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.interactions.Actions;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/**
 * axe-core on every main screen of the web client, at 1280 and 360 px, in Chinese: sign-in,
 * directory and a doctor's profile, the conversation (with its menu and a failed send), the
 * consultations list, and the doctor's side with quick replies. No serious or critical violation.
 */
@Tag("sqlite-only")
class AccessibilityWebClientTest extends BrowserTest {

    private final List<String> found = new ArrayList<>();

    private void check(Browser b, String screen) {
        Axe.seriousViolations(b).forEach(v -> found.add(b.who + " / " + screen + ": " + v));
    }

    @Test
    void theMainScreensHaveNoSeriousOrCriticalViolations() {
        String doctorId = "d1003";
        String patientId = unique("p");
        Chat chat = new Chat(api);
        Reply first = chat.patientSends(Tokens.patient(patientId, "黄丽"), doctorId, "医生您好，我胃痛一周了，饭后更明显。");
        String sessionId = first.data().get("session_id").asString();
        chat.doctorSends(Tokens.doctor(doctorId), sessionId, "有没有反酸、烧心？大便颜色正常吗？");

        for (int width : new int[] {1280, 360}) {
            Browser patient = browser("patient " + width, width, width == 360 ? 780 : 800);
            patient.open(base());
            patient.useLanguage("zh");
            patient.el("#demo-form");
            check(patient, "sign-in");
            patient.signInAsPatient(base(), patientId, "黄丽", "zh");
            patient.await("the directory", d -> patient.all(".doctor-card").size() == 10);
            check(patient, "directory");
            if (width == 1280) {
                patient.click(".doctor-card[data-doctor-id=d1001] .intro");
                patient.el("#doctor-detail");
                check(patient, "doctor profile");
            }
            patient.click("#tab-sessions");
            patient.el(".session-item");
            check(patient, "consultations");
            patient.click(".session-item");
            patient.message("theirs", "有没有反酸、烧心？大便颜色正常吗？", "sent");
            check(patient, "conversation");
            new Actions(patient.driver).contextClick(patient.el("#msg-list li.mine .bubble.text")).perform();
            patient.el("#msg-menu");
            check(patient, "message menu");
            new Actions(patient.driver).sendKeys(org.openqa.selenium.Keys.ESCAPE).perform();
            patient.offline(true);
            patient.write("有一点反酸。");
            patient.el("#msg-list li.failed");
            check(patient, "failed send");
            patient.offline(false);
            patient.click("#msg-list li.failed .retry");
            patient.message("mine", "有一点反酸。", "sent");

            Browser doctor = browser("doctor " + width, width, width == 360 ? 780 : 800);
            doctor.signInAsDoctor(base(), doctorId, "zh");
            doctor.el(".session-item");
            check(doctor, "doctor's list");
            doctor.click(".session-item[data-session-id='" + sessionId + "']");
            doctor.message("theirs", "有一点反酸。", "sent");
            doctor.click("#quick-toggle");
            doctor.el("#quick-panel .quick-use");
            check(doctor, "doctor's conversation with quick replies");
        }
        assertThat(found).as("serious or critical axe-core violations").isEmpty();
    }

}
