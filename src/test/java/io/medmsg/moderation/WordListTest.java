package io.medmsg.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The word list against the obvious answer (lower-case both, char by char, and look for each word
 * with {@code contains}) on many random lists and texts over a small alphabet, where words overlap,
 * failure chains are long and a word can end inside another.
 */
class WordListTest {

    private static final String ALPHABET = "aAbBcC违禁药İ ";

    @Test
    void findsAWordExactlyWhenTheTextContainsItInAnyCase() {
        Random random = new Random(7);
        for (int round = 0; round < 5_000; round++) {
            List<String> words = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
                words.add(random(random, 1 + random.nextInt(5)));
            }
            WordList list = new WordList(words);
            for (int t = 0; t < 20; t++) {
                String text = random(random, random.nextInt(40));
                assertThat(list.matches(text)).as("words %s, text '%s'", words, text).isEqualTo(naive(words, text));
            }
        }
    }

    @Test
    void blankLinesAreNoWordsAndNoListMatchesNothing() {
        assertThat(new WordList(List.of("", "   ")).size()).isZero();
        assertThat(new WordList(List.of("", "   ")).matches("anything at all")).isFalse();
        WordList list = new WordList(List.of(" BadWord ", "违禁药"));
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.matches("a BADWORD")).isTrue();
        assertThat(list.matches("a bad word")).isFalse();
        assertThat(list.matches("买违禁药")).isTrue();
        assertThat(list.matches("")).isFalse();
    }

    private static boolean naive(List<String> words, String text) {
        String lower = lower(text);
        return words.stream().map(String::strip).filter(w -> !w.isEmpty()).anyMatch(w -> lower.contains(lower(w)));
    }

    private static String lower(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = Character.toLowerCase(chars[i]);
        }
        return new String(chars);
    }

    private static String random(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
