package io.medmsg.config;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The {@code prod} profile is for a hospital's real deployment: it must neither hand out demo
 * tokens nor trust a secret that was generated on the spot, nor let pages of any origin call the API.
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
        if (properties.cors().anyOrigin()) {
            throw new IllegalStateException("The prod profile refuses medmsg.cors.allowed-origins=* (MEDMSG_CORS_ALLOWED_ORIGINS): "
                    + "list the origins of the hospital's own pages, e.g. https://h5.example-hospital.cn");
        }
    }
}
