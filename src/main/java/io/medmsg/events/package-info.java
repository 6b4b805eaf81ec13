/**
 * Events out (API.md §5): the transactional outbox that the changes of {@code chat} write into
 * inside their own transactions ({@code Outbox}), the dispatcher that delivers each event to the
 * configured endpoints with Standard Webhooks signatures, retries and leases, the admin API of
 * deliveries and their metrics. {@code chat} calls the outbox; the outbox never calls {@code chat}
 * but through the {@code MessageSource} port that {@code chat} implements.
 */
@ApplicationModule(displayName = "events", allowedDependencies = {"db", "shared", "web"})
package io.medmsg.events;

import org.springframework.modulith.ApplicationModule;
