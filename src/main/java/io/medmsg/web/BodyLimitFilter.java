package io.medmsg.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps JSON request bodies, and tells a client's failure to send its body from ours. A declared
 * Content-Length over the cap is refused before the body is used; a chunked body is counted while
 * it is read and fails as soon as it passes the cap. Either way the refused body is read and
 * dropped before the 413 goes out: closing a connection with unread bytes makes the kernel send a
 * reset, which can destroy the answer in the client's buffer before the client reads it (seen:
 * "header parser received no bytes", and a 5 MB body that met a reset instead of the 413).
 *
 * <p>Every request body (file uploads included, without the cap) is read through here, so a read
 * that fails because the client stopped sending ({@link ClientBodyFailure#timedOut}) or went away
 * is reported as such, never as an internal error.
 */
class BodyLimitFilter extends OncePerRequestFilter {

    /**
     * A refused body up to this size is read and dropped before the answer; a larger one is not
     * worth reading, and its client may meet that reset. 32 MiB of loopback or LAN is well under
     * a second; a client sending slowly is cut by the connection's idle timeout.
     */
    static final long DRAIN_MAX = 32L * 1024 * 1024;

    private final long limit;

    BodyLimitFilter(long limit) {
        this.limit = limit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // uploads of files have their own size (the slot's), checked where they are received
        long cap = request.getRequestURI().startsWith("/files/") ? Long.MAX_VALUE : limit;
        request.setAttribute(BodyLimitFilter.class.getName(), limit);
        long declared = request.getContentLengthLong();
        if (declared > cap) {
            // a client that waits for "100 Continue" has sent nothing yet: nothing to drain
            boolean waiting = "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
            if (waiting || declared > DRAIN_MAX || !drain(request.getInputStream(), DRAIN_MAX)) {
                response.setHeader("Connection", "close");
            }
            writer(request).write(request, response, ErrorCode.TOO_LARGE, message(request));
            return;
        }
        chain.doFilter(new Limited(request, cap), response);
    }

    /** Reads and drops up to {@code max} bytes; true when the body ended within them. */
    private static boolean drain(InputStream in, long max) {
        byte[] sink = new byte[8192];
        long total = 0;
        try {
            int n;
            while ((n = in.read(sink)) != -1) {
                total += n;
                if (total > max) {
                    return false;
                }
            }
            return true;
        } catch (IOException clientGone) {
            // nothing left to protect
            return false;
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
    }

    private EnvelopeWriter writer(HttpServletRequest request) {
        return org.springframework.web.context.support.WebApplicationContextUtils
                .getRequiredWebApplicationContext(request.getServletContext()).getBean(EnvelopeWriter.class);
    }

    static String message(HttpServletRequest request) {
        Object limit = request.getAttribute(BodyLimitFilter.class.getName());
        return "the request body is larger than the limit of " + limit + " bytes";
    }

    static boolean wasExceeded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }

    /** The failure of a read of the request body that was the client's doing, if that is what {@code e} is. */
    static ClientBodyFailure clientFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientBodyFailure failure) {
                return failure;
            }
        }
        return null;
    }

    static final class TooLarge extends IOException {
        TooLarge() {
            super("request body over the limit", null);
        }
    }

    /**
     * Reading the request body failed on the client's side: it stopped sending before the body was
     * complete and the connection's idle timeout passed ({@link #timedOut}), or it went away (the
     * connection closed or was reset before the declared length arrived).
     */
    static final class ClientBodyFailure extends IOException {
        private final boolean timedOut;

        ClientBodyFailure(IOException cause) {
            super(cause.toString(), cause);
            this.timedOut = hasTimeout(cause);
        }

        boolean timedOut() {
            return timedOut;
        }

        private static boolean hasTimeout(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                throw new ClientBodyFailure(e);
            }
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(buf, off, len);
            } catch (IOException e) {
                throw new ClientBodyFailure(e);
            }
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) throws TooLarge {
            count += n;
            if (count > limit) {
                // the rest is read and dropped now, so that the 413 goes out on a connection with
                // nothing unread (see the class comment); past DRAIN_MAX the connection is closed
                drain(in, DRAIN_MAX);
                throw new TooLarge();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
