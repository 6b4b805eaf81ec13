package io.medmsg.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps JSON request bodies. A declared Content-Length over the cap is refused before reading;
 * a chunked body is counted while it is read and fails as soon as it passes the cap.
 */
class BodyLimitFilter extends OncePerRequestFilter {

    /**
     * A refused body up to this many times the limit is read and dropped after the answer: closing
     * a connection with unread bytes makes the kernel send a reset, which can destroy the 413 in
     * the client's buffer before the client reads it (seen: "header parser received no bytes").
     * Larger bodies are not worth reading; their clients may meet that reset.
     */
    private static final long DRAIN_FACTOR = 16;

    private final long limit;

    BodyLimitFilter(long limit) {
        this.limit = limit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        request.setAttribute(BodyLimitFilter.class.getName(), limit);
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            response.setHeader("Connection", "close");
            writer(request).write(request, response, ErrorCode.TOO_LARGE, message(request));
            response.flushBuffer();
            if (declared <= DRAIN_FACTOR * limit) {
                drain(request);
            }
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private static void drain(HttpServletRequest request) {
        byte[] sink = new byte[8192];
        try (ServletInputStream in = request.getInputStream()) {
            while (in.read(sink) != -1) {
                // dropped: the answer is already out
            }
        } catch (IOException clientGone) {
            // nothing left to protect
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())
                || request.getRequestURI().startsWith("/files/");
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

    static final class TooLarge extends IOException {
        TooLarge() {
            super("request body over the limit", null);
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
            int b = in.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) throws TooLarge {
            count += n;
            if (count > limit) {
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
