package io.medmsg.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** A request without an id of its own gets a new random UUID; an acceptable id sent is echoed. */
class RequestIdsTest {

    @Test
    void aNewIdIsARandomUuidOfItsOwn() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.accept(null);
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(seen.add(id)).as("ids repeat: %s", id).isTrue();
        }
    }

    @Test
    void anAcceptableIdSentIsEchoedAndAnotherReplaced() {
        assertThat(RequestIds.accept("web-7f3a:12")).isEqualTo("web-7f3a:12");
        assertThat(RequestIds.accept("has space")).isNotEqualTo("has space").hasSize(36);
        assertThat(RequestIds.accept("x".repeat(65))).hasSize(36);
    }
}
