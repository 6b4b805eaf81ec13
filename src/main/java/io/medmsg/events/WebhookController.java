package io.medmsg.events;

import java.util.Set;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.Params;

/** The admin API of API.md §5 (the security chain lets only role admin under {@code /admin/}). */
@RestController
class WebhookController {

    private static final String A = "/msg_service/msg/admin/webhook/";
    private static final Set<String> STATUSES = Set.of(Delivery.PENDING, Delivery.FAILED, Delivery.SUCCEEDED);

    private final WebhookAdmin admin;

    WebhookController(WebhookAdmin admin) {
        this.admin = admin;
    }

    record Redeliver(String deliveryId, String endpoint, Long since) {
    }

    @GetMapping(A + "deliveries")
    Envelope<WebhookAdmin.Page> deliveries(@RequestParam(required = false) String status,
            @RequestParam(required = false) String endpoint, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "20") int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badParameter("status must be pending, failed or succeeded");
        }
        return Envelope.ok(admin.list(status, endpoint, cursor, Params.range("limit", limit, 1, 100)));
    }

    @PostMapping(A + "redeliver")
    Envelope<WebhookAdmin.Queued> redeliver(@RequestBody Redeliver body) {
        if (body.deliveryId() != null) {
            if (body.endpoint() != null || body.since() != null) {
                throw ApiException.badParameter("give either delivery_id or endpoint and since, not both");
            }
            try {
                return Envelope.ok(admin.redeliver(Long.parseLong(body.deliveryId())));
            } catch (NumberFormatException e) {
                throw ApiException.notFound("delivery");
            }
        }
        if (body.endpoint() == null || body.since() == null) {
            throw ApiException.badParameter("delivery_id, or endpoint and since (milliseconds), is required");
        }
        return Envelope.ok(admin.redeliver(body.endpoint(), Params.atLeast("since", body.since(), 0)));
    }
}
