/**
 * Who is calling: the token verifier (HS256 secret, public key or JWKS), the path rules of API.md
 * "Identity", {@code Caller} resolved once per request, demo tokens, and the same checks for the
 * send fast path ({@code FastPathSecurity}).
 */
@ApplicationModule(displayName = "auth", allowedDependencies = {"config", "web", "shared"})
package io.medmsg.auth;

import org.springframework.modulith.ApplicationModule;
