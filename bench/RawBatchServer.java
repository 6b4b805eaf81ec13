import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The reference the send benchmark is read against: the least a durable HTTP send can cost on this
 * machine. The JDK's HTTP server; every POST body is stored as one row; one writer thread commits
 * up to 256 waiting rows per transaction (SQLite, WAL, synchronous=FULL) and only then answers
 * each. No authentication, no JSON, no session, no seq: what is left is HTTP plus a durable
 * commit. The orientation figure (about 8,300/s on its machine) is this kind of server;
 * run it beside the service (bench/reference.sh) and quote the service as a share of it, since
 * these machines' speed differs from day to day.
 *
 * usage: java -cp sqlite-jdbc.jar bench/RawBatchServer.java PORT DATA_DIR
 */
public final class RawBatchServer {

    private record Pending(byte[] body, CompletableFuture<Long> done) {
    }

    private static final BlockingQueue<Pending> QUEUE = new ArrayBlockingQueue<>(4096);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"));
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL)");
        }
        db.setAutoCommit(false);
        Thread.ofPlatform().name("writer").daemon(true).start(() -> write(db));

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1000);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", RawBatchServer::handle);
        server.start();
        System.out.println("raw batch server on " + port);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long id;
            try {
                Pending pending = new Pending(body, new CompletableFuture<>());
                QUEUE.put(pending);
                id = pending.done().get();
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            byte[] answer = ("{\"code\":0,\"msg\":\"ok\",\"data\":{\"id\":" + id + "}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private static void write(Connection db) {
        List<Pending> batch = new ArrayList<>(256);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO messages (body, created_at) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            while (true) {
                batch.add(QUEUE.take());
                QUEUE.drainTo(batch, 255);
                List<Long> ids = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    insert.setString(1, new String(p.body(), StandardCharsets.UTF_8));
                    insert.setLong(2, System.currentTimeMillis());
                    insert.executeUpdate();
                    try (var keys = insert.getGeneratedKeys()) {
                        keys.next();
                        ids.add(keys.getLong(1));
                    }
                }
                db.commit();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(ids.get(i));
                }
                batch.clear();
            }
        } catch (SQLException | InterruptedException e) {
            batch.forEach(p -> p.done().completeExceptionally(e));
            throw new IllegalStateException(e);
        }
    }
}
