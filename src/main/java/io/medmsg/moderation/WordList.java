package io.medmsg.moderation;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;

/**
 * Aho–Corasick over UTF-16 chars: whether a text contains any of the words, case-insensitively
 * (words and text are lower-cased char by char with {@link Character#toLowerCase(char)}), in one
 * pass over the text whatever the number of words, stopping at the first word found (the only
 * caller refuses on any word, so where or which does not matter).
 *
 * <p>Built for the cost per char (issue 13: under 50 µs per 4,000-char message with 10,000 words),
 * which is a chain of dependent memory reads, so what counts is how few and how close together:
 * <ul>
 * <li>one table maps each of the 65,536 chars to the class of its lower case: 0 for a char in no
 * word (back to the root, nothing to look up), else 1..n; no case folding, boxing or map while
 * scanning;</li>
 * <li>the edges live in one double array ({@code cells}): a state is the index where its row
 * starts, its edge for class {@code k} is slot {@code state + k} when that slot names the state as
 * its owner, and the owner and the next state sit side by side (one cache line); a state that ends
 * a word (or has one as a suffix) is stored negative, so the scan tests a sign;</li>
 * <li>rows are packed breadth first, so the root's and the shallow states' rows, the ones a text
 * visits most, sit together (10,000 words: ~0.7 MiB of cells in all).</li>
 * </ul>
 * Failure links are followed, not folded into a full transition table per state: folding (tried
 * with rows merged up to 16 and 256 classes) took 2.3 to 7 times the memory for no gain measured
 * on the benchmark's text (docs/benchmarks.md). Following
 * them costs at most two lookups per char on average over a text (a failure link only goes back as
 * far as the matches went forward). Immutable once built; thread-safe.
 */
final class WordList {

    /** A search for a free spot for a row gives up after this many tries and appends the row. */
    private static final int TRIES = 1024;

    /** char → class of its lower case; 0: in no word. */
    private final char[] classes = new char[Character.MAX_VALUE + 1];
    /**
     * Slot {@code b + k} of a state whose row starts at {@code b} (its id), for class {@code k}: at
     * {@code 2 (b + k)} the owner {@code b}, at {@code 2 (b + k) + 1} the next state ({@code | MIN_VALUE}
     * when it ends a word). Slot {@code b + 0} (class 0 is never an edge) holds its failure link,
     * and being taken makes the bases unique.
     */
    private final int[] cells;
    private final int root;
    private final int words;

