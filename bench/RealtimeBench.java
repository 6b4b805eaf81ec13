import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Realtime benchmark against a running MedMsg (bench/realtime.sh starts one):
 *   wake  N      N held new_msg long-polls (one per session), one send per session, wake-up latency
 *   hold  N PID [M]  N held long-polls (and M open event streams, each of a patient of its own),
 *                    then the server's RSS while they are held
 * Only the JDK is needed: java bench/RealtimeBench.java PORT SECRET MODE N [PID [M]]
 */
public class RealtimeBench {

    static final Pattern SESSION_ID = Pattern.compile("\"session_id\":\"([0-9a-f]+)\"");
    static HttpClient client;
    static String base;
    static String secret;

    public static void main(String[] args) throws Exception {
        base = "http://127.0.0.1:" + args[0];
        secret = args[1];
        String mode = args[2];
        int n = Integer.parseInt(args[3]);
        client = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(30)).build();
        List<String> patients = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        String run = Long.toString(System.currentTimeMillis(), 36);
        int sessionCount = Math.min(n, 1000);
        for (int i = 0; i < sessionCount; i++) {
            String token = token("rt" + run + "p" + i, "patient");
            patients.add(token);
            String body = send("POST", "/msg_service/msg/patient/send_text_msg", token,
                    "{\"doctor_id\":\"d1001\",\"text\":\"hello\"}").body();
            Matcher m = SESSION_ID.matcher(body);
            if (!m.find()) {
                throw new IllegalStateException("no session in " + body);
            }
            sessions.add(m.group(1));
        }
        if (mode.equals("wake")) {
            wake(patients, sessions);
        } else {
            hold(patients, sessions, n, Long.parseLong(args[4]), args.length > 5 ? Integer.parseInt(args[5]) : 0, run);
        }
        System.exit(0);
    }

    static void wake(List<String> patients, List<String> sessions) throws Exception {
        int n = sessions.size();
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        long[] answered = new long[n];
        for (int i = 0; i < n; i++) {
            int index = i;
            polls.add(client.sendAsync(get("/msg_service/msg/patient/new_msg?after_seq=1&wait=30&session_id="
                    + sessions.get(i), patients.get(i)), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> answered[index] = System.nanoTime()));
        }
        Thread.sleep(3000); // let every poll reach the server and wait
        String doctor = token("d1001", "doctor");
        long[] sent = new long[n];
        for (int i = 0; i < n; i++) {
            sent[i] = System.nanoTime();
            send("POST", "/msg_service/msg/doctor/send_text_msg", doctor,
                    "{\"session_id\":\"" + sessions.get(i) + "\",\"text\":\"answer\"}");
        }
        double[] millis = new double[n];
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = polls.get(i).get();
            if (!r.body().contains("\"answer\"")) {
                throw new IllegalStateException("poll " + i + " woke without the message: " + r.body());
            }
            millis[i] = (answered[i] - sent[i]) / 1e6;
        }
        java.util.Arrays.sort(millis);
        System.out.printf("wake-up latency of %d held long-polls (send start -> poll answered): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                n, millis[n / 2], millis[(int) Math.ceil(n * 0.99) - 1], millis[n - 1]);
    }

    static void hold(List<String> patients, List<String> sessions, int n, long pid, int streams, String run)
            throws Exception {
        long before = rssKb(pid);
        List<CompletableFuture<HttpResponse<java.io.InputStream>>> open = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            // one patient each: a patient's streams beyond medmsg.limits.streams-per-user close the oldest
            open.add(client.sendAsync(get("/msg_service/msg/patient/events", token("rt" + run + "s" + i, "patient")),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        // the streams first, all open, then the polls: a poll is held 30 s, the streams for good
        long openBy = System.nanoTime() + 90_000_000_000L;
        while (open.stream().anyMatch(f -> !f.isDone()) && System.nanoTime() < openBy) {
            Thread.sleep(200);
        }
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int s = i % sessions.size();
            polls.add(client.sendAsync(get("/msg_service/msg/patient/new_msg?after_seq=1&wait=30&session_id="
                    + sessions.get(s), patients.get(s)), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(12_000);
        long done = polls.stream().filter(CompletableFuture::isDone).count();
        long streaming = open.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally() && f.join().statusCode() == 200)
                .count();
        long held = rssKb(pid);
        long liveHeap = liveHeapKb(pid);
        if (streams == 0) {
            System.out.printf("RSS with %d long-polls held (%d answered early): %d MB (before: %d MB)%n",
                    n, done, held / 1024, before / 1024);
        } else {
            System.out.printf("RSS with %d long-polls held (%d answered early) and %d event streams open (%d of %d "
                    + "answered 200): %d MB (before: %d MB)%n", n, done, streams, streaming, streams, held / 1024,
                    before / 1024);
            if (streaming != streams) {
                throw new IllegalStateException((streams - streaming) + " of " + streams + " event streams did not open");
            }
        }
        int wrong = 0;
        for (CompletableFuture<HttpResponse<String>> p : polls) {
            HttpResponse<String> r = p.get();
            if (r.statusCode() != 200 || !r.body().startsWith("{\"code\":0,")) {
                wrong++;
            }
        }
        if (wrong > 0) {
            throw new IllegalStateException(wrong + " of " + n + " held polls were not answered 200 with code 0");
        }
        System.out.printf("all %d held polls answered 200 with code 0%n", n);
        System.out.printf("live heap with them held, after a full collection: %d MB%n", liveHeap / 1024);
    }

    /**
     * The service's heap in use right after a full collection (jcmd GC.run, then GC.heap_info's
     * "used" figures of the serial collector's generations): with a heap committed in full, the RSS
     * no longer shows what a held request keeps; this does. -1 when the JDK's jcmd is not there or
     * the collector prints other lines.
     */
    static long liveHeapKb(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        run(jcmd.toString(), Long.toString(pid), "GC.run");
        Matcher used = Pattern.compile("(DefNew|Tenured|new generation|tenured generation)\\s+total \\d+K, used (\\d+)K")
                .matcher(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
        long kb = 0;
        int generations = 0;
        while (used.find()) {
            kb += Long.parseLong(used.group(2));
            generations++;
        }
        return generations == 2 ? kb : -1;
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    static HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    static HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    static String token(String sub, String role) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        long exp = System.currentTimeMillis() / 1000 + 7200;
        String claims = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"role\":\"" + role + "\",\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String input = header + "." + claims;
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }
}
