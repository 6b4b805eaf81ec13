package io.medmsg.events;

import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.web.ApiErrors;
import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;
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

    record Redeliver(@Schema(description = "one delivery; or endpoint and since") String deliveryId,
            @Schema(description = "with since: every delivery to this endpoint created since then") String endpoint,
            @Schema(minimum = "0", description = "milliseconds since the epoch") Long since) {
    }

    @Operation(summary = "Webhook deliveries, newest first (role admin)")
    @ApiErrors(ErrorCode.BAD_CURSOR)
    @GetMapping(A + "deliveries")
    Envelope<WebhookAdmin.Page> deliveries(
            @Parameter(schema = @Schema(allowableValues = {"pending", "failed", "succeeded"}))
            @RequestParam(required = false) String status,
            @Parameter(description = "an endpoint URL") @RequestParam(required = false) String endpoint,
            @Parameter(description = "next_cursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
            @RequestParam(defaultValue = "20") int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badParameter("status must be pending, failed or succeeded");
        }
        return Envelope.ok(admin.list(status, endpoint, cursor, Params.range("limit", limit, 1, 100)));
    }

    @Operation(summary = "Queue deliveries again: one, or an endpoint's since a time (role admin)")
    @ApiErrors(ErrorCode.NOT_FOUND)
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
