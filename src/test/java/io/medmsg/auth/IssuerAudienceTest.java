package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;

class IssuerAudienceTest extends ApiTest {

    @DynamicPropertySource
    static void issuerAndAudience(DynamicPropertyRegistry registry) {
        ownDataDir(registry);
        registry.add("medmsg.auth.issuer", () -> "https://idp.hospital.example");
        registry.add("medmsg.auth.audience", () -> "medmsg");
    }

    private static final String DIRECTORY = "/pati_service/manager_service/doctor_list";

    private Reply call(String issuer, List<String> audience) {
        var claims = Tokens.claims("p1", "patient");
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        return api.get(DIRECTORY, Tokens.hs256(claims.build()));
    }

    @Test
    void matchingIssuerAndAudienceIsAccepted() {
        assertThat(call("https://idp.hospital.example", List.of("other", "medmsg")).status()).isEqualTo(200);
    }

    @Test
    void wrongOrMissingIssuerIsRefused() {
        assertThat(call("https://evil.example", List.of("medmsg")).code()).isEqualTo(40101);
        assertThat(call(null, List.of("medmsg")).code()).isEqualTo(40101);
    }

    @Test
    void wrongOrMissingAudienceIsRefused() {
        assertThat(call("https://idp.hospital.example", List.of("someone-else")).code()).isEqualTo(40101);
        assertThat(call("https://idp.hospital.example", null).code()).isEqualTo(40101);
    }

    @Test
    void demoTokensCarryTheConfiguredIssuerAndAudience() {
        Reply minted = api.post("/demo/token", null, Tokens.body("role", "patient", "user_id", "p9"));
        String token = minted.data().get("token").asString();
        assertThat(api.get(DIRECTORY, token).status()).isEqualTo(200);
    }
}
