package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Chat;
import io.medmsg.support.Consult;
import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;
import io.medmsg.support.TwoInstances;

/**
 * Two instances on one server database sweep the same due consultations every few milliseconds:
 * each deadline is applied once, with one system message, whichever instance wins.
 */
@Tag("server-db")
@ExtendWith(TestDatabase.Reachable.class)
class TwoInstancesDeadlineTest {

    private static final int CONSULTATIONS = 40;

    @Test
    void twoSweepersRacingOnTheSameDueConsultationsApplyEachOnce() throws Exception {
        TestDatabase.Fresh db = TestDatabase.create(TestDatabase.kind());
        String[] racing = {"--medmsg.consultations.mode=managed", "--medmsg.consultations.sweep-interval=5ms"};
        try (Instance a = Instance.start(db, racing); Instance b = Instance.start(db, racing)) {
            Chat chat = a.chat();
            Consult consult = new Consult(a.api());
            String doctorId = chat.newDoctor("race-doc-" + Long.toString(System.nanoTime(), 36), true);
            List<Chat.Consultation> pairs = new ArrayList<>();
            for (int i = 0; i < CONSULTATIONS; i++) {
                String patientId = "race-p" + i;
                String sessionId = consult.opened("patient_id", patientId, "doctor_id", doctorId, "accept_within_s", 1)
                        .get("session_id").asString();
                pairs.add(new Chat.Consultation(doctorId, Tokens.doctor(doctorId), patientId,
                        Tokens.patient(patientId), sessionId));
            }
            for (Chat.Consultation p : pairs) {
                TwoInstances.awaitTrue(() -> "expired".equals(
                        consult.current(Chat.P, p.patient(), p.sessionId()).get("status").asString()), "expiry of " + p.sessionId());
            }
            Thread.sleep(200);
            for (Chat.Consultation p : pairs) {
                assertThat(Consult.kinds(b.chat().allMessages(p.doctor(), p.sessionId())))
                        .containsExactly("system:consultation.opened", "system:consultation.expired");
            }
            assertThat(a.bean(DeadlineSweeper.class).sweep() + b.bean(DeadlineSweeper.class).sweep()).isZero();
        }
    }
}
