package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Samples;
import io.medmsg.support.Tokens;
import io.medmsg.support.Uploads;
import tools.jackson.databind.JsonNode;

/** send_res_msg on both faces: a ready file of the sender's becomes an image, voice, video or file message. */
class SendResMsgTest extends ApiTest {

    private Chat chat;
    private Uploads uploads;
    private String doctorId;
    private String doctor;
    private String patient;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        uploads = new Uploads(api);
        doctorId = chat.newDoctor(unique("doc"), true);
        doctor = Tokens.doctor(doctorId);
        patient = Tokens.patient(unique("p"));
    }

    /** Uploads and confirms a file of that type; returns its file_id. */
    private String readyFile(String face, String token, String name, String mime) {
        byte[] bytes = Samples.of(mime, 2048);
        JsonNode slot = uploads.slot(face, token, name, mime, bytes, true);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        Reply confirmed = uploads.confirm(face, token, slot.get("file_id").asString());
        assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
        return slot.get("file_id").asString();
    }

    private Reply patientSendsFile(String token, String fileId, String clientMsgId) {
        return api.post(Chat.P + "send_res_msg", token, body("doctor_id", doctorId, "file_id", fileId,
                "client_msg_id", clientMsgId));
    }

    @Test
    void msgTypeFollowsTheFilesType() {
        Map<String, String> expected = Map.of("image/png", "image", "audio/mpeg", "voice", "video/mp4", "video",
                "application/pdf", "file");
        expected.forEach((mime, type) -> {
            String fileId = readyFile("patient", patient, "x", mime);
            Reply r = patientSendsFile(patient, fileId, null);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.data().get("message").get("msg_type").asString()).as(mime).isEqualTo(type);
        });
    }

    @Test
    void theResourceCarriesASignedLinkThatDownloadsTheFile() {
        String fileId = readyFile("patient", patient, "皮疹照片.png", "image/png");
        Reply r = patientSendsFile(patient, fileId, "photo-1");
        JsonNode resource = r.data().get("message").get("resource");
        assertThat(resource.get("file_id").asString()).isEqualTo(fileId);
        assertThat(resource.get("file_name").asString()).isEqualTo("皮疹照片.png");
        assertThat(resource.get("mime_type").asString()).isEqualTo("image/png");
        assertThat(resource.get("size").asLong()).isEqualTo(2048);
        assertThat(resource.get("url_expires_at").asLong()).isGreaterThan(System.currentTimeMillis());
        assertThat(r.data().get("message").get("text").isNull()).isTrue();

        // the doctor reads the message and downloads the file through a link issued to it
        String sessionId = r.data().get("session_id").asString();
        JsonNode seen = chat.get(Chat.D, "msg_list", doctor, "session_id=" + sessionId).data().get("list").get(0);
        HttpResponse<byte[]> download = Uploads.get(seen.get("resource").get("url").asString(), Map.of());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(Samples.of("image/png", 2048));
    }

    @Test
    void theDoctorSendsAFileIntoItsSession() {
        String sessionId = chat.open(patient, doctorId);
        String fileId = readyFile("doctor", doctor, "医嘱.pdf", "application/pdf");
        Reply r = api.post(Chat.D + "send_res_msg", doctor, body("session_id", sessionId, "file_id", fileId));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.data().get("message").get("msg_type").asString()).isEqualTo("file");
        assertThat(r.data().get("message").get("seq").asLong()).isEqualTo(2);
        JsonNode patientView = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1")
                .data().get("list").get(0);
        assertThat(patientView.get("resource").get("url").asString()).isNotBlank();
    }

    @Test
    void theSameFileMayBeSentAgainByItsUploader() {
        String fileId = readyFile("patient", patient, "a.png", "image/png");
        assertThat(patientSendsFile(patient, fileId, null).status()).isEqualTo(200);
        assertThat(patientSendsFile(patient, fileId, null).data().get("message").get("seq").asLong()).isEqualTo(2);
    }

    @Test
    void resendWithSameClientMsgIdReturnsOriginalAndOtherFileIsAConflict() {
        String first = readyFile("patient", patient, "a.png", "image/png");
        String second = readyFile("patient", patient, "b.png", "image/png");
        Reply original = patientSendsFile(patient, first, "same");
        Reply again = patientSendsFile(patient, first, "same");
        assertThat(again.data().get("message").get("msg_id").asString())
                .isEqualTo(original.data().get("message").get("msg_id").asString());
        Reply conflict = patientSendsFile(patient, second, "same");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo(40901);
    }

    @Test
    void someoneElsesFileIs404() {
        String otherPatient = Tokens.patient(unique("other"));
        String theirs = readyFile("patient", otherPatient, "theirs.png", "image/png");
        Reply r = patientSendsFile(patient, theirs, null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo(40401);
        // the doctor cannot send the patient's file either
        String sessionId = chat.open(patient, doctorId);
        String mine = readyFile("patient", patient, "mine.png", "image/png");
        Reply byDoctor = api.post(Chat.D + "send_res_msg", doctor, body("session_id", sessionId, "file_id", mine));
        assertThat(byDoctor.status()).isEqualTo(404);
    }

    @Test
    void aFileNotYetConfirmedIs40903() {
        byte[] bytes = Samples.of("image/png", 1024);
        JsonNode slot = uploads.slot("patient", patient, "a.png", "image/png", bytes, false);
        Uploads.put(slot, bytes);
        Reply r = patientSendsFile(patient, slot.get("file_id").asString(), null);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(40903);
    }

    @Test
    void missingFieldsAreNamed() {
        for (Object[] c : List.of(new Object[] {body("doctor_id", doctorId), "file_id"},
                new Object[] {body("file_id", "abc"), "doctor_id"})) {
            Reply r = api.post(Chat.P + "send_res_msg", patient, c[0]);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.msg()).contains((String) c[1]);
        }
    }

    @Test
    void aRecalledFileMessageLosesItsResource() {
        String fileId = readyFile("patient", patient, "wrong.png", "image/png");
        Reply sent = patientSendsFile(patient, fileId, null);
        chat.post(Chat.P, "recall", patient, body("session_id", sent.data().get("session_id").asString(),
                "msg_id", sent.data().get("message").get("msg_id").asString()));
        JsonNode seen = chat.get(Chat.D, "msg_list", doctor, "session_id=" + sent.data().get("session_id").asString())
                .data().get("list").get(0);
        assertThat(seen.get("msg_type").asString()).isEqualTo("recalled");
        assertThat(seen.get("resource").isNull()).isTrue();
    }
}
