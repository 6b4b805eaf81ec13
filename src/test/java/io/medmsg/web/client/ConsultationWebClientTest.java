package io.medmsg.web.client;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Chat;
import io.medmsg.support.Consult;
import io.medmsg.support.Tokens;

/**
 * Consultations in the web client (managed mode): the hospital's back end opens one through the
 * API, the doctor sees it waiting at the top of the list, accepts, both write, the doctor sends a
 * card and closes with a summary, and the patient's composer closes with the reason. Screenshots
 * as in {@link WebClientTest}. Tagged {@code sqlite-only} like it: the browser sees only the
 * public API, which the API tests check on every database.
 */
@Tag("sqlite-only")
class ConsultationWebClientTest extends BrowserTest {

    private static final Path SHOTS = Path.of(System.getProperty("medmsg.screenshots", "target/screenshots"));
    private static final String DOCTOR = "d1001"; // 王建国, 内科

    @DynamicPropertySource
    static void managed(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.consultations.mode", () -> "managed");
    }

    private Consult consult;
    private Chat chat;

    @BeforeEach
    void fixtures() {
        consult = new Consult(api);
        chat = new Chat(api);
    }

    @Test
    void theDoctorAcceptsAWaitingConsultationAndClosesItWithASummary() {
        // after payment the back end opens 李娜's consultation with her intake card
        String patientId = unique("p");
        String sessionId = consult.opened("patient_id", patientId, "patient_name", "李娜", "doctor_id", DOCTOR,
                "order_no", unique("HIS-20261203-"), "kind", "图文问诊", "rounds_limit", 20, "accept_within_s", 3600,
                "duration_s", 86400, "intake", intake()).get("session_id").asString();
        // ... and, later, another patient writes in an active one: newer, yet listed below the waiting one
        String otherPatient = unique("p");
        String otherSession = consult.opened("patient_id", otherPatient, "patient_name", "张伟", "doctor_id", DOCTOR,
                "order_no", unique("HIS-20261203-"), "kind", "图文问诊", "intake",
                Consult.card("intake", "主诉：血压控制不佳", "body", "服用氨氯地平两个月，血压仍在 150/95 左右")).get("session_id").asString();
        assertThat(consult.accept(Tokens.doctor(DOCTOR), otherSession).status()).isEqualTo(200);
        Reply other = chat.patientSends(Tokens.patient(otherPatient, "张伟"), DOCTOR, "王医生，这两天早上血压 152/96，需要加药吗？");
        assertThat(other.status()).as(other.raw()).isEqualTo(200);

        // the doctor sees it waiting, first, with the badge
        Browser doctor = browser("doctor", 1280, 800);
        doctor.signInAsDoctor(base(), DOCTOR, "zh");
        doctor.await("both consultations listed", d -> doctor.all(".session-item").size() == 2);
        List<WebElement> items = doctor.all(".session-item");
        assertThat(items.get(0).getDomAttribute("data-session-id")).isEqualTo(sessionId);
        assertThat(items.get(0).findElement(By.cssSelector(".badge.waiting")).getText()).isEqualTo("待接诊");
        assertThat(items.get(1).getDomAttribute("data-session-id")).isEqualTo(otherSession);
        assertThat(items.get(1).findElements(By.cssSelector(".badge.waiting"))).isEmpty();
        // the empty pane speaks to a doctor, not to a patient
        assertThat(doctor.el("#chat-empty").getText()).isEqualTo("选择左侧的一个问诊，查看患者的情况并回复。");
        items.get(0).click();

        // the patient's name and intake in the header, in view while the messages scroll
        doctor.await("the intake in the header", d -> doctor.el("#chat-intake").getText().contains("主诉：咳嗽三天，夜间加重"));
        assertThat(doctor.el("#chat-title").getText()).isEqualTo("李娜");
        assertThat(doctor.all("#chat-intake .intake-field")).extracting(WebElement::getText)
                .containsExactly("年龄 34 岁", "过敏史 青霉素", "既往史 无", "体温 36.8 ℃");

        // the opened notice, centred, and the intake card with its fields
        WebElement opened = doctor.el("#msg-list li.notice [data-event='consultation.opened']");
        assertThat(opened.getText()).isEqualTo("图文问诊已开始，等待医生接诊（可提问 20 次）");
        assertCentred(doctor, doctor.el("#msg-list li.notice"));
        WebElement intake = doctor.el("#msg-list li.card [data-card-type=intake]");
        assertThat(intake.findElement(By.cssSelector(".card-kind")).getText()).isEqualTo("病情描述");
        assertThat(intake.findElement(By.cssSelector(".card-title")).getText()).isEqualTo("主诉：咳嗽三天，夜间加重");
        assertThat(intake.findElements(By.cssSelector(".card-fields dt"))).extracting(WebElement::getText)
                .containsExactly("年龄", "过敏史", "既往史", "体温");
        assertThat(intake.findElements(By.cssSelector(".card-fields dd"))).extracting(WebElement::getText)
                .containsExactly("34 岁", "青霉素", "无", "36.8 ℃");
        assertThat(doctor.el("#consult-status").getText()).isEqualTo("图文问诊 · 待接诊");
        assertThat(doctor.el("#consult-detail").getText()).matches("请在 (59 分钟|1 小时) 内接诊");
        doctor.screenshot(SHOTS, "consult-waiting-doctor-1280");

        // a reply before accepting is refused, in words
        doctor.write("您好，请问有没有发热？");
        WebElement refused = doctor.await("the refused reply", d -> doctor.el("#msg-list li.failed"));
        assertThat(refused.findElement(By.cssSelector(".state.failed")).getText()).isEqualTo("发送失败：请先接诊，再回复患者。");
        refused.findElement(By.cssSelector(".discard")).click();

        // the patient, on a phone, sees it waiting too, and may cancel it (she does not)
        Browser patient = browser("patient", 360, 780);
        patient.signInAsPatient(base(), patientId, "李娜", "zh");
        patient.click("#tab-sessions");
        patient.click(".session-item[data-session-id='" + sessionId + "']");
        patient.await("the waiting state", d -> patient.el("#consult-status").getText().equals("图文问诊 · 待接诊"));
        patient.el("#consult-cancel");

        // the doctor accepts; both see it active, the patient with time and rounds left
        doctor.click("#consult-accept");
        doctor.await("the consultation active", d -> doctor.el("#consult-status").getText().equals("图文问诊 · 问诊中"));
        doctor.await("the accepted notice", d -> doctor.el("#msg-list [data-event='consultation.accepted']").getText()
                .equals("医生已接诊，问诊开始"));
        patient.await("the consultation active for the patient",
                d -> patient.el("#consult-status").getText().equals("图文问诊 · 问诊中"));
        assertThat(patient.all("#consult-cancel")).isEmpty();
        patient.await("time and rounds left", d -> patient.el("#consult-detail").getText()
                .matches("剩余 23 小时 59 分钟 · 还可提问 20/20 次|剩余 1 天 · 还可提问 20/20 次"));

        // both write; each of the patient's messages is a round
        String question = "王医生您好，咳嗽三天了，晚上咳得睡不着，痰是黄色的。";
        patient.write(question);
        patient.message("mine", question, "sent");
        patient.await("a round used", d -> patient.el("#consult-detail").getText().endsWith("还可提问 19/20 次"));
        doctor.message("theirs", question, "sent");
        String answer = "黄痰提示可能有细菌感染。先多喝温水，我给您开点止咳化痰的药。";
        doctor.write(answer);
        patient.message("theirs", answer, "sent");
        patient.screenshot(SHOTS, "consult-active-patient-360");

        // quick replies: one tap puts a phrase in the composer; the doctor saves one of their own
        doctor.click("#quick-toggle");
        doctor.click("#quick-panel .quick-use[aria-label='使用常用语：请问有没有药物过敏史？']");
        assertThat(doctor.el("#composer-input").getDomProperty("value")).isEqualTo("请问有没有药物过敏史？");
        assertThat(doctor.all("#quick-panel").get(0).isDisplayed()).isFalse();
        doctor.el("#composer-input").clear();
        doctor.el("#composer-input").sendKeys("每天早晚各量一次体温，记下来发给我。");
        doctor.click("#quick-toggle");
        doctor.click("#quick-add");
        doctor.await("the new quick reply listed", d -> doctor.all("#quick-panel .quick-use").stream()
                .anyMatch(b -> b.getText().equals("每天早晚各量一次体温，记下来发给我。")));
        assertThat((String) doctor.js("return localStorage.getItem(arguments[0])", "medmsg.quickReplies." + DOCTOR))
                .contains("每天早晚各量一次体温，记下来发给我。");
        doctor.click("#quick-toggle");
        doctor.el("#composer-input").clear();

        // the doctor sends a prescription card
        doctor.click("#consult-card");
        new Select(doctor.el("#card-type")).selectByValue("prescription");
        doctor.el("#card-title").sendKeys("处方：止咳化痰");
        doctor.el("#card-body").sendKeys("氨溴索口服溶液 10 ml，一日三次，饭后服用，连服 5 天。");
        doctor.click("#card-submit");
        WebElement rx = doctor.el("#msg-list li.card.mine [data-card-type=prescription]");
        assertThat(rx.findElement(By.cssSelector(".card-title")).getText()).isEqualTo("处方：止咳化痰");
        assertThat(doctor.all("#card-form")).isEmpty();
        patient.await("the prescription for the patient", d -> patient.all("#msg-list li.card.theirs [data-card-type=prescription]")
                .size() == 1);

        // the back end's notice card with a link, which opens apart from the client
        Reply notice = api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", sessionId, "client_msg_id",
                unique("rx-audit-"), "card", Consult.card("notice", "处方已审核", "body", "药师已审核通过，药品将于今日发出。",
                        "link", body("url", "https://hospital.example/orders/1", "text", "查看订单"))));
        assertThat(notice.status()).as(notice.raw()).isEqualTo(200);
        WebElement link = doctor.el("#msg-list li.card [data-card-type=notice] a.card-link");
        assertThat(link.getText()).isEqualTo("查看订单");
        assertThat(link.getDomAttribute("href")).isEqualTo("https://hospital.example/orders/1");
        assertThat(link.getDomAttribute("target")).isEqualTo("_blank");
        assertThat(link.getDomAttribute("rel")).isEqualTo("noopener noreferrer");
        doctor.screenshot(SHOTS, "card-doctor-1280");
        doctor.resize(360, 780);
        doctor.el("#consult-close");
        doctor.screenshot(SHOTS, "card-doctor-360");
        doctor.resize(1280, 800);

        // the doctor closes with a summary card
        doctor.click("#consult-close");
        assertThat(doctor.el("#close-title").getDomProperty("value")).isEqualTo("问诊小结");
        doctor.el("#close-body").sendKeys("考虑急性支气管炎。按处方服药，多饮温水，避免辛辣；三天后仍咳嗽或出现发热请到门诊复诊。");
        doctor.screenshot(SHOTS, "consult-close-doctor-1280");
        doctor.click("#close-submit");
        doctor.await("the consultation closed", d -> doctor.el("#consult-status").getText().equals("图文问诊 · 已结束"));
        doctor.el("#msg-list li.card.mine [data-card-type=summary]");

        // the patient sees the summary and the notice, and can no longer write
        WebElement summary = patient.el("#msg-list li.card.theirs [data-card-type=summary]");
        assertThat(summary.findElement(By.cssSelector(".card-title")).getText()).isEqualTo("问诊小结");
        assertThat(summary.findElement(By.cssSelector(".card-body")).getText()).startsWith("考虑急性支气管炎。");
        patient.await("the closed notice", d -> patient.el("#msg-list [data-event='consultation.closed']").getText()
                .equals("医生已结束本次问诊"));
        patient.await("the composer closed", d -> !patient.el("#composer-input").isEnabled());
        assertThat(patient.el("#composer-reason").getText()).isEqualTo("本次问诊已结束，不能再发送消息。如需继续咨询，请重新预约问诊。");
        assertThat(patient.el("#send-button").isEnabled()).isFalse();
        assertThat(patient.el("#consult-status").getText()).isEqualTo("图文问诊 · 已结束");
        patient.screenshot(SHOTS, "consult-closed-patient-360");
        patient.resize(1280, 800);
        patient.el("#msg-list li.card.theirs [data-card-type=summary]");
        patient.screenshot(SHOTS, "consult-closed-patient-1280");

        // in English, the same state in English words
        patient.useLanguage("en");
        patient.await("the reason in English", d -> patient.el("#composer-reason").getText()
                .equals("This consultation is closed: you can no longer write. Book a new consultation to continue."));
        assertThat(patient.el("#msg-list [data-event='consultation.closed']").getText()).isEqualTo("The doctor closed the consultation");
        assertThat(patient.el("#consult-status").getText()).isEqualTo("图文问诊 · Closed");
        assertThat(patient.el("#composer-input").isEnabled()).isFalse();
    }

    @Test
    void aPatientCancelsAWaitingConsultationAndCanNoLongerWrite() {
        String patientId = unique("p");
        String sessionId = opened(patientId, "刘洋", "d1002", 20);
        Browser patient = browser("patient", 360, 780);
        patient.signInAsPatient(base(), patientId, "刘洋", "zh");
        patient.click("#tab-sessions");
        patient.click(".session-item[data-session-id='" + sessionId + "']");
        assertThat(patient.el("#composer-input").isEnabled()).as("she may write while it waits").isTrue();
        patient.click("#consult-cancel");
        patient.click("#consult-cancel-confirm");
        patient.await("the consultation cancelled", d -> patient.el("#consult-status").getText().equals("图文问诊 · 已取消"));
        patient.await("the cancelled notice", d -> patient.el("#msg-list [data-event='consultation.cancelled']").getText()
                .equals("您已取消本次问诊"));
        patient.await("the composer closed", d -> !patient.el("#composer-input").isEnabled());
        assertThat(patient.el("#composer-reason").getText()).isEqualTo("本次问诊已取消，不能再发送消息。");
        assertThat(consult.current(Chat.P, Tokens.patient(patientId), sessionId).get("status").asString()).isEqualTo("cancelled");
    }

    @Test
    void theComposerClosesWhenTheRoundsAreUsedUp() {
        String patientId = unique("p");
        String sessionId = opened(patientId, "赵磊", "d1002", 1);
        assertThat(consult.accept(Tokens.doctor("d1002"), sessionId).status()).isEqualTo(200);
        Browser patient = browser("patient", 1280, 800);
        patient.signInAsPatient(base(), patientId, "赵磊", "zh");
        patient.click("#tab-sessions");
        patient.click(".session-item[data-session-id='" + sessionId + "']");
        patient.await("one message left", d -> patient.el("#consult-detail").getText().endsWith("还可提问 1/1 次"));
        patient.write("李医生，空腹血糖 7.8，需要调整二甲双胍的剂量吗？");
        patient.message("mine", "李医生，空腹血糖 7.8，需要调整二甲双胍的剂量吗？", "sent");
        patient.await("the composer closed", d -> !patient.el("#composer-input").isEnabled());
        assertThat(patient.el("#composer-reason").getText()).isEqualTo("本次问诊的 1 次提问已用完，不能再发送消息。");
        assertThat(patient.el("#consult-detail").getText()).endsWith("还可提问 0/1 次");
    }

    /** The back end opens a 图文问诊 (accept within an hour, a day long); returns the session id. */
    private String opened(String patientId, String name, String doctorId, int rounds) {
        return consult.opened("patient_id", patientId, "patient_name", name, "doctor_id", doctorId,
                "order_no", unique("HIS-20261203-"), "kind", "图文问诊", "rounds_limit", rounds, "accept_within_s", 3600,
                "duration_s", 86400, "intake", intake()).get("session_id").asString();
    }

    @Test
    void aPatientWithoutAnOpenConsultationIsToldWhyAndTheComposerCloses() {
        Browser patient = browser("patient", 1280, 800);
        patient.signInAsPatient(base(), unique("p"), "Zhou Min", "en");
        patient.el("#dir-search").sendKeys("李秀英\n");
        patient.click(".doctor-card[data-doctor-id=d1002] .consult");
        patient.await("the conversation with 李秀英", d -> patient.el("#chat-title").getText().equals("李秀英"));
        patient.write("My blood sugar is high in the mornings.");
        WebElement refused = patient.await("the refused message", d -> patient.el("#msg-list li.failed"));
        assertThat(refused.findElement(By.cssSelector(".state.failed")).getText())
                .isEqualTo("Not sent: there is no open consultation. Book one in the hospital's app first.");
        patient.await("the composer closed", d -> !patient.el("#composer-input").isEnabled());
        assertThat(patient.el("#composer-reason").getText())
                .isEqualTo("There is no open consultation, so you cannot write now. Book a consultation in the hospital's app first.");
    }

    /** The element's centre is the message list's centre (a notice, not a bubble on one side). */
    private static void assertCentred(Browser b, WebElement el) {
        double list = ((Number) b.js("const r = document.getElementById('msg-list').getBoundingClientRect();"
                + "return r.left + r.width / 2")).doubleValue();
        double mid = ((Number) b.js("const r = arguments[0].firstElementChild.getBoundingClientRect();"
                + "return r.left + r.width / 2", el)).doubleValue();
        assertThat(mid).as("the notice's centre").isCloseTo(list, org.assertj.core.data.Offset.offset(2.0));
    }

    private static Map<String, Object> intake() {
        return Consult.card("intake", "主诉：咳嗽三天，夜间加重",
                "body", "三天前受凉后开始咳嗽，有黄痰，夜里咳得厉害，未发热。自己喝过止咳糖浆，效果不明显。",
                "fields", List.of(body("label", "年龄", "value", "34 岁"), body("label", "过敏史", "value", "青霉素"),
                        body("label", "既往史", "value", "无"), body("label", "体温", "value", "36.8 ℃")));
    }
}
