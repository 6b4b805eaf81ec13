package io.medmsg.config;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The {@code prod} profile is for a hospital's real deployment: it must neither hand out demo
 * tokens nor trust a secret that was generated on the spot.
 */
@Component
class ProfileGuard {

    ProfileGuard(Environment environment, MedMsgProperties properties) {
        if (!environment.acceptsProfiles(Profiles.of("prod"))) {
            return;
        }
        if (properties.demo().enabled()) {
            throw new IllegalStateException("The prod profile refuses to start with demo mode on: "
                    + "set medmsg.demo.enabled=false (MEDMSG_DEMO_ENABLED=false)");
        }
        if (!properties.auth().hasExplicitVerifier()) {
            throw new IllegalStateException("The prod profile needs a token verifier: set medmsg.auth.hs256-secret "
                    + "(MEDMSG_AUTH_HS256_SECRET), medmsg.auth.public-key (MEDMSG_AUTH_PUBLIC_KEY) "
                    + "or medmsg.auth.jwk-set-uri (MEDMSG_AUTH_JWK_SET_URI)");
        }
    }
}
