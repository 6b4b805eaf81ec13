package io.medmsg.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.header.HeaderWriter;

/**
 * The response headers of every answer, as Spring Security's writers of them wrote them (values,
 * order and HSTS on HTTPS only; {@code ApiHeadersTest} holds them to those writers): no caching of
 * answers that carry patients' data, no sniffing of content types, no framing. One writer rather
 * than five, each of which looked for its header first: 3.7 % of an idle poll's CPU
 * (async-profiler, docs/benchmarks.md). The chain writes them as a request enters it, when the
 * response has no header of these yet.
 */
final class ApiHeaders implements HeaderWriter {

    private static final String HSTS = "max-age=31536000 ; includeSubDomains";

    @Override
    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader("X-Content-Type-Options", "nosniff");
        response.addHeader("X-XSS-Protection", "0");
        response.addHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
        response.addHeader("Pragma", "no-cache");
        response.addHeader("Expires", "0");
        if (request.isSecure()) {
            response.addHeader("Strict-Transport-Security", HSTS);
        }
        response.addHeader("X-Frame-Options", "DENY");
    }
}
