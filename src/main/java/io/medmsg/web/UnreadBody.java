package io.medmsg.web;

import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.springframework.http.HttpHeaders;

/**
 * An error answered before the request body arrived must say {@code Connection: close}. Jetty will
 * not wait for bytes nobody reads: it closes such a connection after the response. It adds the
 * header itself only while the response is uncommitted, and the envelope is flushed before that
 * point, so without it a client that reuses the connection meets a closed socket on its next
 * request (seen as "header parser received no bytes" in the JDK's client).
 */
final class UnreadBody {

    private UnreadBody() {
    }

    /** Adds Connection: close to an error response when the request's body is still on its way. */
    static void closeIfPending(HttpServletRequest request, HttpHeaders headers) {
        if (pending(request)) {
            headers.setConnection("close");
        }
    }

    /** Drops what of the body has arrived, as Jetty would at the end; true when more is still to come. */
    static boolean pending(HttpServletRequest request) {
        try {
            ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
            return jetty != null && !jetty.consumeAvailable();
        } catch (IllegalStateException notServedByJetty) {
            return false;
        }
    }
}
