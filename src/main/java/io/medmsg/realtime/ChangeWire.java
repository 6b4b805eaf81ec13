package io.medmsg.realtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * What {@link ChangeRelay} sends between instances. A payload holds only ids and counters (never
 * message text): a header line {@code v1 <instance> <queued>}, then
 * {@code c <session> <patient> <doctor> <last_seq> <patient change> <doctor change>} per change,
 * or {@code f} for "forget your marks". Ids never contain spaces or line breaks. {@code queued} is
 * when the oldest change of the batch was queued on the sender after its commit (epoch
 * milliseconds, the sender's clock), for the receiver's wake-up latency; instances before it sent
 * {@code v1 <instance>} alone, and either reads the other's payloads (the header's first two
 * words are all a reader before it looked at).
 */
final class ChangeWire {

    // ids are ASCII, so characters are bytes
    private static final int MAX_PAYLOAD_CHARS = ChangeChannel.MAX_PAYLOAD_BYTES;

    private final String instance;

    /** {@code instance} names the sender: what it sends itself comes back, and is ignored. */
    ChangeWire(String instance) {
        this.instance = instance;
    }

    /**
     * The payloads that carry {@code changes}, first telling the others to forget when
     * {@code forget}; each within the channel's size limit, none without a change or a forget.
     * {@code queuedAt}: when the oldest of them was queued (epoch ms).
     */
    List<String> encode(boolean forget, List<SessionChanged> changes, long queuedAt) {
        String header = "v1 " + instance + " " + queuedAt + "\n";
        List<String> payloads = new ArrayList<>();
        StringBuilder p = new StringBuilder(header);
        if (forget) {
            p.append("f\n");
        }
        for (SessionChanged c : changes) {
            String line = "c " + c.sessionId() + " " + c.patientId() + " " + c.doctorId() + " " + c.lastSeq() + " "
                    + c.patientChangeSeq() + " " + c.doctorChangeSeq() + "\n";
            if (p.length() + line.length() > MAX_PAYLOAD_CHARS && p.length() > header.length()) {
                payloads.add(p.toString());
                p.setLength(0);
                p.append(header);
            }
            p.append(line);
        }
        if (p.length() > header.length()) {
            payloads.add(p.toString());
        }
        return payloads;
    }

    /**
     * What another instance's payload asks, line by line and in order: each change goes to
     * {@code changed}, each "forget" runs {@code forget}. Our own payloads, and anything that is
     * not a v1 payload or not a line of one, are skipped: the channel name may be shared with
     * something else. {@code queuedAt} hears when the payload's oldest change was queued, once,
     * before its lines, if the sender said.
     */
    void decode(String payload, Consumer<SessionChanged> changed, Runnable forget, LongConsumer queuedAt) {
        String[] lines = payload.split("\n");
        String[] header = lines.length == 0 ? new String[0] : lines[0].split(" ");
        if (header.length < 2 || !header[0].equals("v1") || header[1].equals(instance)) {
            return;
        }
        if (header.length == 3) {
            try {
                queuedAt.accept(Long.parseLong(header[2]));
            } catch (NumberFormatException ignored) {
                // not ours
            }
        }
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            try {
                if (f[0].equals("c") && f.length == 7) {
                    changed.accept(new SessionChanged(f[1], f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]),
                            Long.parseLong(f[6]), null));
                } else if (f[0].equals("f")) {
                    forget.run();
                }
            } catch (NumberFormatException ignored) {
                // not ours: the channel name is shared with something else
            }
        }
    }
}