    WordList(Collection<String> list) {
        Trie trie = new Trie();
        int count = 0;
        for (String raw : list) {
            String w = raw.strip();
            if (!w.isEmpty()) {
                int[] word = new int[w.length()];
                for (int i = 0; i < word.length; i++) {
                    char c = Character.toLowerCase(w.charAt(i));
                    if (classes[c] == 0) {
                        classes[c] = (char) ++trie.alphabet;
                    }
                    word[i] = classes[c];
                }
                trie.add(word);
                count++;
            }
        }
        words = count;
        // a text char is looked up as is: its class is that of its lower case
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char lower = Character.toLowerCase((char) c);
            if (lower != c) {
                classes[c] = classes[lower];
            }
        }
        trie.link();
        Packed packed = trie.pack();
        cells = packed.cells;
        root = packed.root;
    }

    int size() {
        return words;
    }

    /** Whether {@code text} contains one of the words. */
    boolean matches(String text) {
        if (words == 0) {
            return false;
        }
        final char[] classes = this.classes;
        final int[] cells = this.cells;
        final int root = this.root;
        int state = root;
        for (int i = 0, n = text.length(); i < n; i++) {
            int k = classes[text.charAt(i)];
            if (k == 0) {
                state = root;
                continue;
            }
            while (true) {
                int slot = (state + k) << 1;
                if (cells[slot] == state) {
                    state = cells[slot + 1];
                    break;
                }
                if (state == root) {
                    break;
                }
                state = cells[(state << 1) + 1];
            }
            if (state < 0) {
                return true;
            }
        }
        return false;
    }

    /** The cells' length in ints (the memory the list takes, less the 128 KiB of classes). */
    int cellCount() {
        return cells.length;
    }

    private record Packed(int[] cells, int root) {
    }

    /** The words as a trie of classes, then its failure links; build time only. */
    private static final class Trie {

        int alphabet;
        int size = 1;
        /** Per node: its edges, classes sorted, and their children. */
        int[][] keys = {new int[0]};
        int[][] next = {new int[0]};
        boolean[] end = new boolean[1];
        int[] fail;
        /** Nodes breadth first: a node's failure target comes before it. */
        int[] order;

        void add(int[] word) {
            int node = 0;
            for (int k : word) {
                int i = Arrays.binarySearch(keys[node], k);
                if (i >= 0) {
                    node = next[node][i];
                    continue;
                }
                int child = newNode();
                int at = -i - 1;
                keys[node] = insert(keys[node], at, k);
                next[node] = insert(next[node], at, child);
                node = child;
            }
            end[node] = true;
        }

        private int newNode() {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                next = Arrays.copyOf(next, size * 2);
                end = Arrays.copyOf(end, size * 2);
            }
            keys[size] = new int[0];
            next[size] = new int[0];
            return size++;
        }

        private static int[] insert(int[] a, int at, int v) {
            int[] b = new int[a.length + 1];
            System.arraycopy(a, 0, b, 0, at);
            b[at] = v;
            System.arraycopy(a, at, b, at + 1, a.length - at);
            return b;
        }

        /** The transition from {@code node} on class {@code k}, failure links followed; 0 (root) when none. */
        private int step(int node, int k) {
            while (true) {
                int i = Arrays.binarySearch(keys[node], k);
                if (i >= 0) {
                    return next[node][i];
                }
                if (node == 0) {
                    return 0;
                }
                node = fail[node];
            }
        }

        /** Failure links breadth first; a node ends a word when a suffix of its path does. */
        void link() {
            fail = new int[size];
            order = new int[size];
            int head = 0;
            int tail = 0;
            order[tail++] = 0;
            while (head < tail) {
                int node = order[head++];
                end[node] |= end[fail[node]];
                for (int i = 0; i < keys[node].length; i++) {
                    int child = next[node][i];
                    // the longest proper suffix of child's path that is in the trie (its fail, shallower, is linked)
                    fail[child] = node == 0 ? 0 : step(fail[node], keys[node][i]);
                    order[tail++] = child;
                }
            }
        }

        /**
         * Each row at the first base (from the lowest free slot on) where its slot 0 and its classes'
         * slots are free, in breadth-first order so the hot shallow rows sit together.
         */
        Packed pack() {
            int[] base = new int[size];
            BitSet used = new BitSet();
            int firstFree = 0;
            // rows of more than a few classes start where such a search last gave up: the slots
            // before are too full for them, and trying there again each time is what costs
            int searchFrom = 0;
            for (int node : order) {
                int[] row = keys[node];
                firstFree = used.nextClearBit(firstFree);
                int from = row.length <= 2 ? firstFree : Math.max(firstFree, searchFrom);
                // candidates: the free slots for the row's first class (or for slot 0 when empty)
                int first = row.length == 0 ? 0 : row[0];
                int b = -1;
                int p = used.nextClearBit(from + first);
                for (int tries = 0; tries < TRIES; p = used.nextClearBit(p + 1), tries++) {
                    if (!used.get(p - first) && fits(used, p - first, row)) {
                        b = p - first;
                        break;
                    }
                }
                if (b < 0) {
                    b = used.length();
                    searchFrom = p - first;
                }
                base[node] = b;
                used.set(b);
                for (int k : row) {
                    used.set(b + k);
                }
            }
            int[] cells = new int[(used.length() + alphabet + 1) * 2];
            Arrays.fill(cells, -1);
            for (int node = 0; node < size; node++) {
                int b = base[node];
                cells[b << 1] = b;
                cells[(b << 1) + 1] = node == 0 ? b : base[fail[node]];
                for (int i = 0; i < keys[node].length; i++) {
                    int slot = (b + keys[node][i]) << 1;
                    int target = next[node][i];
                    cells[slot] = b;
                    cells[slot + 1] = end[target] ? base[target] | Integer.MIN_VALUE : base[target];
                }
            }
            return new Packed(cells, base[0]);
        }

        private static boolean fits(BitSet used, int b, int[] row) {
            for (int k : row) {
                if (used.get(b + k)) {
                    return false;
                }
            }
            return true;
        }
    }
}
