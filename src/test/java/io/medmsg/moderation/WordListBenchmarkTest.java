package io.medmsg.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The cost of the word list (issue: under 50 µs per 4,000-character message with 10,000 words):
 * a small benchmark that prints what it measured, on messages that match no word (each is read to
 * its end). It asserts no time (test machines are shared while tests run), only that the messages
 * matched nothing and that words of the list, upper-cased, are found inside them; it prints the median of three rounds per message, and beside it the same
 * messages merely read char by char in the same run (the machine's floor for touching every char)
 * and the ratio of the two, which says more than a figure from a machine of unknown load.
 * {@code -Dwordlist.warmup=45} (seconds) for a figure to quote.
 */
class WordListBenchmarkTest {

    private static final String HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";

    @Test
    void tenThousandWordsCostLittlePerFourThousandCharacterMessage() {
        Random random = new Random(42);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            words.add(i % 2 == 0 ? hanzi(random, 3 + random.nextInt(3)) : latin(random, 5 + random.nextInt(6)));
        }
        WordList list = new WordList(words);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder m = new StringBuilder();
            while (m.length() < 4_000) {
                m.append(random.nextBoolean() ? hanzi(random, 1 + random.nextInt(8)) : latin(random, 1 + random.nextInt(8)))
                        .append(' ');
            }
            messages.add(m.substring(0, 4_000));
        }
        // the worst case: no word found, so every message is read to its end
        messages.removeIf(list::matches);
        assertThat(messages).hasSizeGreaterThan(50);
        // -Dwordlist.warmup=45 for a figure to quote (the JIT on two cores); the test run keeps it short
        long warmupNanos = Long.getLong("wordlist.warmup", 1) * 1_000_000_000L;
        // warm-up and measurement call the same methods, so what is measured is the code the JIT
        // compiled while warming up (a loop in this method would be compiled anew, on the spot)
        long[] sink = new long[1];
        for (long until = System.nanoTime() + warmupNanos; System.nanoTime() < until; ) {
            scanRound(list, messages, sink);
            floorRound(messages, sink);
        }
        // the word list and the floor in turns, so that both see the same moments of a shared machine
        double[] scan = new double[3];
        double[] floor = new double[3];
        for (int r = 0; r < 3; r++) {
            scan[r] = scanRound(list, messages, sink) / 1_000.0 / (ROUNDS * messages.size());
            floor[r] = floorRound(messages, sink) / 1_000.0 / (ROUNDS * messages.size());
        }
        double micros = median(scan);
        double floorMicros = median(floor);
        System.out.printf("word list: %d words (%d KiB of cells), %d messages of 4000 characters x %d passes per round, %d s warm-up:"
                + " %.1f µs per message (median of %.1f / %.1f / %.1f); floor (charAt of every char, summed) %.1f µs"
                + " (median of %.1f / %.1f / %.1f); ratio %.1f (sink %d)%n",
                list.size(), list.cellCount() / 256, messages.size(), ROUNDS, warmupNanos / 1_000_000_000L,
                micros, scan[0], scan[1], scan[2], floorMicros, floor[0], floor[1], floor[2], micros / floorMicros, sink[0]);
        // no bound on time here (figures, not a verdict: the machine is shared); what was measured
        // must still have been the worst case, every message read to its end
        assertThat(messages).noneMatch(list::matches);
        // and a word is found in any case at any place of such a message: the speed is not that of a list that misses
        for (int i = 0; i < words.size(); i += 97) {
            String word = words.get(i);
            String m = messages.get(i % messages.size());
            int at = (i * 31) % m.length();
            assertThat(list.matches(m.substring(0, at) + word.toUpperCase(Locale.ROOT) + m.substring(at)))
                    .as("word %d", i).isTrue();
        }
    }

    /** Passes over the messages per measured round. */
    private static final int ROUNDS = 25;

    /** Nanoseconds for {@link #ROUNDS} passes of the word list over the messages. */
    private static long scanRound(WordList list, List<String> messages, long[] sink) {
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            sink[0] += scan(list, messages);
        }
        return System.nanoTime() - start;
    }

    /** Nanoseconds for {@link #ROUNDS} passes of {@link #floor}. */
    private static long floorRound(List<String> messages, long[] sink) {
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            sink[0] += floor(messages);
        }
        return System.nanoTime() - start;
    }

    // One pass per call: called thousands of times in the warm-up, each is compiled with a profile
    // that has seen its loops end (a method called a few times with long loops was compiled on a
    // profile where they never ended, and deoptimized in the middle of the measurement).

    /** The messages that contain a word (none here: each is read to its end). */
    private static int scan(WordList list, List<String> messages) {
        int matched = 0;
        for (String m : messages) {
            matched += list.matches(m) ? 1 : 0;
        }
        return matched;
    }

    /**
     * The least a scan of every char can cost here: read each with charAt and sum them (the sum goes
     * to the sink, which is printed, so it is kept).
     */
    private static long floor(List<String> messages) {
        long sum = 0;
        for (String m : messages) {
            for (int i = 0, n = m.length(); i < n; i++) {
                sum += m.charAt(i);
            }
        }
        return sum;
    }

    private static double median(double[] runs) {
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        return sorted[1];
    }

    private static String hanzi(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(HANZI.charAt(random.nextInt(HANZI.length())));
        }
        return s.toString();
    }

    private static String latin(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26)));
        }
        return s.toString();
    }
}
