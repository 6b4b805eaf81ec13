package io.medmsg.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.Instance;
import io.medmsg.support.TestDatabase;
import io.medmsg.support.Tokens;
import io.medmsg.support.Topology;
import io.medmsg.support.TwoInstances;

/**
 * The invariants of {@link ConcurrentSendScenarios} when concurrent requests alternate between
 * two instances on one database ({@link TwoInstances}), and a resend that goes to the other one.
 */
@Tag("server-db")
@TestDatabase.NeedsRedis
@ExtendWith({TestDatabase.Reachable.class, TwoInstances.Resolver.class})
class TwoInstancesConcurrencyTest implements ConcurrentSendScenarios {

    private static TwoInstances both;

    @BeforeAll
    static void start(TwoInstances instances) {
        both = instances;
    }

    @Override
    public Topology topology() {
        return both.topology();
    }

    @Test
    void aResendThroughTheOtherInstanceGetsTheOriginal() {
        Instance a = both.a;
        Instance b = both.b;
        String doctorId = a.chat().newDoctor("doc" + Long.toString(System.nanoTime(), 36), true);
        String patient = Tokens.patient("p" + Long.toString(System.nanoTime(), 36));
        Reply first = a.chat().patientSends(patient, doctorId, "hello", "cm-1");
        Reply again = b.chat().patientSends(patient, doctorId, "hello", "cm-1");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().get("message").get("msg_id").asString())
                .isEqualTo(first.data().get("message").get("msg_id").asString());
        assertThat(again.data().get("message").get("seq").asLong()).isEqualTo(1);
        Reply different = b.chat().patientSends(patient, doctorId, "something else", "cm-1");
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.code()).isEqualTo(40901);
    }
}
