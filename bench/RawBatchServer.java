import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The reference the send benchmark is read against: the least a durable HTTP send can cost on this
 * machine. The JDK's HTTP server; every POST body is stored as one row; one writer thread commits
 * up to 256 waiting rows per transaction (SQLite, WAL, synchronous=FULL) and only then answers
 * each. No authentication, no JSON, no session, no seq: what is left is HTTP plus a durable
 * commit. The orientation figure (about 8,300/s on its machine) is this kind of server;
 * run it beside the service (bench/reference.sh) and quote the service as a share of it, since
 * these machines' speed differs from day to day. bench/RawSendServer.java writes what a MedMsg send
 * writes instead.
 *
 * usage (bench/reference.sh send does both): javac -d CLASSES -cp sqlite-jdbc.jar bench/RawBatchServer.java
 *     bench/Raw.java; java -cp CLASSES:sqlite-jdbc.jar RawBatchServer PORT DATA_DIR
 */
public final class RawBatchServer {

    private static final BlockingQueue<Raw.Pending<byte[]>> QUEUE = new ArrayBlockingQueue<>(4096);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Connection db = Raw.sqlite(Path.of(args[1]));
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL)");
        }
        PreparedStatement insert = db.prepareStatement("INSERT INTO messages (body, created_at) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS);
        Raw.groupCommit(db, QUEUE, body -> {
            insert.setString(1, new String(body, StandardCharsets.UTF_8));
            insert.setLong(2, System.currentTimeMillis());
            insert.executeUpdate();
            try (var keys = insert.getGeneratedKeys()) {
                keys.next();
                return "{\"code\":0,\"msg\":\"ok\",\"data\":{\"id\":" + keys.getLong(1) + "}}";
            }
        });
        Raw.serve(port, exchange -> {
            try (exchange) {
                Raw.answerAfterCommit(exchange, QUEUE, exchange.getRequestBody().readAllBytes());
            }
        }, "raw batch server on " + port);
    }
}
