package io.medmsg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** medmsg.webhooks.* fail fast at start-up, naming the setting. */
class WebhookSettingsTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static WebhookSettings.Endpoint endpoint(String url) {
        return new WebhookSettings.Endpoint(url, List.of(SECRET), null);
    }

    private static WebhookSettings settings(WebhookSettings.Endpoint... endpoints) {
        return new WebhookSettings(List.of(endpoints), false, 16, Duration.ofSeconds(15), Duration.ofSeconds(60),
                Duration.ofMillis(200));
    }

    @Test
    void onlyHttpAndHttpsUrlsAreAccepted() {
        assertThatThrownBy(() -> endpoint("ftp://push.example/hook")).hasMessageContaining("must be an http or https URL");
        assertThatThrownBy(() -> endpoint("file:///etc/passwd")).hasMessageContaining("must be an http or https URL");
        assertThatThrownBy(() -> endpoint("push.example/hook")).hasMessageContaining("must be an http or https URL");
        assertThat(endpoint("http://push.internal:8080/hook").https()).isFalse();
        assertThat(endpoint("https://push.example/hook").https()).isTrue();
    }

    @Test
    void secretsMustBeStandardWebhooksSecrets() {
        assertThatThrownBy(() -> new WebhookSettings.Endpoint("https://a.example/h", List.of("plain-secret"), null))
                .hasMessageContaining("whsec_");
        assertThatThrownBy(() -> new WebhookSettings.Endpoint("https://a.example/h", List.of("whsec_***"), null))
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> new WebhookSettings.Endpoint("https://a.example/h", List.of(), null))
                .hasMessageContaining("secret is required");
        assertThat(new WebhookSettings.Endpoint("https://a.example/h", List.of(SECRET, SECRET), null).keys()).hasSize(2);
    }

    @Test
    void eventsDefaultToAllAndMustBeKnownTypes() {
        assertThat(endpoint("https://a.example/h").events()).containsExactlyInAnyOrderElementsOf(Outbox.TYPES);
        assertThatThrownBy(() -> new WebhookSettings.Endpoint("https://a.example/h", List.of(SECRET), List.of("message.sent")))
                .hasMessageContaining("message.sent");
    }

    @Test
    void anEndpointConfiguredTwiceIsRefused() {
        assertThatThrownBy(() -> settings(endpoint("https://a.example/h"), endpoint("https://a.example/h")))
                .hasMessageContaining("configured twice");
    }

    @Test
    void theProdProfileRefusesPlainHttpUnlessAllowed() {
        MockEnvironment prod = new MockEnvironment();
        prod.setActiveProfiles("prod");
        assertThatThrownBy(() -> new Endpoints(settings(endpoint("http://push.internal/hook")), prod, null, null))
                .hasMessageContaining("medmsg.webhooks.allow-http");
        WebhookSettings allowed = new WebhookSettings(List.of(endpoint("http://push.internal/hook")), true, 16,
                Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofMillis(200));
        // allowed: it gets past the check and on to the database (none here)
        assertThatThrownBy(() -> new Endpoints(allowed, prod, null, null)).isInstanceOf(NullPointerException.class);
    }
}
