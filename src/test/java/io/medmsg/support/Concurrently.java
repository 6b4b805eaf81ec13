package io.medmsg.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs one body on many threads released at the same moment, and rethrows the first failure. */
public final class Concurrently {

    /** What each thread runs, given its number 0 .. threads-1. */
    @FunctionalInterface
    public interface Body {
        void run(int thread) throws Exception;
    }

    private Concurrently() {
    }

    public static void run(int threads, Body body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }
}
