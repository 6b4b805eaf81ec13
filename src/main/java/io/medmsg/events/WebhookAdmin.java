package io.medmsg.events;

import java.time.Clock;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.stereotype.Service;

import io.medmsg.db.Database;
import io.medmsg.web.ApiException;

/** The admin API of deliveries (API.md §5): list them, queue failed ones again. */
@Service
class WebhookAdmin {

    private final DeliveryRepository deliveries;
    private final Endpoints endpoints;
    private final Database db;
    private final Clock clock;
    private final Dispatcher dispatcher;

    WebhookAdmin(DeliveryRepository deliveries, Endpoints endpoints, Database db, Clock clock, Dispatcher dispatcher) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.db = db;
        this.clock = clock;
        this.dispatcher = dispatcher;
    }

    record Page(List<Delivery.View> list, @Schema(nullable = true) String nextCursor) {
    }

    record Queued(int queued) {
    }

    Page list(String status, String endpoint, String cursor, int limit) {
        long before = Long.MAX_VALUE;
        if (cursor != null) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw new ApiException(io.medmsg.web.ErrorCode.BAD_CURSOR, "cursor is not one this server issued");
            }
        }
        List<Delivery> page = deliveries.page(status, endpoint, before, limit);
        String next = page.size() == limit ? Long.toString(page.getLast().deliveryId()) : null;
        return new Page(page.stream().map(Delivery::view).toList(), next);
    }

    /** One delivery again from its first attempt (unless it is pending already). */
    Queued redeliver(long deliveryId) {
        long now = clock.millis();
        int n = db.submit(() -> deliveries.requeue(deliveryId, now));
        dispatcher.wake();
        return new Queued(n);
    }

    /**
     * The endpoint's failed deliveries since {@code since} again; a disabled endpoint (410) is
     * enabled again, so that its events flow once more.
     */
    Queued redeliver(String endpoint, long since) {
        WebhookSettings.Endpoint e = endpoints.byUrl(endpoint)
                .orElseThrow(() -> ApiException.badParameter("endpoint is not a configured webhook endpoint"));
        long now = clock.millis();
        int n = db.submit(() -> {
            deliveries.enable(e);
            return deliveries.requeue(endpoint, since, now);
        });
        dispatcher.wake();
        return new Queued(n);
    }
}
