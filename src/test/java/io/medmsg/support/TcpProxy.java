package io.medmsg.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between the service and its database, to cut as a network outage would: {@link #cut}
 * resets every connection through it and every new one; {@link #restore} passes them again. The
 * proxy keeps its listening port throughout: given up during the cut, the port could be taken by
 * another process of a busy machine (seen: "Address already in use" on restore).
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private volatile boolean down;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        this.port = server.getLocalPort();
        Thread.ofVirtual().start(this::accept);
    }

    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The outage: every connection through the proxy is reset, and so is every new one. */
    public synchronized void cut() {
        down = true;
        open.forEach(TcpProxy::reset);
        open.clear();
    }

    /** The end of the outage: connections pass again. */
    public synchronized void restore() {
        down = false;
    }

    /**
     * Keeps a connection that was accepted before a {@link #cut}, unless the cut came while its
     * upstream was being opened: {@link #cut} would have missed it, and it would pass the whole
     * outage. The pool refills right after the server ends its sessions, just as the cut comes: a
     * CI run saw an instance stay ready 17 s into an outage, which such a connection explains.
     */
    private synchronized boolean register(Socket client, Socket upstream) {
        if (down) {
            return false;
        }
        open.add(client);
        open.add(upstream);
        return true;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    reset(client);
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                if (!register(client, upstream)) {
                    reset(client);
                    reset(upstream);
                    continue;
                }
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException closed) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Closes with a TCP reset, as a dropped route or a restarted server looks to the client. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        closeQuietly(socket);
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        } catch (IOException cutOrClosed) {
            // either side went away: so does the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }
}
