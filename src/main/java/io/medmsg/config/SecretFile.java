package io.medmsg.config;

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

/**
 * A secret generated once into a file of the data dir (32 random bytes as text, mode 600) and read
 * back on every start, for when the operator configured none. The file holds text, so an operator
 * can hand the very same string to whatever must share it.
 */
public final class SecretFile {

    private static final Logger log = LoggerFactory.getLogger(SecretFile.class);

    private SecretFile() {
    }

    /**
     * The secret's UTF-8 bytes. {@code what} names it in the log and in errors ("HS256 token
     * secret"); {@code setting} is the property that would replace the file.
     */
    public static byte[] readOrCreate(Path file, String what, String setting) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                create(file);
                log.info("Generated a new {} in {} (set {} to use your own)", what, file, setting);
            } else {
                log.info("Using the {} in {}", what, file);
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalStateException("The " + what + " in " + file + " is shorter than 32 bytes; "
                        + "delete the file to have a new one generated");
            }
            return secret.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the " + what + " " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            // another start-up wrote it first; use theirs
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, secret, StandardCharsets.UTF_8);
    }
}
