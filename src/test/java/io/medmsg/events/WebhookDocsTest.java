package io.medmsg.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;

/**
 * The verification examples of docs/webhooks.md, taken from the page as they are written, compiled
 * (Java) or run by python3, against signatures made by {@link Signature}: what the page tells a
 * receiver to do accepts MedMsg's requests and refuses forged, stale and wrongly keyed ones.
 */
class WebhookDocsTest {

    private static final byte[] NEW = "the new secret, rotated in today!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OLD = "the old secret, still configured".getBytes(StandardCharsets.UTF_8);
    private static final String BODY = "{\"type\":\"message.created\",\"id\":\"e1\",\"data\":{\"text\":\"您好\"}}";

    @TempDir
    static Path dir;
    private static Method java;

    @BeforeAll
    static void compileTheJavaExample() throws Exception {
        Path source = dir.resolve("VerifyWebhook.java");
        Files.writeString(source, block("java"));
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), source.toString()))
                .as("the Java example compiles").isZero();
        java = new URLClassLoader(new URL[] {dir.toUri().toURL()}).loadClass("VerifyWebhook")
                .getMethod("verify", String.class, String.class, String.class, String.class, String.class);
    }

    private static String block(String language) throws IOException {
        String page = Files.readString(Path.of("docs/webhooks.md"));
        Matcher m = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("a " + language + " block in docs/webhooks.md").isTrue();
        return m.group(1);
    }

    private static String whsec(byte[] key) {
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private record Signed(String id, String timestamp, String signature, String body) {
    }

    private static Signed signed(long timestamp, String body) {
        return new Signed("e1", Long.toString(timestamp), Signature.header(List.of(NEW, OLD), "e1", timestamp, body), body);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static boolean javaSays(String secret, Signed s) throws Exception {
        return (boolean) java.invoke(null, secret, s.id(), s.timestamp(), s.signature(), s.body());
    }

    private static boolean pythonSays(String secret, Signed s) throws Exception {
        Path script = dir.resolve("verify.py");
        Files.writeString(script, block("python") + """

                import json, sys
                a = json.load(sys.stdin)
                ok = verify(a["secret"], {"webhook-id": a["id"], "webhook-timestamp": a["timestamp"],
                                          "webhook-signature": a["signature"]}, a["body"].encode())
                sys.exit(0 if ok else 1)
                """);
        Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(JsonMapper.builder().build().writeValueAsBytes(Map.of("secret", secret,
                "id", s.id(), "timestamp", s.timestamp(), "signature", s.signature(), "body", s.body())));
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isIn(0, 1);
        return p.exitValue() == 0;
    }

    @Test
    void theJavaExampleAcceptsEitherSecretAndRefusesTheRest() throws Exception {
        assertThat(javaSays(whsec(NEW), signed(now(), BODY))).isTrue();
        assertThat(javaSays(whsec(OLD), signed(now(), BODY))).isTrue();
        assertThat(javaSays(whsec("some other secret entirely, 32b!".getBytes(StandardCharsets.UTF_8)),
                signed(now(), BODY))).isFalse();
        Signed s = signed(now(), BODY);
        assertThat(javaSays(whsec(NEW), new Signed(s.id(), s.timestamp(), s.signature(), BODY.replace("您好", "再见"))))
                .as("a changed body").isFalse();
        assertThat(javaSays(whsec(NEW), signed(now() - 3600, BODY))).as("an hour old").isFalse();
    }

    @Test
    void thePythonExampleAcceptsEitherSecretAndRefusesTheRest() throws Exception {
        assertThat(pythonSays(whsec(NEW), signed(now(), BODY))).isTrue();
        assertThat(pythonSays(whsec(OLD), signed(now(), BODY))).isTrue();
        assertThat(pythonSays(whsec("some other secret entirely, 32b!".getBytes(StandardCharsets.UTF_8)),
                signed(now(), BODY))).isFalse();
        Signed s = signed(now(), BODY);
        assertThat(pythonSays(whsec(NEW), new Signed(s.id(), s.timestamp(), s.signature(), BODY.replace("您好", "再见"))))
                .as("a changed body").isFalse();
        assertThat(pythonSays(whsec(NEW), signed(now() - 3600, BODY))).as("an hour old").isFalse();
    }
}
