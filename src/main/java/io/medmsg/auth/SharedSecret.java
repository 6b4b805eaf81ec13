package io.medmsg.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.medmsg.config.MedMsgProperties;

/**
 * The HS256 key: the configured secret's UTF-8 bytes, or else a secret generated once into
 * {@code <data-dir>/jwt-secret} (mode 600). The file holds text, so an operator can hand the
 * very same string to the hospital's token issuer.
 */
final class SharedSecret {

    private static final Logger log = LoggerFactory.getLogger(SharedSecret.class);

    private SharedSecret() {
    }

    static byte[] resolve(MedMsgProperties properties) {
        String configured = properties.auth().hs256Secret();
        if (configured != null) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        Path file = properties.dataDir().resolve("jwt-secret");
        try {
            Files.createDirectories(properties.dataDir());
            if (!Files.exists(file)) {
                create(file);
                log.info("Generated a new HS256 token secret in {} (set medmsg.auth.hs256-secret to use your own)", file);
            } else {
                log.info("Using the HS256 token secret in {}", file);
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalStateException("The token secret in " + file + " is shorter than 32 bytes; "
                        + "delete the file to have a new one generated");
            }
            return secret.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the token secret " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, secret, StandardCharsets.UTF_8);
    }
}
