package io.medmsg.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Tokens;

/**
 * A long-poll held for the longest wait API.md allows (30 s) is answered normally: neither the
 * connection's idle timeout (20 s, which is also the write timeout of event streams; Jetty does
 * not apply it to a suspended async request) nor the async request timeout may cut it short.
 * Tagged {@code sqlite-only}: it takes 30 s and tests the container's timeouts, which do not depend
 * on the database, so the runs on PostgreSQL and MariaDB leave it out.
 */
@Tag("sqlite-only")
class HeldPollTimeoutTest extends ApiTest {

    @Test
    void aPollHeldForTheLongestWaitIsAnsweredNormally() {
        Chat chat = new Chat(api);
        String doctorId = chat.newDoctor(unique("doc"), true);
        String patient = Tokens.patient(unique("p"));
        String sessionId = chat.open(patient, doctorId);
        long start = System.nanoTime();
        Reply r = chat.get(Chat.P, "new_msg", patient, "session_id=" + sessionId + "&after_seq=1&wait=30");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.code()).isZero();
        assertThat(r.data().get("list").size()).isZero();
        assertThat(millis).isGreaterThanOrEqualTo(29_900L);
    }
}
