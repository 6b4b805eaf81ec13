package io.medmsg.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * POST /demo/token answers only clients on this machine unless medmsg.demo.allow-remote=true.
 * Tests reach the server over loopback only, so the decision for other addresses is tested on
 * {@link DemoAccess} itself, and over HTTP through what a proxy adds to a request.
 */
class DemoTokenAccessTest extends ApiTest {

    private static final String ADMIN = "{\"role\":\"admin\",\"user_id\":\"a1\"}";

    private Reply mint(Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return api.send("POST", "/demo/token", null, all, ADMIN);
    }

    private static MockHttpServletRequest from(String remoteAddress) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/demo/token");
        request.setRemoteAddr(remoteAddress);
        return request;
    }

    @Test
    void aClientOnThisMachineGetsAToken() {
        Reply reply = mint(Map.of());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("token").asString()).isNotBlank();
    }

    @Test
    void aRequestThatCameThroughAProxyIsRefusedAlthoughTheProxyIsLocal() {
        // the forwarded address is never believed, neither to allow nor to deny: that it is there is enough
        for (Map<String, String> proxied : List.of(Map.of("X-Forwarded-For", "127.0.0.1"),
                Map.of("Forwarded", "for=127.0.0.1"), Map.of("X-Real-IP", "127.0.0.1"))) {
            Reply reply = mint(proxied);
            assertThat(reply.status()).as(proxied.toString()).isEqualTo(403);
            assertThat(reply.code()).isEqualTo(40301);
            assertThat(reply.msg()).contains("medmsg.demo.allow-remote");
            assertThat(reply.raw()).doesNotContain("\"token\"");
        }
    }

    @Test
    void aRemoteAddressIsRefused() {
        DemoAccess access = new DemoAccess(false);
        for (String remote : new String[] {"203.0.113.7", "10.0.0.5", "192.168.1.20", "2001:db8::1", "::ffff:203.0.113.7",
            "128.0.0.1", "0.0.0.0", "localhost", "", "fe80::1%eth0"}) {
            assertThat(access.allows(from(remote))).as(remote).isFalse();
        }
        assertThatThrownBy(() -> access.check(from("203.0.113.7"))).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FORBIDDEN_ROLE));
    }

    @Test
    void loopbackAddressesAreLocal() {
        DemoAccess access = new DemoAccess(false);
        for (String local : new String[] {"127.0.0.1", "127.3.2.1", "::1", "0:0:0:0:0:0:0:1", "[::1]", "::ffff:127.0.0.1"}) {
            assertThat(access.allows(from(local))).as(local).isTrue();
        }
    }

    @Test
    void allowRemoteLetsAnyClientThrough() {
        DemoAccess access = new DemoAccess(true);
        MockHttpServletRequest proxied = from("127.0.0.1");
        proxied.addHeader("X-Forwarded-For", "203.0.113.7");
        assertThat(access.allows(from("203.0.113.7"))).isTrue();
        assertThat(access.allows(proxied)).isTrue();
    }

    @Test
    void theTokenEndpointStillNeedsNoToken() {
        assertThat(api.post("/demo/token", Tokens.patient("p1"), Tokens.body("role", "patient", "user_id", "p1")).status())
                .isEqualTo(200);
    }
}
