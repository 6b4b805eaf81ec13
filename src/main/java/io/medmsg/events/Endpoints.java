package io.medmsg.events;

import java.util.List;
import java.util.Optional;

import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

import io.medmsg.db.Database;

/**
 * The configured endpoints: refused at start-up when one is plain http in the {@code prod}
 * profile (unless {@code medmsg.webhooks.allow-http}), and made known to the database, whose
 * subscriptions the changes fan their events out by.
 * Created after the migrations have run: its constructor writes.
 */
@Component
@DependsOnDatabaseInitialization
class Endpoints {

    private final List<WebhookSettings.Endpoint> all;

    Endpoints(WebhookSettings settings, Environment environment, Database db, DeliveryRepository deliveries) {
        this.all = settings.endpoints();
        if (environment.acceptsProfiles(Profiles.of("prod")) && !settings.allowHttp()) {
            for (WebhookSettings.Endpoint e : all) {
                if (!e.https()) {
                    throw new IllegalStateException("The prod profile sends events only over https: " + e.url()
                            + " is not; use https, or set medmsg.webhooks.allow-http=true (MEDMSG_WEBHOOKS_ALLOW_HTTP)");
                }
            }
        }
        db.submit(() -> {
            deliveries.sync(all);
            return null;
        });
    }

    List<WebhookSettings.Endpoint> all() {
        return all;
    }

    Optional<WebhookSettings.Endpoint> byUrl(String url) {
        return all.stream().filter(e -> e.url().equals(url)).findFirst();
    }
}
