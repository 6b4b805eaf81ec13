package io.medmsg.web.client;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Uploads;
import tools.jackson.databind.JsonNode;

/**
 * Base of the newer browser test classes: the application on a random port (as any API test),
 * browsers opened through {@link #browser} and closed after each test, and a check that no page
 * threw an uncaught script error meanwhile.
 */
abstract class BrowserTest extends ApiTest {

    private final List<Browser> browsers = new ArrayList<>();

    @BeforeAll
    static void browserInstalled() {
        Browser.requireInstalled();
    }

    @AfterEach
    void closeBrowsers() {
        for (Browser b : browsers) {
            List<String> errors = b.consoleErrors();
            errors.forEach(e -> System.out.println(b.who + " console: " + e));
            b.close();
            // network failures are expected where a test provokes them; script errors never are
            assertThat(errors).as(b.who + ": uncaught script errors").noneMatch(e -> e.contains("Uncaught"));
        }
        browsers.clear();
    }

    Browser browser(String who, int width, int height) {
        Browser b = new Browser(who, width, height);
        browsers.add(b);
        return b;
    }

    Browser browser(String who, int width, int height, List<String> extraArguments) {
        Browser b = new Browser(who, width, height, extraArguments);
        browsers.add(b);
        return b;
    }

    String base() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** A patient's file message to the doctor through the API: upload slot, PUT, upload_access, send_res_msg. */
    void sendFile(String token, String doctorId, String name, String mime, byte[] bytes) {
        Uploads uploads = new Uploads(api);
        JsonNode slot = uploads.slot("patient", token, name, mime, bytes, true);
        assertThat(Uploads.put(slot, bytes).statusCode()).isEqualTo(200);
        String fileId = slot.get("file_id").asString();
        Reply ready = uploads.confirm("patient", token, fileId);
        assertThat(ready.status()).as(ready.raw()).isEqualTo(200);
        Reply sent = api.post(Chat.P + "send_res_msg", token, body("doctor_id", doctorId, "file_id", fileId));
        assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
    }
}
