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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * What the raw references of bench/reference.sh share: a SQLite database as the service keeps it
 * (WAL, synchronous=FULL), optionally with MedMsg's own schema; the JDK's HTTP server on virtual
 * threads; and a group-commit writer that answers each request only once its batch has committed.
 * bench/reference.sh compiles it with the server it runs.
 */
final class Raw {

    /** A request waiting for the writer, and its answer (a JSON body) once committed. */
    record Pending<T>(T request, CompletableFuture<String> answer) {
    }

    /** One request's writes inside the writer's transaction; the answer it gets after the commit. */
    interface Write<T> {
        String apply(T request) throws SQLException;
    }

    private Raw() {
    }

    /** DATA_DIR/raw.db in WAL mode with synchronous=FULL, as the service opens SQLite. */
    static Connection sqlite(Path dir) throws IOException, SQLException {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + Files.createDirectories(dir).resolve("raw.db"));
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
        }
        return db;
    }

    /** MedMsg's SQLite migrations (unzipped from the packaged jar) in version order, and demo doctor d1001. */
    static void medmsgSchema(Connection db, Path migrations) throws IOException, SQLException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(migrations)) {
            files = listed.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))))
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no migrations in " + migrations);
        }
        try (Statement s = db.createStatement()) {
            for (Path file : files) {
                StringBuilder sql = new StringBuilder();
                for (String line : Files.readAllLines(file)) {
                    if (!line.strip().startsWith("--")) {
                        sql.append(line).append('\n');
                    }
                }
                for (String statement : sql.toString().split(";\\s*\n")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
            }
        }
        try (PreparedStatement p = db.prepareStatement("""
                INSERT INTO doctors (doctor_id, name, title, dept, hospital, avatar_url, intro, accepting, updated_at)
                VALUES ('d1001', '王建国', '主任医师', '内科', '协和互联网医院', NULL, '擅长咳嗽、哮喘', 1, ?)""")) {
            p.setLong(1, System.currentTimeMillis());
            p.executeUpdate();
        }
    }

    /** Serves every path with {@code handler}, a virtual thread per exchange; prints {@code banner} once listening. */
    static void serve(int port, HttpHandler handler, String banner) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1000);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", handler);
        server.start();
        System.out.println(banner);
    }

    /** Queues the request for the writer and answers with what it wrote, or 500. */
    static <T> void answerAfterCommit(HttpExchange exchange, BlockingQueue<Pending<T>> queue, T request) throws IOException {
        String answer;
        try {
            Pending<T> pending = new Pending<>(request, new CompletableFuture<>());
            queue.put(pending);
            answer = pending.answer().get();
        } catch (Exception e) {
            exchange.sendResponseHeaders(500, -1);
            return;
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Starts the writer: up to 256 waiting requests per transaction, each answered after the commit. */
    static <T> void groupCommit(Connection db, BlockingQueue<Pending<T>> queue, Write<T> write) throws SQLException {
        db.setAutoCommit(false);
        Thread.ofPlatform().name("writer").daemon(true).start(() -> {
            List<Pending<T>> batch = new ArrayList<>(256);
            try {
                while (true) {
                    batch.add(queue.take());
                    queue.drainTo(batch, 255);
                    List<String> answers = new ArrayList<>(batch.size());
                    for (Pending<T> p : batch) {
                        answers.add(write.apply(p.request()));
                    }
                    db.commit();
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).answer().complete(answers.get(i));
                    }
                    batch.clear();
                }
            } catch (SQLException | InterruptedException e) {
                batch.forEach(p -> p.answer().completeExceptionally(e));
                throw new IllegalStateException(e);
            }
        });
    }
}
