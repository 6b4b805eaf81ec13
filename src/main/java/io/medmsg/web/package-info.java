/**
 * The HTTP envelope of API.md: error codes and their statuses, the one exception handler, request
 * ids, body limits, the fallback error controller and the OpenAPI document. Knows nothing of the
 * features; they throw {@code ApiException} and return {@code Envelope}.
 */
@ApplicationModule(displayName = "web", allowedDependencies = {"config", "shared"})
package io.medmsg.web;

import org.springframework.modulith.ApplicationModule;
