package io.medmsg.files;

import io.medmsg.support.Samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The leading bytes every allowed type must start with. */
class ContentSnifferTest {

    static Stream<String> allowedTypes() {
        return ContentSniffer.ALLOWED.stream().sorted();
    }

    @Test
    void everyAllowedTypeHasASample() {
        assertThat(Samples.HEADERS.keySet()).containsExactlyInAnyOrderElementsOf(ContentSniffer.ALLOWED);
        assertThat(ContentSniffer.ALLOWED).hasSize(12);
    }

    @ParameterizedTest
    @MethodSource("allowedTypes")
    void minimalValidHeaderMatchesItsType(String mime) {
        byte[] head = Arrays.copyOf(Samples.of(mime, 64), ContentSniffer.HEAD_BYTES);
        assertThat(ContentSniffer.matches(mime, head)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("allowedTypes")
    void textDeclaredAsThisTypeDoesNotMatch(String mime) {
        assertThat(ContentSniffer.matches(mime, Samples.ascii("hello, this is plain text"))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("allowedTypes")
    void truncatedHeaderDoesNotMatch(String mime) {
        byte[] header = Samples.HEADERS.get(mime);
        int cut = mime.equals("image/webp") ? 11 : mime.endsWith("/mp4") ? 7 : 1;
        assertThat(ContentSniffer.matches(mime, Arrays.copyOf(header, cut))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("allowedTypes")
    void emptyFileMatchesNothing(String mime) {
        assertThat(ContentSniffer.matches(mime, new byte[0])).isFalse();
    }

    @Test
    void eachTypeRejectsTheOtherTypesHeaders() {
        for (String declared : ContentSniffer.ALLOWED) {
            for (String actual : ContentSniffer.ALLOWED) {
                boolean sameFamily = declared.endsWith("/mp4") && actual.endsWith("/mp4");
                if (!declared.equals(actual) && !sameFamily) {
                    assertThat(ContentSniffer.matches(declared, Samples.of(actual, 16)))
                            .as("%s bytes declared as %s", actual, declared).isFalse();
                }
            }
        }
    }

    @Test
    void mpegAudioAcceptsAFrameSyncWithoutId3() {
        assertThat(ContentSniffer.matches("audio/mpeg", Samples.bytes(0xFF, 0xFB, 0x90, 0x64))).isTrue();   // MPEG-1 layer III
        assertThat(ContentSniffer.matches("audio/mpeg", Samples.bytes(0xFF, 0xF3, 0x90, 0x64))).isTrue();   // MPEG-2 layer III
        assertThat(ContentSniffer.matches("audio/mpeg", Samples.bytes(0xFF, 0xE9, 0x90, 0x64))).isFalse();  // reserved version
        assertThat(ContentSniffer.matches("audio/mpeg", Samples.bytes(0xFF, 0xF1, 0x50, 0x80))).isFalse();  // ADTS (layer 00)
    }

    @Test
    void aacNeedsAdtsSyncWithLayerZero() {
        assertThat(ContentSniffer.matches("audio/aac", Samples.bytes(0xFF, 0xF9, 0x50, 0x80))).isTrue();    // MPEG-2 ADTS
        assertThat(ContentSniffer.matches("audio/aac", Samples.bytes(0xFF, 0xFB, 0x90, 0x64))).isFalse();   // an MP3 frame
        assertThat(ContentSniffer.matches("audio/aac", Samples.bytes(0xFF, 0xE1, 0x50, 0x80))).isFalse();   // only 11 sync bits
    }

    @Test
    void amrWidebandAndGif87aAreAccepted() {
        assertThat(ContentSniffer.matches("audio/amr", Samples.ascii("#!AMR-WB\n"))).isTrue();
        assertThat(ContentSniffer.matches("image/gif", Samples.ascii("GIF87a\u0001\u0000"))).isTrue();
        assertThat(ContentSniffer.matches("image/gif", Samples.ascii("GIF88a\u0001\u0000"))).isFalse();
        assertThat(ContentSniffer.matches("image/webp", Samples.ascii("RIFF\u0000\u0000\u0000\u0000WAVEfmt "))).isFalse();
    }

    @Test
    void typesOutsideTheAllowListNeverMatch() {
        assertThat(ContentSniffer.allowed("image/svg+xml")).isFalse();
        assertThat(ContentSniffer.allowed("text/html")).isFalse();
        assertThat(ContentSniffer.matches("text/html", Samples.ascii("<html>"))).isFalse();
    }
}
