package io.medmsg.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.medmsg.realtime.ChangeHub;

/**
 * Where each party's requests go. A scenario written once runs on one instance, where the party
 * that writes and the party that reads go through the same one, and on two instances behind a
 * load balancer, where the writer goes through B and the reader (who may be held waiting)
 * through A.
 *
 * @param writes the instance the writing party goes through
 * @param reads the instance the reading party goes through, and waits on
 * @param readersHub the change hub of {@code reads}, to see that a request is held there
 * @param wakeUpWithin how soon a held request must be answered after a commit it waits for: a
 *        notification from another instance takes a round trip through the database or Redis
 */
public record Topology(Chat writes, Chat reads, ChangeHub readersHub, Duration wakeUpWithin) {

    /** One instance: both parties go through it, and a held request wakes within a second. */
    public static Topology single(Api api, ChangeHub hub) {
        Chat chat = new Chat(api);
        return new Topology(chat, chat, hub, Duration.ofSeconds(1));
    }

    /** Two instances on one database: the writer goes through {@code b}, the reader through {@code a}. */
    public static Topology twoInstances(Instance a, Instance b) {
        return new Topology(b.chat(), a.chat(), a.bean(ChangeHub.class), Duration.ofSeconds(3));
    }

    /**
     * The instance for the n-th of many concurrent requests: they alternate between the two, so
     * that consecutive requests of one client (a send and its resend) go to different ones.
     */
    public Chat via(int n) {
        return n % 2 == 0 ? reads : writes;
    }

    /**
     * Waits until the reader's instance holds at least {@code n} requests on these keys, so that
     * a test writes after they wait. Counted per key: held requests of other tests may leave meanwhile.
     */
    public void awaitHeld(int n, java.util.List<String> keys) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (held(keys) < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(held(keys)).as("requests held on " + keys).isGreaterThanOrEqualTo(n);
    }

    public void awaitHeld(String key) throws InterruptedException {
        awaitHeld(1, java.util.List.of(key));
    }

    private int held(java.util.List<String> keys) {
        return keys.stream().mapToInt(readersHub::waiting).sum();
    }
}
