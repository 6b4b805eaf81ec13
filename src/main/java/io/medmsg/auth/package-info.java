/**
 * Who is calling: the token verifier (HS256 secret, public key or JWKS), the path rules of API.md
 * "Identity" ({@code AccessRules}, the one definition of which role may call which route),
 * {@code Caller} resolved once per request, demo tokens.
 */
@ApplicationModule(displayName = "auth", allowedDependencies = {"config", "web", "shared"})
package io.medmsg.auth;

import org.springframework.modulith.ApplicationModule;
