package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;

import tools.jackson.databind.JsonNode;

import io.medmsg.auth.Caller;
import io.medmsg.auth.Role;
import io.medmsg.files.LinkBase;
import io.medmsg.records.AuditStamp;
import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Consult;
import io.medmsg.support.Tokens;

/** Consultations in open mode (the default): their lifecycle, the back end's API, who may call what. */
class ConsultationTest extends ApiTest {

    @Autowired
    private ChatService chatService;

    private Chat chat;
    private Consult consult;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        consult = new Consult(api);
    }

    /** A new pair whose consultation the back end opened with an intake card. */
    private record Opened(Chat.Consultation pair, String sessionId, String consultationId) {
    }

    private Opened openedByBackEnd(Object... extra) {
        Chat.Consultation pair = chat.newPair();
        Object[] fields = new Object[6 + extra.length];
        System.arraycopy(new Object[] {"patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "intake",
                Consult.intake()}, 0, fields, 0, 6);
        System.arraycopy(extra, 0, fields, 6, extra.length);
        JsonNode data = consult.opened(fields);
        return new Opened(pair, data.get("session_id").asString(),
                data.get("consultation").get("consultation_id").asString());
    }

    @Test
    void patientsFirstMessageOpensAFreeConsultationWithoutASystemMessage() {
        Chat.Consultation c = chat.consultation();
        List<JsonNode> all = chat.allMessages(c.doctor(), c.sessionId());
        assertThat(Consult.kinds(all)).containsExactly("text");
        JsonNode current = consult.current(Chat.P, c.patient(), c.sessionId());
        assertThat(current.get("status").asString()).isEqualTo("waiting");
        assertThat(current.get("order_no").isNull()).isTrue();
        assertThat(current.get("kind").asString()).isEqualTo("text");
        assertThat(current.get("rounds_used").asInt()).isEqualTo(1);
        assertThat(current.get("first_seq").asLong()).isEqualTo(1);
        assertThat(current.get("accept_deadline").asLong() - current.get("opened_at").asLong()).isEqualTo(24 * 3600_000L);
        assertThat(all.get(0).get("consultation_id").asString()).isEqualTo(current.get("consultation_id").asString());
    }

    /**
     * The consultation rules admit a first message in a unit of their own; its audit record must
     * commit in that unit too (API.md §6), or a crash between the two would leave a message that no
     * record accounts for. The response advice writes a record only for a stamp not yet recorded.
     */
    @Test
    void theMessageThatOpensAConsultationCommitsWithItsAuditRecord() {
        Chat.Consultation pair = chat.newPair();
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/msg_service/msg/patient/send_text_msg");
        AuditStamp stamp = AuditStamp.of(request);

        Views.Sent sent = chatService.send(new Caller(pair.patientId(), Role.PATIENT, "王女士", Instant.now().plusSeconds(600)),
                new ChatService.Target(pair.doctorId(), null), ChatService.Content.text("医生您好，孩子发烧两天了"), null,
                new LinkBase("http://localhost"), stamp);

        assertThat(stamp.recorded()).as("recorded with the message, not left to the response advice").isTrue();
        Reply records = api.get("/msg_service/msg/audit/records?session_id=" + sent.sessionId(),
                Tokens.auditor("compliance-1"));
        assertThat(records.status()).as(records.raw()).isEqualTo(200);
        JsonNode list = records.data().get("list");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("seq_from").asLong()).isEqualTo(sent.message().seq());
        assertThat(list.get(0).get("consultation_id").asString()).isNotEmpty();
    }

    @Test
    void doctorsReplyAcceptsTheWaitingConsultation() {
        Chat.Consultation c = chat.consultation();
        assertThat(chat.doctorSends(c.doctor(), c.sessionId(), "请问发热吗？").status()).isEqualTo(200);
        JsonNode current = consult.current(Chat.D, c.doctor(), c.sessionId());
        assertThat(current.get("status").asString()).isEqualTo("active");
        assertThat(current.get("end_deadline").asLong() - current.get("accepted_at").asLong()).isEqualTo(48 * 3600_000L);
        assertThat(Consult.kinds(chat.allMessages(c.doctor(), c.sessionId()))).containsExactly("text", "text");
    }

    @Test
    void backEndOpensWithOpenedMessageThenIntakeCard() {
        Opened o = openedByBackEnd("order_no", unique("ord-"), "kind", "图文问诊", "rounds_limit", 10);
        List<JsonNode> all = chat.allMessages(o.pair().doctor(), o.sessionId());
        assertThat(Consult.kinds(all)).containsExactly("system:consultation.opened", "card");
        assertThat(all.get(0).get("sender_role").asString()).isEqualTo("system");
        assertThat(all.get(0).get("text").isNull()).isTrue();
        assertThat(all.get(0).get("event").get("consultation").get("status").asString()).isEqualTo("waiting");
        assertThat(all.get(1).get("card").get("card_type").asString()).isEqualTo("intake");
        assertThat(all.get(1).get("card").get("fields").get(0).get("value").asString()).isEqualTo("青霉素");
        assertThat(all.get(1).get("sender_role").asString()).isEqualTo("system");
        assertThat(all.get(1).get("consultation_id").asString()).isEqualTo(o.consultationId());
    }

    @Test
    void acceptThenCloseWithSummaryAppendsCardBeforeClosedMessage() {
        Opened o = openedByBackEnd();
        Reply accepted = consult.accept(o.pair().doctor(), o.sessionId());
        assertThat(accepted.status()).as(accepted.raw()).isEqualTo(200);
        assertThat(accepted.data().get("consultation").get("status").asString()).isEqualTo("active");
        Reply closed = consult.close(o.pair().doctor(), o.sessionId(), Consult.summary());
        assertThat(closed.status()).as(closed.raw()).isEqualTo(200);
        JsonNode c = closed.data().get("consultation");
        assertThat(c.get("status").asString()).isEqualTo("closed");
        assertThat(c.get("close_reason").asString()).isEqualTo("doctor");
        List<JsonNode> all = chat.allMessages(o.pair().doctor(), o.sessionId());
        assertThat(Consult.kinds(all)).containsExactly("system:consultation.opened", "card",
                "system:consultation.accepted", "card", "system:consultation.closed");
        assertThat(c.get("first_seq").asLong()).isEqualTo(1);
        assertThat(c.get("last_seq").asLong()).isEqualTo(5);
        assertThat(all.get(3).get("card").get("card_type").asString()).isEqualTo("summary");
        assertThat(all.get(3).get("sender_role").asString()).isEqualTo("doctor");
    }

    @Test
    void afterACloseThePatientsNextMessageOpensANewConsultation() {
        Opened o = openedByBackEnd();
        consult.accept(o.pair().doctor(), o.sessionId());
        consult.close(o.pair().doctor(), o.sessionId(), null);
        assertThat(chat.patientSends(o.pair().patient(), o.pair().doctorId(), "还有一个问题").status()).isEqualTo(200);
        JsonNode page = consult.list(Chat.P, o.pair().patient(), o.sessionId(), "").data();
        assertThat(page.get("list")).hasSize(2);
        assertThat(page.get("list").get(0).get("status").asString()).isEqualTo("waiting");
        assertThat(page.get("list").get(1).get("status").asString()).isEqualTo("closed");
    }

    @Test
    void aSendDuringAConsultationAnswersWithThatConsultationsId() {
        Opened o = openedByBackEnd();
        consult.accept(o.pair().doctor(), o.sessionId());
        Reply fromDoctor = chat.doctorSends(o.pair().doctor(), o.sessionId(), "请问咳嗽几天了？");
        Reply fromPatient = chat.patientSends(o.pair().patient(), o.pair().doctorId(), "三天了，晚上更厉害");
        for (Reply sent : new Reply[] {fromDoctor, fromPatient}) {
            assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
            assertThat(sent.data().get("message").get("consultation_id").asString()).isEqualTo(o.consultationId());
        }
    }

    @Test
    void doctorMayWriteAfterACloseWithinTheGracePeriodUncounted() {
        Opened o = openedByBackEnd();
        consult.accept(o.pair().doctor(), o.sessionId());
        consult.close(o.pair().doctor(), o.sessionId(), null);
        Reply followUp = chat.doctorSends(o.pair().doctor(), o.sessionId(), "记得按时服药");
        assertThat(followUp.status()).as(followUp.raw()).isEqualTo(200);
        assertThat(followUp.data().get("message").get("consultation_id").isNull()).isTrue();
    }

    @Test
    void patientCancelsAWaitingConsultationOnlyOnce() {
        Opened o = openedByBackEnd();
        Reply cancelled = consult.cancel(o.pair().patient(), o.sessionId());
        assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
        assertThat(cancelled.data().get("consultation").get("close_reason").asString()).isEqualTo("patient_cancel");
        Reply again = consult.cancel(o.pair().patient(), o.sessionId());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo(40907);
        assertThat(again.msg()).contains("cancelled");
    }

    @Test
    void refusedTransitionsAre40907() {
        Opened o = openedByBackEnd();
        Reply closeWaiting = consult.close(o.pair().doctor(), o.sessionId(), null);
        assertThat(closeWaiting.code()).as(closeWaiting.raw()).isEqualTo(40907);
        assertThat(closeWaiting.msg()).contains("waiting");
        consult.accept(o.pair().doctor(), o.sessionId());
        assertThat(consult.accept(o.pair().doctor(), o.sessionId()).code()).isEqualTo(40907);
        assertThat(consult.cancel(o.pair().patient(), o.sessionId()).code()).isEqualTo(40907);
        Reply openAgain = consult.open("patient_id", o.pair().patientId(), "doctor_id", o.pair().doctorId());
        assertThat(openAgain.status()).isEqualTo(409);
        assertThat(openAgain.code()).isEqualTo(40907);
        assertThat(openAgain.msg()).contains("already open");
    }

    @Test
    void adminClosesAWaitingConsultation() {
        Opened o = openedByBackEnd();
        Reply closed = consult.adminClose(o.consultationId());
        assertThat(closed.status()).as(closed.raw()).isEqualTo(200);
        assertThat(closed.data().get("consultation").get("close_reason").asString()).isEqualTo("admin");
        assertThat(consult.adminClose(o.consultationId()).code()).isEqualTo(40907);
    }

    @Test
    void openIsIdempotentByOrderNo() {
        Chat.Consultation pair = chat.newPair();
        String order = unique("ord-");
        JsonNode first = consult.opened("patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "order_no", order,
                "rounds_limit", 5);
        JsonNode again = consult.opened("patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "order_no", order,
                "rounds_limit", 5);
        assertThat(again.get("consultation").get("consultation_id").asString())
                .isEqualTo(first.get("consultation").get("consultation_id").asString());
        assertThat(chat.allMessages(pair.doctor(), first.get("session_id").asString())).hasSize(1);
        Reply different = consult.open("patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "order_no", order,
                "rounds_limit", 6);
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.code()).isEqualTo(40901);
    }

    @Test
    void backEndLooksUpByIdOrOrderNo() {
        String order = unique("ord-");
        Opened o = openedByBackEnd("order_no", order);
        Reply byId = api.get(Consult.A + "consultation?consultation_id=" + o.consultationId(), Consult.ADMIN);
        Reply byOrder = api.get(Consult.A + "consultation?order_no=" + order, Consult.ADMIN);
        assertThat(byId.data().get("consultation").get("order_no").asString()).isEqualTo(order);
        assertThat(byOrder.data().get("consultation").get("consultation_id").asString()).isEqualTo(o.consultationId());
        assertThat(api.get(Consult.A + "consultation?order_no=" + unique("none-"), Consult.ADMIN).status()).isEqualTo(404);
        assertThat(api.get(Consult.A + "consultation", Consult.ADMIN).code()).isEqualTo(40001);
    }

    @Test
    void openingWithADoctorNotAcceptingIs40902() {
        String doctorId = chat.newDoctor(unique("doc"), false);
        Reply r = consult.open("patient_id", unique("pat"), "doctor_id", doctorId);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(40902);
    }

    @Test
    void openingWithAnUnknownDoctorIs404AndBadFieldsAre40001() {
        assertThat(consult.open("patient_id", unique("pat"), "doctor_id", unique("nobody")).status()).isEqualTo(404);
        Chat.Consultation pair = chat.newPair();
        assertThat(consult.open("doctor_id", pair.doctorId()).msg()).contains("patient_id");
        assertThat(consult.open("patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "rounds_limit", 0).msg())
                .contains("rounds_limit");
        assertThat(consult.open("patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "order_no", "a b").msg())
                .contains("order_no");
        assertThat(consult.open("patient_id", pair.patientId(), "doctor_id", pair.doctorId(), "duration_s", 0).msg())
                .contains("duration_s");
    }

    @Test
    void consultationListIsNewestFirstWithACursorAndOnlyForTheParties() {
        Opened o = openedByBackEnd();
        for (int i = 0; i < 2; i++) {
            consult.adminClose(consult.current(Chat.P, o.pair().patient(), o.sessionId()).get("consultation_id").asString());
            consult.opened("patient_id", o.pair().patientId(), "doctor_id", o.pair().doctorId());
        }
        Reply first = consult.list(Chat.D, o.pair().doctor(), o.sessionId(), "&limit=2");
        assertThat(first.data().get("list")).hasSize(2);
        assertThat(first.data().get("list").get(0).get("status").asString()).isEqualTo("waiting");
        String cursor = first.data().get("next_cursor").asString();
        Reply second = consult.list(Chat.D, o.pair().doctor(), o.sessionId(), "&limit=2&cursor=" + cursor);
        assertThat(second.data().get("list")).hasSize(1);
        assertThat(second.data().get("list").get(0).get("consultation_id").asString()).isEqualTo(o.consultationId());
        assertThat(second.data().get("next_cursor").isNull()).isTrue();
        assertThat(consult.list(Chat.P, Tokens.patient(unique("other")), o.sessionId(), "").status()).isEqualTo(404);
        assertThat(consult.list(Chat.D, o.pair().doctor(), o.sessionId(), "&cursor=forged.x").code()).isEqualTo(40002);
    }

    @Test
    void aForeignSessionIs404ForEveryTransition() {
        Opened o = openedByBackEnd();
        String stranger = Tokens.doctor(unique("doc"));
        assertThat(consult.accept(stranger, o.sessionId()).status()).isEqualTo(404);
        assertThat(consult.close(stranger, o.sessionId(), null).status()).isEqualTo(404);
        assertThat(consult.cancel(Tokens.patient(unique("pat")), o.sessionId()).status()).isEqualTo(404);
    }

    @Test
    void everyRoleOutsideItsFaceIsRefused() {
        Opened o = openedByBackEnd();
        String patient = o.pair().patient();
        String doctor = o.pair().doctor();
        String auditor = Tokens.hs256(Tokens.claims("aud1", "auditor").build());
        Object open = body("patient_id", o.pair().patientId(), "doctor_id", o.pair().doctorId());
        for (String token : List.of(patient, doctor, auditor)) {
            assertThat(api.post(Consult.A + "consultation/open", token, open).status()).isEqualTo(403);
            assertThat(api.post(Consult.A + "send_system_msg", token, body("session_id", o.sessionId(), "text", "x",
                    "client_msg_id", "c1")).status()).isEqualTo(403);
            assertThat(api.get(Consult.A + "consultation?consultation_id=" + o.consultationId(), token).status())
                    .isEqualTo(403);
        }
        for (String token : List.of(Consult.ADMIN, auditor)) {
            assertThat(consult.accept(token, o.sessionId()).status()).isEqualTo(403);
            assertThat(consult.cancel(token, o.sessionId()).status()).isEqualTo(403);
            assertThat(consult.list(Chat.P, token, o.sessionId(), "").status()).isEqualTo(403);
            assertThat(chat.get(Chat.D, "msg_list", token, "session_id=" + o.sessionId()).status()).isEqualTo(403);
        }
        assertThat(consult.cancel(doctor, o.sessionId()).status()).isEqualTo(403);
        assertThat(consult.accept(patient, o.sessionId()).status()).isEqualTo(403);
        Reply error = consult.accept(patient, o.sessionId());
        assertThat(error.code()).isEqualTo(40301);
    }
}
