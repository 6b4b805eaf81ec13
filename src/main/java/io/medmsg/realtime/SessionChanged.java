package io.medmsg.realtime;

/**
 * Published after a change to a session has committed: a new message (then {@code message} is
 * it), a recall (the appended recall message), or a read pointer moving ({@code message} null).
 * The change counters are the values this change gave each party.
 */
public record SessionChanged(String sessionId, String patientId, String doctorId, long lastSeq,
        long patientChangeSeq, long doctorChangeSeq, String messageId) {
}
