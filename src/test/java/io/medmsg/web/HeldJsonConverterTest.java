package io.medmsg.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.mock.http.MockHttpOutputMessage;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guarantee a read's audit relies on: a held body reaches the client only after its condition
 * has returned, and not at all if the condition fails.
 */
class HeldJsonConverterTest {

    private final HeldJsonConverter converter = new HeldJsonConverter(JsonMapper.builder().build());
    private final MockHttpServletRequest request = new MockHttpServletRequest();
    private final MockHttpOutputMessage out = new MockHttpOutputMessage();

    @BeforeEach
    void bindRequest() {
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    }

    @AfterEach
    void unbindRequest() {
        RequestContextHolder.resetRequestAttributes();
    }

    @Test
    void aHeldBodyIsWrittenOnlyOnceItsConditionHasReturned() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HeldAnswers.holdUntil(request, HeldJsonConverter.class, () -> {
            entered.countDown();
            await(release);
        });

        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> write(page()), this::onThisRequest);
        assertThat(entered.await(5, TimeUnit.SECONDS)).as("the condition is waited for").isTrue();
        assertThat(out.getBodyAsBytes()).as("bytes written while held").isEmpty();

        release.countDown();
        writing.get(5, TimeUnit.SECONDS);
        assertThat(out.getBodyAsString(StandardCharsets.UTF_8)).isEqualTo("{\"texts\":[\"您好\",\"请按时服药\"]}");
    }

    @Test
    void aHeldBodyCarriesItsLengthSoThatItIsNotSentChunked() {
        HeldAnswers.holdUntil(request, HeldJsonConverter.class, () -> { });

        write(page());

        assertThat(out.getHeaders().getContentLength()).isEqualTo(out.getBodyAsBytes().length).isPositive();
    }

    @Test
    void aHeldBodyWhoseConditionFailsIsNotWrittenAndTheFailureIsThrown() {
        HeldAnswers.holdUntil(request, HeldJsonConverter.class, () -> {
            throw new IllegalStateException("record not committed");
        });

        assertThatThrownBy(() -> write(page())).hasMessage("record not committed");
        assertThat(out.getBodyAsBytes()).as("bytes written").isEmpty();
    }

    @Test
    void aBodyNotHeldIsWrittenAsSpringWritesIt() {
        write(page());

        assertThat(out.getBodyAsString(StandardCharsets.UTF_8)).isEqualTo("{\"texts\":[\"您好\",\"请按时服药\"]}");
    }

    @Test
    void aBodyIsHeldOnlyByItsOwnConverterAndOnTheThreadThatKnowsTheRequest() {
        assertThat(HeldAnswers.holdUntil(request, StringHttpMessageConverter.class, () -> { }))
                .as("held for another converter").isFalse();
        assertThat(HeldAnswers.holdUntil(new MockHttpServletRequest(), HeldJsonConverter.class, () -> { }))
                .as("held for a request this thread does not serve").isFalse();
        assertThat(HeldAnswers.holdUntil(request, HeldJsonConverter.class, () -> { })).isTrue();
    }

    private static Map<String, List<String>> page() {
        return Map.of("texts", List.of("您好", "请按时服药"));
    }

    private void write(Object body) {
        try {
            converter.write(body, MediaType.APPLICATION_JSON, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs on another thread with this test's request bound, as the request's own thread has it. */
    private void onThisRequest(Runnable work) {
        Thread.ofVirtual().start(() -> {
            RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
            work.run();
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
