import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * MariaDB's own ceiling for bench/send.sh, as bench/pgbench.sh is PostgreSQL's: CLIENTS threads,
 * each on its own connection in autocommit, each transaction one one-row INSERT into a fresh table
 * of a scratch database (created here, dropped at the end). Prints the server's durability
 * settings, then, after its own warm-up, "tps = …" for the measured seconds.
 *
 * usage: java -cp mariadb-java-client.jar bench/MariadbCeiling.java JDBC_URL USER PASSWORD CLIENTS SECONDS WARMUP_SECONDS
 *   e.g. jdbc:mariadb://127.0.0.1:3306/  root  ''  16  15  5
 */
public final class MariadbCeiling {

    private static final String DATABASE = "medmsg_ceiling";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        int clients = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        try (Connection admin = DriverManager.getConnection(url, user, password); Statement s = admin.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT VERSION(), @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin")) {
                rs.next();
                System.out.printf("server %s: innodb_flush_log_at_trx_commit=%s sync_binlog=%s log_bin=%s%n",
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
            }
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            s.execute("CREATE DATABASE " + DATABASE);
            try {
                s.execute("CREATE TABLE " + DATABASE + ".t (id BIGINT AUTO_INCREMENT PRIMARY KEY, body TEXT NOT NULL, "
                        + "created_at BIGINT NOT NULL) ENGINE=InnoDB");
                run(url + DATABASE, user, password, clients, warmup);
                long inserts = run(url + DATABASE, user, password, clients, seconds);
                System.out.printf("number of clients: %d, duration: %d s, transactions: %d%n", clients, seconds, inserts);
                System.out.printf("tps = %.1f (one-row INSERT per transaction, autocommit)%n", inserts / (double) seconds);
            } finally {
                s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            }
        }
    }

    /** CLIENTS threads inserting for SECONDS: how many inserts committed. */
    private static long run(String url, String user, String password, int clients, int seconds) throws Exception {
        LongAdder committed = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (Connection c = DriverManager.getConnection(url, user, password);
                        PreparedStatement insert = c.prepareStatement("INSERT INTO t (body, created_at) VALUES (?, ?)")) {
                    c.setAutoCommit(true);
                    ready.countDown();
                    ready.await();
                    while (!stop.get()) {
                        insert.setString(1, "benchmark message");
                        insert.setLong(2, System.currentTimeMillis());
                        insert.executeUpdate();
                        committed.increment();
                    }
                } catch (SQLException | InterruptedException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                    ready.countDown();
                }
            }));
        }
        ready.await();
        long start = committed.sum();
        Thread.sleep(seconds * 1000L);
        long end = committed.sum();
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " clients failed", failures.get(0));
        }
        return end - start;
    }
}
