package io.medmsg.moderation;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;

/**
 * Aho–Corasick over UTF-16 chars: whether a text contains any of the words, case-insensitively
 * (words and text are lower-cased char by char), in one pass over the text whatever the
 * number of words. Each node keeps its children as a sorted char array (binary search); the root,
 * where most chars of a clean text land, has a direct table. Immutable once built; thread-safe.
 */
final class WordList {

    private static final char[] NO_KEYS = new char[0];
    private static final int[] NO_NEXT = new int[0];

    private final int[] rootNext = new int[Character.MAX_VALUE + 1];
    private char[][] keys;
    private int[] mask;
    private int[] base;
    /** slot: (char + 1) << 32 | child; 0 is empty; slots[0] stays empty for nodes without children. */
    private long[] slots;
    private int[][] next;
    private int[] fail;
    private boolean[] match;
    private int size;
    private final int words;

    WordList(Collection<String> list) {
        keys = new char[16][];
        next = new int[16][];
        match = new boolean[16];
        size = 1;
        keys[0] = NO_KEYS;
        next[0] = NO_NEXT;
        int count = 0;
        for (String raw : list) {
            String w = lower(raw.strip());
            if (!w.isEmpty()) {
                add(w);
                count++;
            }
        }
        words = count;
        link();
        freeze();
    }

    /** Char by char, as {@link #matches} lower-cases the text (one char never becomes two). */
    private static String lower(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = Character.toLowerCase(chars[i]);
        }
        return new String(chars);
    }

    int size() {
        return words;
    }

    /** Whether {@code text} contains one of the words. */
    boolean matches(String text) {
        if (words == 0) {
            return false;
        }
        int state = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            // per char, without copying the text: the words were lower-cased the same way
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            } else if (c >= 0x80) {
                c = Character.toLowerCase(c);
            }
            state = step(state, c);
            if (match[state]) {
                return true;
            }
        }
        return false;
    }

    private int step(int state, char c) {
        long key = (long) (c + 1) << 32;
        while (state != 0) {
            int m = mask[state];
            int b = base[state];
            for (int h = hash(c) & m; ; h = (h + 1) & m) {
                long e = slots[b + h];
                if (e == 0) {
                    break;
                }
                if ((e & 0xFFFFFFFF00000000L) == key) {
                    return (int) e;
                }
            }
            state = fail[state];
        }
        return rootNext[c];
    }

    private static int hash(char c) {
        return c ^ (c >>> 4) ^ (c >>> 9);
    }

    /**
     * The children of every node below the root as small open-addressing tables in one array
     * (half full at most): one or two probes per char instead of a search.
     */
    private void freeze() {
        mask = new int[size];
        base = new int[size];
        int total = 1;
        for (int n = 1; n < size; n++) {
            int cap = Integer.highestOneBit(Math.max(1, keys[n].length) * 2 - 1) << 1;
            mask[n] = keys[n].length == 0 ? 0 : cap - 1;
            base[n] = keys[n].length == 0 ? 0 : total;
            total += keys[n].length == 0 ? 0 : cap;
        }
        slots = new long[total];
        for (int n = 1; n < size; n++) {
            for (int i = 0; i < keys[n].length; i++) {
                char c = keys[n][i];
                int h = hash(c) & mask[n];
                while (slots[base[n] + h] != 0) {
                    h = (h + 1) & mask[n];
                }
                slots[base[n] + h] = ((long) (c + 1) << 32) | next[n][i];
            }
        }
    }

    private int child(int node, char c) {
        if (node == 0) {
            return rootNext[c];
        }
        int i = Arrays.binarySearch(keys[node], c);
        return i >= 0 ? next[node][i] : 0;
    }

    private void add(String w) {
        int node = 0;
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            int child = child(node, c);
            if (child == 0) {
                child = newNode();
                if (node == 0) {
                    rootNext[c] = child;
                } else {
                    insertChild(node, c, child);
                }
            }
            node = child;
        }
        match[node] = true;
    }

    private int newNode() {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            next = Arrays.copyOf(next, size * 2);
            match = Arrays.copyOf(match, size * 2);
        }
        keys[size] = NO_KEYS;
        next[size] = NO_NEXT;
        return size++;
    }

    private void insertChild(int node, char c, int child) {
        char[] k = keys[node];
        int at = -Arrays.binarySearch(k, c) - 1;
        char[] nk = new char[k.length + 1];
        int[] nn = new int[k.length + 1];
        System.arraycopy(k, 0, nk, 0, at);
        System.arraycopy(next[node], 0, nn, 0, at);
        nk[at] = c;
        nn[at] = child;
        System.arraycopy(k, at, nk, at + 1, k.length - at);
        System.arraycopy(next[node], at, nn, at + 1, k.length - at);
        keys[node] = nk;
        next[node] = nn;
    }

    /** Failure links, breadth first; a node matches when any suffix of its path is a word. */
    private void link() {
        fail = new int[size];
        Deque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            if (rootNext[c] != 0) {
                queue.add(rootNext[c]);
            }
        }
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int i = 0; i < keys[node].length; i++) {
                char c = keys[node][i];
                int child = next[node][i];
                int f = fail[node];
                while (f != 0 && child(f, c) == 0) {
                    f = fail[f];
                }
                int target = child(f, c);
                fail[child] = target == child ? 0 : target;
                match[child] |= match[fail[child]];
                queue.add(child);
            }
        }
    }
}
