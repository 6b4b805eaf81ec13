package io.medmsg.auth;

import java.nio.charset.StandardCharsets;

import io.medmsg.config.MedMsgProperties;
import io.medmsg.config.SecretFile;

/**
 * The HS256 key: the configured secret's UTF-8 bytes, or else a secret generated once into
 * {@code <data-dir>/jwt-secret}, whose text is the secret to hand to the hospital's token issuer.
 */
final class SharedSecret {

    private SharedSecret() {
    }

    static byte[] resolve(MedMsgProperties properties) {
        String configured = properties.auth().hs256Secret();
        if (configured != null) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        return SecretFile.readOrCreate(properties.dataDir().resolve("jwt-secret"), "HS256 token secret",
                "medmsg.auth.hs256-secret");
    }
}
