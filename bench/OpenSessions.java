import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens N sessions with demo doctor d1001 on a running MedMsg, each by a patient of its own
 * (PREFIX1 … PREFIXN) sending one text message over HTTP, CONCURRENCY at a time. Fails unless
 * every send answers 200. (wrk cannot send each of N requests exactly once and then stop.)
 * Only the JDK is needed: java bench/OpenSessions.java PORT SECRET PREFIX N [CONCURRENCY=16]
 */
public final class OpenSessions {

    public static void main(String[] args) throws Exception {
        String base = "http://127.0.0.1:" + args[0];
        String secret = args[1];
        String prefix = args[2];
        int n = Integer.parseInt(args[3]);
        int concurrency = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        AtomicInteger next = new AtomicInteger(1);
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                workers.submit(() -> {
                    for (int i = next.getAndIncrement(); i <= n; i = next.getAndIncrement()) {
                        HttpRequest send = HttpRequest.newBuilder(URI.create(base + "/msg_service/msg/patient/send_text_msg"))
                                .timeout(Duration.ofSeconds(60))
                                .header("Authorization", "Bearer " + token(secret, prefix + i))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"doctor_id\":\"d1001\",\"text\":\"hello doctor\"}"))
                                .build();
                        HttpResponse<String> answer = client.send(send, HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200 && failed.getAndIncrement() == 0) {
                            System.err.println("send of " + prefix + i + " -> " + answer.statusCode() + " " + answer.body());
                        }
                    }
                    return null;
                });
            }
        }
        System.out.printf("opened: %d sessions, %d sends not 200, in %.1f s%n", n - failed.get(), failed.get(),
                (System.nanoTime() - start) / 1e9);
        System.exit(failed.get() == 0 ? 0 : 1);
    }

    private static String token(String secret, String sub) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        long exp = System.currentTimeMillis() / 1000 + 7200;
        String claims = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"role\":\"patient\",\"name\":\"bench " + sub
                + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String input = header + "." + claims;
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }
}
