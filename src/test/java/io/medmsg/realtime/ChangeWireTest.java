package io.medmsg.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The relay's payloads: what one instance encodes, another decodes, and nothing else gets in. */
class ChangeWireTest {

    private final ChangeWire sender = new ChangeWire("a1b2c3d4-e5f6");
    private final ChangeWire receiver = new ChangeWire("99887766-5544");
    private static final long QUEUED = 1_764_000_000_000L;

    /** What decoding handed over, in order: a change, or "forget". */
    private List<Object> decode(ChangeWire wire, List<String> payloads) {
        List<Object> got = new ArrayList<>();
        payloads.forEach(p -> wire.decode(p, got::add, () -> got.add("forget"), queuedAt -> { }));
        return got;
    }

    private static SessionChanged change(int i) {
        return new SessionChanged("s" + i, "patient-" + i, "doctor-" + i, 10L + i, 1_000_000_000_000L + i, 7L * i, null);
    }

    @Test
    void changesRoundTripWithoutTheirMessageId() {
        SessionChanged withMessage = new SessionChanged("s1", "p1", "d1", 5, 6, 7, "m1");
        List<String> payloads = sender.encode(false, List.of(withMessage, change(2)), QUEUED);
        assertThat(payloads).singleElement().isEqualTo("""
                v1 a1b2c3d4-e5f6 1764000000000
                c s1 p1 d1 5 6 7
                c s2 patient-2 doctor-2 12 1000000000002 14
                """);
        assertThat(decode(receiver, payloads)).containsExactly(new SessionChanged("s1", "p1", "d1", 5, 6, 7, null), change(2));
    }

    @Test
    void forgetGoesFirstAndIsSentEvenWithoutChanges() {
        assertThat(decode(receiver, sender.encode(true, List.of(change(1)), QUEUED))).containsExactly("forget", change(1));
        assertThat(decode(receiver, sender.encode(true, List.of(), QUEUED))).containsExactly("forget");
        assertThat(sender.encode(false, List.of(), QUEUED)).isEmpty();
    }

    @Test
    void aLargeBatchIsSplitWithinTheChannelsLimitAndKeepsItsOrder() {
        List<SessionChanged> changes = IntStream.range(0, 1_000).mapToObj(ChangeWireTest::change).toList();
        List<String> payloads = sender.encode(true, changes, QUEUED);
        assertThat(payloads).hasSizeGreaterThan(1)
                .allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(ChangeChannel.MAX_PAYLOAD_BYTES))
                .allSatisfy(p -> assertThat(p).startsWith("v1 a1b2c3d4-e5f6 1764000000000\n"));
        List<Object> expected = new ArrayList<>();
        expected.add("forget");
        expected.addAll(changes);
        assertThat(decode(receiver, payloads)).containsExactlyElementsOf(expected);
    }

    @Test
    void ownPayloadsAreIgnored() {
        assertThat(decode(sender, sender.encode(true, List.of(change(1)), QUEUED))).isEmpty();
    }

    @Test
    void foreignPayloadsAndLinesAreIgnored() {
        assertThat(decode(receiver, List.of("", "\n", "hello", "v2 other\nc s1 p1 d1 1 2 3\nf\n",
                "{\"sessionId\":\"s1\"}", "v1\nf\n"))).isEmpty();
        // within a v1 payload, lines that are not ours are skipped and the others still count
        assertThat(decode(receiver, List.of("""
                v1 other
                c s1 p1 d1 x 2 3
                c s1 p1 d1 1 2
                c s1 p1 d1 1 2 3 4
                something else
                c s2 p2 d2 4 5 6
                """))).containsExactly(new SessionChanged("s2", "p2", "d2", 4, 5, 6, null));
    }

    @Test
    void eachPayloadTellsWhenItsOldestChangeWasQueuedAndPayloadsWithoutItStillCount() {
        List<SessionChanged> changes = IntStream.range(0, 1_000).mapToObj(ChangeWireTest::change).toList();
        List<Long> queued = new ArrayList<>();
        List<String> payloads = sender.encode(false, changes, QUEUED);
        payloads.forEach(p -> receiver.decode(p, c -> { }, () -> { }, queued::add));
        assertThat(queued).hasSize(payloads.size()).containsOnly(QUEUED);

        // a payload of an instance from before the time was sent: its changes count, no time is heard
        List<Object> got = new ArrayList<>();
        receiver.decode("v1 older\nc s3 p3 d3 1 2 3\n", got::add, () -> got.add("forget"), got::add);
        assertThat(got).containsExactly(new SessionChanged("s3", "p3", "d3", 1, 2, 3, null));
    }
}
