package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

/** medmsg.auth.clock-skew widens both edges of a token's validity, for issuers whose clocks drift. */
class RelaxedAuthSettingsTest extends ApiTest {

    private static final String DIRECTORY = "/pati_service/manager_service/doctor_list";

    @DynamicPropertySource
    static void oneMinuteOfSkew(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.auth.clock-skew", () -> "60s");
    }

    @Test
    void aTokenExpired30SecondsAgoIsAcceptedWithAMinuteOfSkew() {
        Instant exp = Instant.now().minusSeconds(30);
        Reply reply = api.get(DIRECTORY, Tokens.hs256(Tokens.claims("p1", "patient")
                .issueTime(Date.from(exp.minusSeconds(600))).expirationTime(Date.from(exp)).build()));
        assertThat(reply.status()).as("code %s", reply.body().get("code")).isEqualTo(200);
    }

    @Test
    void aTokenValidOnlyIn30SecondsIsAcceptedWithAMinuteOfSkew() {
        Reply reply = api.get(DIRECTORY, Tokens.hs256(Tokens.claims("p1", "patient")
                .notBeforeTime(Date.from(Instant.now().plusSeconds(30))).build()));
        assertThat(reply.status()).as("code %s", reply.body().get("code")).isEqualTo(200);
    }

    @Test
    void aTokenExpired90SecondsAgoIsStillRefused() {
        Instant exp = Instant.now().minusSeconds(90);
        Reply reply = api.get(DIRECTORY, Tokens.hs256(Tokens.claims("p1", "patient")
                .issueTime(Date.from(exp.minusSeconds(600))).expirationTime(Date.from(exp)).build()));
        assertThat(reply.status()).as("code %s", reply.body().get("code")).isEqualTo(401);
    }
}
