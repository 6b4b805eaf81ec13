package io.medmsg.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The dispatcher's HTTP/1.1 client: one blocking POST at a time per caller, over keep-alive
 * connections pooled per origin. It does the little a webhook needs and nothing else, because
 * the JDK's HttpClient cost about as much CPU per delivery as a send costs the service (profiled,
 * issue #13). Redirects are never followed (a 3xx is the answer). The whole request — connecting,
 * the TLS handshake, writing, and every read of the answer — must finish within {@code timeout}:
 * each read waits only for the time left, so a receiver that trickles bytes cannot hold a
 * delivery longer. An answer's body is read only to keep the connection (up to
 * {@link #MAX_ANSWER_BODY}); a longer one closes it instead. A kept-alive connection that the
 * receiver closed while it was idle is noticed on use (the write fails, or the answer ends before
 * its first byte) and the request is sent once more on a new connection; every other failure is
 * an {@link IOException}.
 */
final class WebhookClient implements AutoCloseable {

    /** The longest answer body read to keep its connection: receivers are expected to answer with next to nothing. */
    static final int MAX_ANSWER_BODY = 64 * 1024;
    /** A connection idle this long is closed (receivers close theirs after 5 s to a few minutes). */
    static final Duration IDLE = Duration.ofSeconds(20);
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 200;

    private final int maxIdlePerOrigin;
    private final long timeoutNanos;
    private final long idleNanos;
    private final SSLContext givenSsl;
    private volatile SSLSocketFactory tls;
    private final Map<Origin, Pool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** With the JDK's default trust (its cacerts) for https. */
    WebhookClient(int maxIdlePerOrigin, Duration timeout) {
        this(maxIdlePerOrigin, timeout, null, IDLE);
    }

    /** With the given TLS context (tests trust their own certificate with it) and idle time. */
    WebhookClient(int maxIdlePerOrigin, Duration timeout, SSLContext ssl, Duration idle) {
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.timeoutNanos = timeout.toNanos();
        this.idleNanos = idle.toNanos();
        this.givenSsl = ssl;
    }

    /** Where connections go: pooled by it. */
    private record Origin(boolean https, String host, int port) {
    }

    /** An endpoint's URL taken apart once: its origin and the start of every request to it. */
    static final class Target {

        private final Origin origin;
        private final byte[] head;

        private Target(Origin origin, byte[] head) {
            this.origin = origin;
            this.head = head;
        }

        /** An http(s) URL, as {@link WebhookSettings.Endpoint} checked it. */
        static Target of(String url) {
            URI uri = URI.create(url);
            boolean https = uri.getScheme().equalsIgnoreCase("https");
            String host = uri.getHost();
            int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String hostHeader = uri.getPort() == -1 ? host : host + ":" + port;
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\ncontent-type: application/json\r\nuser-agent: MedMsg-Webhooks\r\n";
            // an IPv6 literal is [bracketed] in a URL and the Host header, not when connecting
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return new Target(new Origin(https, bare, port), head.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** The whole request in one buffer: request line, headers, the webhook-* headers and the body. */
        byte[] request(String id, long timestampSeconds, String signature, byte[] body) {
            byte[] rest = ("content-length: " + body.length + "\r\nwebhook-id: " + id + "\r\nwebhook-timestamp: "
                    + timestampSeconds + "\r\nwebhook-signature: " + signature + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = new byte[head.length + rest.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(rest, 0, request, head.length, rest.length);
            System.arraycopy(body, 0, request, head.length + rest.length, body.length);
            return request;
        }
    }

    /**
     * Sends a request made by {@link Target#request} and returns the answer's status. Throws
     * {@link IOException} when there is no complete status line and headers within the timeout.
     */
    int post(Target target, byte[] request) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        Connection kept = pool(target.origin).take(System.nanoTime());
        if (kept != null) {
            try {
                return exchange(kept, request, deadline, true);
            } catch (StaleConnection e) {
                // closed by the receiver while idle: the request never reached it, so it is sent once more
            }
        }
        return exchange(connect(target.origin, deadline), request, deadline, false);
    }

    /** Closes the connections idle for longer than the idle time; called now and then by the dispatcher. */
    void closeIdle() {
        long now = System.nanoTime();
        for (Pool pool : pools.values()) {
            pool.closeIdle(now);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Pool pool : pools.values()) {
            pool.closeIdle(Long.MAX_VALUE);
        }
    }

    private Pool pool(Origin origin) {
        return pools.computeIfAbsent(origin, o -> new Pool());
    }

    private int exchange(Connection c, byte[] request, long deadline, boolean reused) throws IOException {
        try {
            try {
                c.out.write(request);
                c.out.flush();
            } catch (IOException e) {
                throw reused ? new StaleConnection(e) : e;
            }
            Answer answer = c.readAnswer(deadline, reused);
            if (answer.keepAlive() && !closed) {
                pool(c.origin).put(c, System.nanoTime());
            } else {
                c.close();
            }
            return answer.status();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Connection connect(Origin origin, long deadline) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(origin.host(), origin.port()), millisLeft(deadline));
            if (origin.https()) {
                SSLSocket tlsSocket = (SSLSocket) tls().createSocket(socket, origin.host(), origin.port(), true);
                SSLParameters parameters = tlsSocket.getSSLParameters();
                // the certificate must name the host, as a browser checks it
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!ipLiteral(origin.host())) {
                    parameters.setServerNames(List.of(new SNIHostName(origin.host())));
                }
                tlsSocket.setSSLParameters(parameters);
                tlsSocket.setSoTimeout(millisLeft(deadline));
                tlsSocket.startHandshake();
                socket = tlsSocket;
            }
            return new Connection(origin, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private SSLSocketFactory tls() throws IOException {
        SSLSocketFactory factory = tls;
        if (factory == null) {
            try {
                factory = (givenSsl != null ? givenSsl : SSLContext.getDefault()).getSocketFactory();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no TLS in this JDK", e);
            }
            tls = factory;
        }
        return factory;
    }

    private static boolean ipLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
    }

    /** The time left before the deadline, for a socket timeout (where 0 would mean forever). */
    private int millisLeft(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no complete answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
    }

    /** A kept-alive connection the receiver had closed: the request is tried once more on a new one. */
    private static final class StaleConnection extends IOException {
        StaleConnection(Throwable cause) {
            super("the kept-alive connection was closed by the receiver", cause);
        }
    }

    /** The status and whether the connection may carry the next request. */
    private record Answer(int status, boolean keepAlive) {
    }

    /** The idle connections to one origin, the most recently used first. */
    private final class Pool {

        private final ArrayDeque<Connection> idle = new ArrayDeque<>();

        Connection take(long now) {
            while (true) {
                Connection c;
                synchronized (this) {
                    c = idle.pollFirst();
                }
                if (c == null) {
                    return null;
                }
                if (now - c.idleSince <= idleNanos) {
                    return c;
                }
                c.close();
            }
        }

        void put(Connection c, long now) {
            c.idleSince = now;
            synchronized (this) {
                if (idle.size() < maxIdlePerOrigin) {
                    idle.addFirst(c);
                    return;
                }
            }
            c.close();
        }

        void closeIdle(long now) {
            List<Connection> expired = new ArrayList<>();
            synchronized (this) {
                while (!idle.isEmpty() && (now == Long.MAX_VALUE || now - idle.peekLast().idleSince > idleNanos)) {
                    expired.add(idle.pollLast());
                }
            }
            expired.forEach(Connection::close);
        }
    }

    /** One socket and its read buffer. */
    private final class Connection {

        final Origin origin;
        private final Socket socket;
        private final InputStream in;
        final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;
        long idleSince;

        Connection(Origin origin, Socket socket) throws IOException {
            this.origin = origin;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing left to do with it
            }
        }

        /** Reads the status line and headers (skipping 1xx answers), then drains or gives up the body. */
        Answer readAnswer(long deadline, boolean reused) throws IOException {
            boolean first = true;
            while (true) {
                String statusLine = readLine(deadline, first && reused);
                first = false;
                if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                    throw new IOException("not an HTTP/1.x answer");
                }
                int status = status(statusLine);
                boolean http10 = statusLine.charAt(7) == '0';
                long contentLength = -1;
                boolean chunked = false;
                boolean close = false;
                boolean keepAlive = false;
                for (int n = 0;; n++) {
                    String line = readLine(deadline, false);
                    if (line.isEmpty()) {
                        break;
                    }
                    if (n == MAX_HEADERS) {
                        throw new IOException("too many answer headers");
                    }
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new IOException("a malformed answer header");
                    }
                    String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
                    switch (name) {
                        case "content-length" -> contentLength = contentLength(value);
                        case "transfer-encoding" -> chunked = value.endsWith("chunked");
                        case "connection" -> {
                            close |= value.contains("close");
                            keepAlive |= value.contains("keep-alive");
                        }
                        default -> {
                        }
                    }
                }
                if (status == 101) {
                    throw new IOException("the receiver switched protocols");
                }
                if (status < 200) {
                    continue; // 100 Continue and the like: the answer follows
                }
                boolean keep = !close && (!http10 || keepAlive);
                if (status == 204 || status == 304) {
                    return new Answer(status, keep);
                }
                if (chunked) {
                    return new Answer(status, drainChunked(deadline) && keep);
                }
                if (contentLength >= 0) {
                    if (contentLength > MAX_ANSWER_BODY) {
                        return new Answer(status, false); // not read: the connection is closed instead
                    }
                    skip(contentLength, deadline);
                    return new Answer(status, keep);
                }
                drainToEnd(deadline);
                return new Answer(status, false);
            }
        }

        private static int status(String statusLine) throws IOException {
            int status = 0;
            for (int i = 9; i < 12; i++) {
                char ch = statusLine.charAt(i);
                if (ch < '0' || ch > '9') {
                    throw new IOException("a malformed status line");
                }
                status = status * 10 + (ch - '0');
            }
            return status;
        }

        private static long contentLength(String value) throws IOException {
            try {
                long length = Long.parseLong(value);
                if (length < 0) {
                    throw new IOException("a negative content-length");
                }
                return length;
            } catch (NumberFormatException e) {
                throw new IOException("a malformed content-length");
            }
        }

        /** Reads a chunked body to its end; false (leaving it unread) when it is longer than the cap. */
        private boolean drainChunked(long deadline) throws IOException {
            long total = 0;
            while (true) {
                String sizeLine = readLine(deadline, false);
                int extension = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a malformed chunk size");
                }
                if (size < 0) {
                    throw new IOException("a malformed chunk size");
                }
                if (size == 0) {
                    while (!readLine(deadline, false).isEmpty()) {
                        // trailers: ignored
                    }
                    return true;
                }
                total += size;
                if (total > MAX_ANSWER_BODY) {
                    return false;
                }
                skip(size, deadline);
                if (!readLine(deadline, false).isEmpty()) {
                    throw new IOException("a chunk longer than its size");
                }
            }
        }

        /** A body delimited by the end of the connection: read up to the cap (the connection is closed after). */
        private void drainToEnd(long deadline) throws IOException {
            long total = limit - position;
            position = limit;
            while (total <= MAX_ANSWER_BODY && fill(deadline)) {
                total += limit - position;
                position = limit;
            }
        }

        private void skip(long count, long deadline) throws IOException {
            while (count > 0) {
                if (position == limit && !fill(deadline)) {
                    throw new IOException("the answer ended inside its body");
                }
                int n = (int) Math.min(count, limit - position);
                position += n;
                count -= n;
            }
        }

        /**
         * A line without its CR LF. When {@code staleIfNothing}, an end or reset of the connection
         * before its first byte means a kept-alive connection the receiver had closed.
         */
        private String readLine(long deadline, boolean staleIfNothing) throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (position == limit) {
                    boolean more;
                    try {
                        more = fill(deadline);
                    } catch (SocketException e) {
                        if (staleIfNothing && line.isEmpty()) {
                            throw new StaleConnection(e);
                        }
                        throw e;
                    }
                    if (!more) {
                        if (staleIfNothing && line.isEmpty()) {
                            throw new StaleConnection(null);
                        }
                        throw new IOException("the receiver closed the connection before a complete answer");
                    }
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                if (line.length() == MAX_LINE) {
                    throw new IOException("an answer line longer than " + MAX_LINE + " bytes");
                }
                line.append((char) (b & 0xff));
            }
        }

        /** Reads what has arrived, waiting at most until the deadline; false at the end of the stream. */
        private boolean fill(long deadline) throws IOException {
            socket.setSoTimeout(millisLeft(deadline));
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                position = limit = 0;
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }
    }
}
