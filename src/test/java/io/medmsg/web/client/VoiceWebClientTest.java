package io.medmsg.web.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * Voice notes recorded in the browser: Chromium's fake microphone (a beep) stands in for a real
 * one. The recording goes up as audio/webm through the file flow, the server checks its EBML
 * header, and the doctor's browser plays it. A refused microphone is explained.
 */
@Tag("sqlite-only")
class VoiceWebClientTest extends BrowserTest {

    private static final List<String> FAKE_MICROPHONE = List.of("--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream");

    @Test
    void aRecordedVoiceNoteReachesTheDoctorPlayable() {
        String doctorId = "d2003";
        String patientId = unique("p");
        Chat chat = new Chat(api);
        String sessionId = chat.patientSends(Tokens.patient(patientId, "孙丽"), doctorId, "医生您好，孩子咳嗽的声音我录下来了。")
                .data().get("session_id").asString();

        Browser patient = browser("patient", 360, 780, FAKE_MICROPHONE);
        patient.signInAsPatient(base(), patientId, "孙丽", "zh");
        patient.open(base() + "#/chat/" + sessionId);
        patient.message("mine", "医生您好，孩子咳嗽的声音我录下来了。", "sent");
        patient.click("#record-button");
        patient.await("recording", d -> "true".equals(patient.el("#record-button").getDomAttribute("aria-pressed")));
        patient.await("about 3 s recorded", d -> patient.el("#record-status").getText().startsWith("录音中 3 秒"));
        patient.click("#record-button");
        patient.await("the voice note sent", d -> patient.all("#msg-list li.mine[data-type=voice][data-state=sent]").size() == 1);

        // on the server: a voice message of an audio/webm file
        JsonNode list = api.get(Chat.D + "msg_list?session_id=" + sessionId, Tokens.doctor(doctorId)).data().get("list");
        JsonNode voice = list.get(list.size() - 1);
        assertThat(voice.get("msg_type").asString()).isEqualTo("voice");
        assertThat(voice.get("resource").get("mime_type").asString()).isEqualTo("audio/webm");
        assertThat(voice.get("resource").get("file_name").asString()).matches("语音-[34]s\\.webm");

        // the doctor sees a voice bubble with its length, and it plays
        Browser doctor = browser("doctor", 1280, 800);
        doctor.signInAsDoctor(base(), doctorId, "zh");
        doctor.click(".session-item[data-session-id='" + sessionId + "']");
        WebElement bubble = doctor.el("#msg-list li[data-type=voice] .bubble.voice");
        doctor.await("the duration shown", d -> bubble.getText().matches("▶\\s*[34]″"));
        doctor.click("#msg-list li[data-type=voice] .voice-play");
        @SuppressWarnings("unchecked")
        Map<String, Object> played = (Map<String, Object>) doctor.await("the voice note playing", d -> {
            Object state = doctor.js("const a = document.querySelector('#msg-list li[data-type=voice] audio');"
                    + "return a.currentTime > 0.5 && !a.error ? { t: a.currentTime, d: a.duration } : null");
            return state;
        });
        assertThat(((Number) played.get("t")).doubleValue()).isGreaterThan(0.5);
        doctor.screenshot(java.nio.file.Path.of("target/screenshots"), "voice-doctor-1280");
    }

    @Test
    void aRefusedMicrophoneIsExplained() {
        // a microphone is there, but the person says no to the permission prompt
        Browser patient = browser("patient", 1280, 800, List.of("--use-fake-device-for-media-stream", "--deny-permission-prompts"));
        patient.signInAsPatient(base(), unique("p"), "钱伟", "zh");
        patient.open(base() + "#/chat/doctor/d1002");
        patient.el("#chat-intro");
        patient.click("#record-button");
        patient.await("the refusal explained", d -> patient.el("#record-status").getText()
                .startsWith("无法使用麦克风：您拒绝了麦克风权限。"));
        assertThat(patient.el("#record-button").getDomAttribute("aria-pressed")).isEqualTo("false");
    }
}
