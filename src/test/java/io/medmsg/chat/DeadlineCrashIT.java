package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medmsg.support.Chat;
import io.medmsg.support.ChildService;
import io.medmsg.support.Consult;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * SIGKILL while consultations are due and being swept: after a restart on the same data dir,
 * each due consultation has ended exactly once, with one system message, and seqs have no gaps.
 */
class DeadlineCrashIT {

    private static final int CONSULTATIONS = 120;

    @Test
    void eachDueConsultationEndsOnceAcrossAKill(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        List<String> patients = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        try (ChildService first = ChildService.start(dataDir, List.of(), "--medmsg.consultations.mode=managed",
                "--medmsg.consultations.sweep-interval=50ms")) {
            Consult consult = new Consult(first.api());
            for (int i = 0; i < CONSULTATIONS; i++) {
                String patientId = "due-p" + i;
                patients.add(patientId);
                sessions.add(consult.opened("patient_id", patientId, "doctor_id", "d1001", "accept_within_s", 2)
                        .get("session_id").asString());
            }
            // the first ones fall due about now: kill while the sweeper works through them
            awaitSomeExpired(consult, patients, sessions);
            first.kill();
        }
        try (ChildService second = ChildService.start(dataDir, List.of(), "--medmsg.consultations.mode=managed",
                "--medmsg.consultations.sweep-interval=50ms")) {
            Consult consult = new Consult(second.api());
            Chat chat = new Chat(second.api());
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int i = 0; i < CONSULTATIONS; i++) {
                JsonNode c = consult.current(Chat.P, Tokens.patient(patients.get(i)), sessions.get(i));
                while (!c.get("status").asString().equals("expired") && System.nanoTime() < giveUp) {
                    Thread.sleep(50);
                    c = consult.current(Chat.P, Tokens.patient(patients.get(i)), sessions.get(i));
                }
                assertThat(c.get("status").asString()).isEqualTo("expired");
                List<JsonNode> all = chat.allMessages(Tokens.doctor("d1001"), sessions.get(i));
                assertThat(Consult.kinds(all)).containsExactly("system:consultation.opened", "system:consultation.expired");
                assertThat(all.stream().map(m -> m.get("seq").asLong())).containsExactly(1L, 2L);
                assertThat(c.get("last_seq").asLong()).isEqualTo(2);
            }
        }
    }

    private static void awaitSomeExpired(Consult consult, List<String> patients, List<String> sessions)
            throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < giveUp) {
            if (consult.current(Chat.P, Tokens.patient(patients.get(0)), sessions.get(0)).get("status").asString()
                    .equals("expired")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no consultation expired within 30 s");
    }
}
