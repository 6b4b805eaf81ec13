package io.medmsg.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.medmsg.support.Api.Reply;
import tools.jackson.databind.JsonNode;

/**
 * Concurrent senders that behave as a careful app does while the service is killed, restarted,
 * or loses its database, disk or Redis: every message has a {@code client_msg_id}, and a send
 * whose outcome is unknown (no answer: the connection broke; or 503/507, which API.md says to
 * repeat) is repeated with the same id, through whichever instance is up, until it is answered
 * 200. So every message a sender started is acknowledged once it stops, and a check can demand
 * exactly: every acknowledged message stored with its seq (lost = 0), each client_msg_id once
 * (dup = 0), and every session's seqs 1..last_seq (no gaps).
 *
 * <p>Half the senders are patients writing to one doctor by {@code doctor_id}, half that doctor
 * answering in their sessions by {@code session_id}. Any other answer (a 500, a 4xx) is recorded,
 * fails the next check, and the send is repeated as well.
 */
public final class SendStorm implements AutoCloseable {

    /** A message the service answered 200. */
    public record Acked(String sessionId, String clientMsgId, String msgId, long seq) {
    }

    /** What a check found, for the log of a long run. */
    public record Count(int acked, int stored, int lost, int duplicated, int gaps) {
        @Override
        public String toString() {
            return "acknowledged " + acked + ", stored " + stored + ", lost " + lost + ", duplicated " + duplicated
                    + ", seq gaps " + gaps;
        }
    }

    private static final Duration RESOLVE_WITHIN = Duration.ofSeconds(120);

    private final Supplier<List<Api>> targets;
    private final String doctorId;
    private final Map<String, String> sessionOfPatient = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger storageFull = new AtomicInteger();
    private final AtomicInteger noAnswer = new AtomicInteger();
    private final ExecutorService pool;
    private final List<Future<?>> senders = new ArrayList<>();

    private SendStorm(Supplier<List<Api>> targets, String doctorId, int patients, String prefix) {
        this.targets = targets;
        this.doctorId = doctorId;
        Chat chat = new Chat(targets.get().get(0));
        for (int p = 0; p < patients; p++) {
            String patientId = prefix + "-p" + p;
            sessionOfPatient.put(patientId, chat.open(Tokens.patient(patientId), doctorId));
        }
        this.pool = Executors.newFixedThreadPool(2 * patients);
    }

    /**
     * Opens one session per patient (through the first target) and starts {@code 2 × patients}
     * senders. {@code targets} is asked again at every attempt: the instances that may be up now.
     */
    public static SendStorm start(Supplier<List<Api>> targets, String doctorId, int patients, String prefix) {
        SendStorm storm = new SendStorm(targets, doctorId, patients, prefix);
        int t = 0;
        for (Map.Entry<String, String> e : storm.sessionOfPatient.entrySet()) {
            String patientId = e.getKey();
            String sessionId = e.getValue();
            int thread = t++;
            storm.senders.add(storm.pool.submit(() -> storm.send(thread, false, patientId, sessionId)));
            storm.senders.add(storm.pool.submit(() -> storm.send(thread, true, doctorId, sessionId)));
        }
        return storm;
    }

    private Void send(int thread, boolean asDoctor, String userId, String sessionId) throws InterruptedException {
        String who = (asDoctor ? "d" : "p") + thread;
        for (int i = 0; !stop.get(); i++) {
            // a token per message: the long variant runs longer than a token lives
            String token = asDoctor ? Tokens.doctor(userId) : Tokens.patient(userId);
            String clientMsgId = who + "-" + i + "-" + Long.toString(System.nanoTime(), 36);
            String text = who + " message " + i;
            long giveUp = Long.MAX_VALUE;
            for (int attempt = 0; ; attempt++) {
                if (stop.get() && giveUp == Long.MAX_VALUE) {
                    // stopping: this message is resolved first, so that nothing is left in doubt
                    giveUp = System.nanoTime() + RESOLVE_WITHIN.toNanos();
                }
                if (System.nanoTime() > giveUp) {
                    unexpected.add(clientMsgId + ": no answer within " + RESOLVE_WITHIN + " after the storm stopped");
                    return null;
                }
                List<Api> up = targets.get();
                Chat chat = new Chat(up.get(Math.floorMod(thread + attempt, up.size())));
                Reply r;
                try {
                    r = asDoctor ? chat.doctorSends(token, sessionId, text, clientMsgId)
                            : chat.patientSends(token, doctorId, text, clientMsgId);
                } catch (IllegalStateException connectionLost) {
                    noAnswer.incrementAndGet();
                    Thread.sleep(50);
                    continue;
                }
                if (r.status() == 200) {
                    JsonNode m = r.data().get("message");
                    acked.add(new Acked(r.data().get("session_id") == null ? sessionId : r.data().get("session_id").asString(),
                            clientMsgId, m.get("msg_id").asString(), m.get("seq").asLong()));
                    break;
                }
                if (r.status() == 503 && r.code() == 50301) {
                    unavailable.incrementAndGet();
                } else if (r.status() == 507 && r.code() == 50701) {
                    storageFull.incrementAndGet();
                } else {
                    // a finding, which fails the next check; the send goes on as one whose outcome is unknown
                    unexpected.add(clientMsgId + ": " + r.status() + " " + r.raw());
                }
                Thread.sleep(100);
            }
        }
        return null;
    }

