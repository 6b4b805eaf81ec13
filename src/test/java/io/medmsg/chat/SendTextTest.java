package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

class SendTextTest extends ApiTest {

    private Chat chat;
    private String doctorId;
    private String patientId;
    private String patient;
    private String doctor;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        doctorId = chat.newDoctor(unique("doc"), true);
        patientId = unique("pat");
        patient = Tokens.patient(patientId, "张三");
        doctor = Tokens.doctor(doctorId);
    }

    @Test
    void firstPatientMessageOpensTheSessionWithSeqOne() {
        Reply r = chat.patientSends(patient, doctorId, "医生您好", "c1");
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.data().get("message");
        assertThat(r.data().get("session_id").asString()).isNotBlank().isEqualTo(m.get("session_id").asString());
        assertThat(m.get("seq").asLong()).isEqualTo(1);
        assertThat(m.get("msg_id").asString()).isNotBlank();
        assertThat(m.get("sender_role").asString()).isEqualTo("patient");
        assertThat(m.get("sender_id").asString()).isEqualTo(patientId);
        assertThat(m.get("msg_type").asString()).isEqualTo("text");
        assertThat(m.get("text").asString()).isEqualTo("医生您好");
        assertThat(m.get("resource").isNull()).isTrue();
        assertThat(m.get("recalled_msg_id").isNull()).isTrue();
        assertThat(m.get("client_msg_id").asString()).isEqualTo("c1");
        assertThat(m.get("created_at").asLong()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void laterMessagesGoToTheSameSessionWithTheNextSeq() {
        String sessionId = chat.open(patient, doctorId);
        Reply second = chat.patientSends(patient, doctorId, "second");
        Reply third = chat.doctorSends(doctor, sessionId, "third");
        assertThat(second.data().get("session_id").asString()).isEqualTo(sessionId);
        assertThat(second.data().get("message").get("seq").asLong()).isEqualTo(2);
        assertThat(third.data().get("message").get("seq").asLong()).isEqualTo(3);
        assertThat(third.data().get("message").get("sender_role").asString()).isEqualTo("doctor");
    }

    @Test
    void unknownDoctorIs404() {
        Reply r = chat.patientSends(patient, unique("nobody"), "hello");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo(40401);
    }

    @Test
    void doctorNotAcceptingCannotBeConsultedAnew() {
        String closed = chat.newDoctor(unique("closed"), false);
        Reply r = chat.patientSends(patient, closed, "hello");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(40902);
    }

    @Test
    void anOpenSessionStaysUsableWhenTheDoctorStopsAccepting() {
        String id = chat.newDoctor(unique("busy"), true);
        chat.open(patient, id);
        chat.newDoctor(id, false);
        assertThat(chat.patientSends(patient, id, "follow-up").status()).isEqualTo(200);
    }

    @Test
    void doctorWritesOnlyIntoItsOwnSessions() {
        String sessionId = chat.open(patient, doctorId);
        String other = Tokens.doctor(chat.newDoctor(unique("other"), true));
        Reply foreign = chat.doctorSends(other, sessionId, "not mine");
        Reply missing = chat.doctorSends(other, "0123456789abcdef0123456789abcdef", "nothing");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo(40401);
        assertThat(foreign.msg()).isEqualTo(missing.msg());
    }

    @Test
    void resendWithSameClientMsgIdReturnsOriginal() {
        Reply first = chat.patientSends(patient, doctorId, "hello", "same-id");
        Reply again = chat.patientSends(patient, doctorId, "hello", "same-id");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().get("message").get("msg_id").asString())
                .isEqualTo(first.data().get("message").get("msg_id").asString());
        assertThat(again.data().get("message").get("seq").asLong()).isEqualTo(1);
        String sessionId = first.data().get("session_id").asString();
        assertThat(chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId).data().get("list").size()).isEqualTo(1);
    }

    @Test
    void resendWithSameClientMsgIdButOtherTextIsAConflict() {
        chat.patientSends(patient, doctorId, "hello", "same-id");
        Reply conflict = chat.patientSends(patient, doctorId, "different", "same-id");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo(40901);
    }

    @Test
    void clientMsgIdIsScopedToTheSender() {
        String sessionId = chat.open(patient, doctorId);
        chat.patientSends(patient, doctorId, "from patient", "shared");
        Reply doctorReply = chat.doctorSends(doctor, sessionId, "from doctor", "shared");
        assertThat(doctorReply.status()).isEqualTo(200);
        assertThat(doctorReply.data().get("message").get("seq").asLong()).isEqualTo(3);
    }

    @Test
    void textLengthIsCountedInCodePoints() {
        String fourThousandEmoji = "😀".repeat(4000);
        assertThat(chat.patientSends(patient, doctorId, fourThousandEmoji).status()).isEqualTo(200);
        Reply tooLong = chat.patientSends(patient, doctorId, "a".repeat(4001));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.msg()).contains("text");
    }

    @Test
    void invalidInputIsRefusedNamingTheField() {
        assertRefused(body("doctor_id", doctorId, "text", ""), "text");
        assertRefused(body("doctor_id", doctorId, "text", " \n\t\u3000"), "text");
        assertRefused(body("doctor_id", doctorId, "text", "bell\u0007"), "text");
        assertRefused(body("doctor_id", doctorId), "text");
        assertRefused(body("text", "hi"), "doctor_id");
        assertRefused(body("doctor_id", doctorId, "text", "hi", "client_msg_id", "bad id"), "client_msg_id");
        assertRefused(body("doctor_id", doctorId, "text", "hi", "client_msg_id", "x".repeat(65)), "client_msg_id");
    }

    @Test
    void tabsAndLineBreaksAreAllowed() {
        assertThat(chat.patientSends(patient, doctorId, "line one\r\n\tline two").status()).isEqualTo(200);
    }

    private void assertRefused(Object request, String field) {
        Reply r = api.post(Chat.P + "send_text_msg", patient, request);
        assertThat(r.status()).as(request.toString()).isEqualTo(400);
        assertThat(r.code()).isEqualTo(40001);
        assertThat(r.msg()).contains(field);
    }

    @Test
    void patientNameFromTheTokenAppearsInTheDoctorsList() {
        chat.open(patient, doctorId);
        JsonNode list = chat.get(Chat.D, "session_list", doctor, "").data().get("list");
        assertThat(list.get(0).get("patient_id").asString()).isEqualTo(patientId);
        assertThat(list.get(0).get("patient_name").asString()).isEqualTo("张三");
    }

    @Test
    void sendingMovesTheSendersReadPointer() {
        String sessionId = chat.open(patient, doctorId);
        chat.doctorSends(doctor, sessionId, "reply one");
        chat.doctorSends(doctor, sessionId, "reply two");
        JsonNode before = chat.get(Chat.P, "session_list", patient, "").data().get("list").get(0);
        assertThat(before.get("unread_count").asLong()).isEqualTo(2);
        chat.patientSends(patient, doctorId, "thanks");
        JsonNode after = chat.get(Chat.P, "session_list", patient, "").data().get("list").get(0);
        assertThat(after.get("read_seq").asLong()).isEqualTo(4);
        assertThat(after.get("unread_count").asLong()).isZero();
    }

    @Test
    void aSendIsAnsweredInTheEnvelopeWithTheSecurityHeaders() {
        Reply r = chat.patientSends(patient, doctorId, "hello");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.code()).isZero();
        assertThat(r.body().get("request_id").asString()).isNotBlank();
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Cache-Control")).contains("no-store");
    }

    @Test
    void aCharsetSpeltInQuotesIsReadAsUtf8() {
        Reply r = api.send("POST", Chat.P + "send_text_msg", patient,
                Map.of("Content-Type", "application/json; charset=\"utf-8\""),
                "{\"doctor_id\":\"" + doctorId + "\",\"text\":\"你好\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.data().get("message").get("text").asString()).isEqualTo("你好");
    }

    @Test
    void sendsAreCountedInHttpServerRequestsUnderTheirRoute() throws InterruptedException {
        double before = sendsCounted();
        assertThat(chat.patientSends(patient, doctorId, "counted").status()).isEqualTo(200);
        // the timer stops when the request's filters return, which may be just after the client has the answer
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sendsCounted() < before + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sendsCounted()).isEqualTo(before + 1);
    }

    /** http.server.requests for successful patient sends, as Prometheus scrapes it. */
    private double sendsCounted() {
        String metrics = api.get("/actuator/prometheus", Tokens.admin("admin-metrics")).raw();
        Matcher m = Pattern.compile("http_server_requests_seconds_count\\{[^}]*status=\"200\""
                + "[^}]*uri=\"/msg_service/msg/patient/send_text_msg\"[^}]*} ([0-9.eE+]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void doctorCannotUseThePatientFaceAndViceVersa() {
        assertThat(chat.patientSends(doctor, doctorId, "x").status()).isEqualTo(403);
        assertThat(chat.doctorSends(patient, "s", "x").status()).isEqualTo(403);
    }

    @Test
    void messagesSurviveInTheDatabaseAcrossResends() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(chat.patientSends(patient, doctorId, "m" + i, "k" + i).data().get("message").get("msg_id").asString());
        }
        for (int i = 0; i < 3; i++) {
            assertThat(chat.patientSends(patient, doctorId, "m" + i, "k" + i).data().get("message").get("msg_id").asString())
                    .isEqualTo(ids.get(i));
        }
    }
}
