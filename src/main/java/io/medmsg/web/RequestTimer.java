package io.medmsg.web;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Times every request as {@code http.server.requests}, with the tags Spring's
 * {@code ServerHttpObservationFilter} gave it (error, exception, method, outcome, status, uri, the
 * same values), but without an observation per request: its context kept three concurrent maps,
 * and its convention and meter handler built the tags anew each time. That was about 1.1 KB of
 * heap for every held long-poll, and the filter 5 % of an idle poll's CPU (docs/benchmarks.md).
 * A held request is timed when it is answered.
 */
final class RequestTimer extends OncePerRequestFilter {

    static final String NAME = "http.server.requests";
    private static final Set<String> METHODS = Arrays.stream(HttpMethod.values()).map(HttpMethod::name)
            .collect(Collectors.toUnmodifiableSet());

    private final MeterRegistry registry;
    private final ConcurrentMap<Tags, Timer> timers = new ConcurrentHashMap<>();

    RequestTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        Throwable failed = null;
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            failed = unwrap(e);
            response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
            throw e;
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new WhenAnswered(start, failed));
            } else {
                record(request, response, start, failed);
            }
        }
    }

    private void record(HttpServletRequest request, HttpServletResponse response, long start, Throwable failed) {
        Throwable error = failed != null ? failed : (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Tags tags = Tags.of(request, response.getStatus(), error);
        timers.computeIfAbsent(tags, this::register).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private Timer register(Tags tags) {
        return Timer.builder(NAME)
                .tag("error", tags.exception).tag("exception", tags.exception).tag("method", tags.method)
                .tag("outcome", tags.outcome).tag("status", tags.status).tag("uri", tags.uri)
                .register(registry);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof ServletException && e.getCause() != null ? e.getCause() : e;
    }

    /** One timer's tags, as Spring's {@code DefaultServerRequestObservationConvention} names them. */
    private record Tags(String exception, String method, String outcome, String status, String uri) {

        static Tags of(HttpServletRequest request, int status, Throwable error) {
            String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "UNKNOWN";
            return new Tags(error == null ? "none" : name(error), method, outcome(status), Integer.toString(status),
                    uri(request, status));
        }

        private static String name(Throwable error) {
            String simple = error.getClass().getSimpleName();
            return simple.isEmpty() ? error.getClass().getName() : simple;
        }

        private static String outcome(int status) {
            if (status >= 200 && status < 300) {
                return "SUCCESS";
            }
            HttpStatus known = HttpStatus.resolve(status);
            return known == null ? "UNKNOWN" : known.series().name();
        }

        private static String uri(HttpServletRequest request, int status) {
            if (request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern) {
                return pattern.isEmpty() ? "root" : pattern;
            }
            if (status >= 300 && status < 400 && HttpStatus.resolve(status) != null) {
                return "REDIRECTION";
            }
            return status == 404 ? "NOT_FOUND" : "UNKNOWN";
        }
    }

    /** Times a request that went asynchronous (a held poll, an event stream) once it ends. */
    private final class WhenAnswered implements AsyncListener {
        private final long start;
        private Throwable failed;

        WhenAnswered(long start, Throwable failed) {
            this.start = start;
            this.failed = failed;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            record((HttpServletRequest) event.getSuppliedRequest(), (HttpServletResponse) event.getSuppliedResponse(),
                    start, failed);
        }

        @Override
        public void onError(AsyncEvent event) {
            failed = unwrap(event.getThrowable());
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // the container completes the request next: onComplete times it
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