    public List<String> sessions() {
        return List.copyOf(sessionOfPatient.values());
    }

    public int ackedCount() {
        return acked.size();
    }

    /** Answers 503/50301 seen so far (the send was repeated). */
    public int unavailableAnswers() {
        return unavailable.get();
    }

    /** Answers 507/50701 seen so far (the send was repeated). */
    public int storageFullAnswers() {
        return storageFull.get();
    }

    /** Attempts that got no answer at all (connection refused or broken). */
    public int attemptsWithoutAnswer() {
        return noAnswer.get();
    }

    /** Waits until {@code more} messages beyond those acknowledged now have been acknowledged. */
    public void awaitMoreAcked(int more, Duration within) throws InterruptedException {
        int target = acked.size() + more;
        long deadline = System.nanoTime() + within.toNanos();
        while (acked.size() < target) {
            assertThat(unexpected).as("unexpected answers").isEmpty();
            assertThat(System.nanoTime()).as("%d more sends acknowledged within %s (have %d of %d)", more, within,
                    acked.size(), target).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Reads every session whole through {@code api} (senders may go on meanwhile) and checks what
     * was acknowledged before the call: each stored with its msg_id and seq, no client_msg_id
     * twice, and seqs 1..n without a gap.
     */
    public Count check(Api api) {
        List<Acked> before = List.copyOf(acked);
        Map<String, JsonNode> stored = new HashMap<>();
        int lost = 0;
        int duplicated = 0;
        int gaps = 0;
        Chat chat = new Chat(api);
        String doctor = Tokens.doctor(doctorId);
        for (String sessionId : sessionOfPatient.values()) {
            List<JsonNode> all = chat.allMessages(doctor, sessionId);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                JsonNode m = all.get(i);
                gaps += m.get("seq").asLong() == i + 1 ? 0 : 1;
                if (!m.get("client_msg_id").isNull()) {
                    String cmid = m.get("client_msg_id").asString();
                    duplicated += seen.add(cmid) ? 0 : 1;
                    stored.put(cmid, m);
                }
            }
        }
        for (Acked a : before) {
            JsonNode m = stored.get(a.clientMsgId());
            if (m == null || !m.get("msg_id").asString().equals(a.msgId()) || m.get("seq").asLong() != a.seq()) {
                lost++;
            }
        }
        Count count = new Count(before.size(), stored.size(), lost, duplicated, gaps);
        assertThat(lost).as("acknowledged messages missing or changed: " + count).isZero();
        assertThat(duplicated).as("client_msg_ids stored twice: " + count).isZero();
        assertThat(gaps).as("seq gaps: " + count).isZero();
        assertThat(unexpected).as("unexpected answers").isEmpty();
        return count;
    }

    /**
     * Stops the senders, each once its message in flight is answered, and checks through
     * {@code api} that what is stored is exactly what was acknowledged.
     */
    public Count stopAndCheck(Api api) throws Exception {
        stop();
        Count count = check(api);
        assertThat(count.stored()).as("every stored message was acknowledged, and the other way round: " + count)
                .isEqualTo(count.acked());
        return count;
    }

    /** Stops the senders once each has an answer for its message in flight. */
    public void stop() throws Exception {
        if (stop.getAndSet(true)) {
            return;
        }
        for (Future<?> f : senders) {
            f.get();
        }
        pool.shutdown();
        assertThat(unexpected).as("unexpected answers").isEmpty();
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        pool.shutdownNow();
    }
}
