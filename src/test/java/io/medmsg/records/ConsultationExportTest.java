package io.medmsg.records;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Consult;
import io.medmsg.support.Samples;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;

/** API.md §6 Export: a consultation as a FHIR R4 Bundle that HAPI's validator accepts, or as MedMsg's JSON. */
class ConsultationExportTest extends ApiTest {

    static final String EXPORT = "/msg_service/msg/audit/consultation_export";
    static final String AUDITOR = Tokens.auditor("regulator-1");

    static FhirValidator validator;

    @BeforeAll
    static void fhirValidator() {
        FhirContext ctx = FhirContext.forR4();
        ValidationSupportChain support = new ValidationSupportChain(new DefaultProfileValidationSupport(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx), new CommonCodeSystemsTerminologyService(ctx));
        validator = ctx.newValidator().registerValidatorModule(new FhirInstanceValidator(support));
    }

    record Done(String consultationId, String recalledMsgId, int messages) {
    }

    /** A closed consultation with text, image, voice, file, card, system and recalled messages. */
    Done consultationWithEveryKindOfMessage() {
        Chat chat = new Chat(api);
        Consult consult = new Consult(api);
        Uploads uploads = new Uploads(api);
        Chat.Consultation pair = chat.newPair();
        JsonNode opened = consult.opened("patient_id", pair.patientId(), "patient_name", "张三", "doctor_id",
                pair.doctorId(), "intake", Consult.intake());
        String sessionId = opened.get("session_id").asString();
        assertThat(consult.accept(pair.doctor(), sessionId).status()).isEqualTo(200);
        ok(chat.patientSends(pair.patient(), pair.doctorId(), "头痛三天了"));
        for (String mime : List.of("image/png", "audio/mpeg", "application/pdf")) {
            byte[] bytes = Samples.of(mime, 1024);
            JsonNode slot = uploads.slot("patient", pair.patient(), "f-" + mime.replace('/', '.'), mime, bytes, true);
            assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
            ok(uploads.confirm("patient", pair.patient(), slot.get("file_id").asString()));
            ok(api.post(Chat.P + "send_res_msg", pair.patient(), body("doctor_id", pair.doctorId(), "file_id",
                    slot.get("file_id").asString())));
        }
        ok(consult.sendCard(pair.doctor(), sessionId, Consult.card("prescription", "处方", "body", "布洛芬 0.2g")));
        ok(api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", sessionId, "text", "请按时服药",
                "client_msg_id", unique("n"))));
        Reply wrong = chat.doctorSends(pair.doctor(), sessionId, "发错了");
        ok(wrong);
        String recalled = wrong.data().get("message").get("msg_id").asString();
        ok(chat.post(Chat.D, "recall", pair.doctor(), body("session_id", sessionId, "msg_id", recalled)));
        ok(consult.close(pair.doctor(), sessionId, Consult.summary()));
        JsonNode closed = consult.current(Chat.D, pair.doctor(), sessionId);
        int messages = (int) (closed.get("last_seq").asLong() - closed.get("first_seq").asLong() + 1);
        return new Done(closed.get("consultation_id").asString(), recalled, messages);
    }

    @Test
    void theFhirBundleValidatesWithZeroErrors() {
        Done done = consultationWithEveryKindOfMessage();
        Reply r = api.get(EXPORT + "?consultation_id=" + done.consultationId(), AUDITOR);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode bundle = r.data();
        List<SingleValidationMessage> errors = validator.validateWithResult(bundle.toString()).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
        assertThat(errors).as(bundle.toString()).isEmpty();

        assertThat(bundle.get("resourceType").asString()).isEqualTo("Bundle");
        assertThat(bundle.get("type").asString()).isEqualTo("collection");
        List<String> types = new ArrayList<>();
        bundle.get("entry").forEach(e -> types.add(e.get("resource").get("resourceType").asString()));
        assertThat(types.subList(0, 3)).containsExactly("Patient", "Practitioner", "Encounter");
        assertThat(types.subList(3, types.size())).hasSize(done.messages()).allMatch("Communication"::equals);

        JsonNode encounter = bundle.get("entry").get(2).get("resource");
        assertThat(encounter.get("class").get("code").asString()).isEqualTo("VR");
        assertThat(encounter.get("status").asString()).isEqualTo("finished");
        assertThat(encounter.get("period").has("end")).isTrue();
    }

    @Test
    void eachKindOfMessageMapsToItsPayloadAndARecalledOneIsEnteredInError() {
        Done done = consultationWithEveryKindOfMessage();
        JsonNode bundle = api.get(EXPORT + "?consultation_id=" + done.consultationId() + "&format=fhir", AUDITOR).data();
        List<JsonNode> comms = new ArrayList<>();
        bundle.get("entry").forEach(e -> {
            if (e.get("resource").get("resourceType").asString().equals("Communication")) {
                comms.add(e.get("resource"));
            }
        });
        JsonNode recalled = comms.stream()
                .filter(c -> c.get("identifier").get(0).get("value").asString().equals(done.recalledMsgId()))
                .findFirst().orElseThrow();
        assertThat(recalled.get("status").asString()).isEqualTo("entered-in-error");
        assertThat(recalled.get("payload").get(0).get("contentString").asString()).isEqualTo("发错了");
        assertThat(comms.stream().filter(c -> c.get("status").asString().equals("completed"))).hasSize(comms.size() - 1);

        List<JsonNode> attachments = comms.stream().map(c -> c.get("payload").get(0))
                .filter(p -> p.has("contentAttachment")).map(p -> p.get("contentAttachment")).toList();
        assertThat(attachments).extracting(a -> a.get("contentType").asString())
                .containsExactly("image/png", "audio/mpeg", "application/pdf");
        assertThat(attachments).allSatisfy(a -> {
            assertThat(a.get("size").asInt()).isEqualTo(1024);
            assertThat(a.get("url").asString()).startsWith("http");
            assertThat(a.get("title").asString()).startsWith("f-");
        });
        JsonNode card = comms.stream().filter(c -> c.get("payload").get(0).has("extension")
                && c.get("payload").get(0).get("extension").get(0).get("url").asString().equals(FhirBundles.CARD_EXTENSION)
                && c.get("payload").get(0).get("contentString").asString().startsWith("处方")).findFirst().orElseThrow();
        assertThat(card.get("payload").get(0).get("contentString").asString()).isEqualTo("处方\n布洛芬 0.2g");
        assertThat(comms).extracting(ConsultationExportTest::contentString).contains("请按时服药", "头痛三天了",
                "consultation.accepted", "consultation.closed");
        assertThat(comms).allSatisfy(c -> {
            assertThat(c.get("encounter").get("reference").asString()).startsWith("urn:uuid:");
            assertThat(c.get("sent").asString()).isNotEmpty();
            assertThat(c.get("recipient").size()).isPositive();
        });
    }

    @Test
    void theJsonFormatGivesTheConsultationItsMessagesAndFiles() {
        Done done = consultationWithEveryKindOfMessage();
        JsonNode own = api.get(EXPORT + "?consultation_id=" + done.consultationId() + "&format=json", AUDITOR).data();
        assertThat(own.get("consultation").get("consultation_id").asString()).isEqualTo(done.consultationId());
        assertThat(own.get("messages").size()).isEqualTo(done.messages());
        assertThat(own.get("files").size()).isEqualTo(3);
    }

    @Test
    void eachExportIsAuditedAndAnUnknownConsultationIs404() {
        Done done = consultationWithEveryKindOfMessage();
        String auditor = unique("reg");
        assertThat(api.get(EXPORT + "?consultation_id=" + done.consultationId(), Tokens.auditor(auditor)).status())
                .isEqualTo(200);
        assertThat(api.get(EXPORT + "?consultation_id=nope&format=json", Tokens.auditor(auditor)).status()).isEqualTo(404);
        assertThat(api.get(EXPORT + "?consultation_id=" + done.consultationId() + "&format=xml", AUDITOR).status())
                .isEqualTo(400);
        JsonNode records = api.get("/msg_service/msg/audit/records?actor_id=" + auditor, AUDITOR).data().get("list");
        assertThat(records.size()).isEqualTo(2);
        assertThat(records.get(0).get("action").asString()).isEqualTo("consultation_export");
        assertThat(records.get(0).get("consultation_id").asString()).isEqualTo(done.consultationId());
        assertThat(records.get(0).get("outcome").asInt()).isEqualTo(200);
        assertThat(records.get(1).get("outcome").asInt()).isEqualTo(404);
    }

    private static String contentString(JsonNode communication) {
        JsonNode content = communication.get("payload").get(0).get("contentString");
        return content == null ? "" : content.asString();
    }

    private static void ok(Reply r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }
}
