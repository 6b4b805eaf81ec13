package io.medmsg.chat;

import java.time.Clock;
import java.util.function.Supplier;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;

import io.medmsg.auth.Caller;
import io.medmsg.config.MedMsgProperties;
import io.medmsg.db.Database;
import io.medmsg.events.Outbox;
import io.medmsg.moderation.Moderation;
import io.medmsg.files.FileService;
import io.medmsg.files.LinkBase;
import io.medmsg.files.StoredFile;
import io.medmsg.records.Audit;
import io.medmsg.records.AuditStamp;
import io.medmsg.realtime.SessionChanged;
import io.medmsg.shared.Ids;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * The one place that changes sessions: appends messages, recalls them, moves read pointers and
 * deletion points. Each change is one transaction that locks, in this order, the patient's change
 * counter, the doctor's change counter and the session row (one order everywhere, so no deadlock),
 * and answers only after it has committed.
 */
@Service
public class ChatService {

    private static final int ATTEMPTS = 5;

    private final Database db;
    private final SessionRepository sessions;
    private final MessageRepository messages;
    private final ChangeCounters counters;
    private final FileService files;
    private final SendRateLimiter rateLimiter;
    private final MessageRenderer renderer;
    private final ApplicationEventPublisher events;
    private final MedMsgProperties.Limits limits;
    private final KnownSessions known;
    private final SessionOpener opener;
    private final MessageAppend appender;
    private final Clock clock;
    private final SessionLog log;
    private final ConsultationService consultations;
    private final Outbox outbox;
    private final Moderation moderation;
    private final Audit audit;
    private final SendMetrics metrics;

    ChatService(Database db, SessionRepository sessions, MessageRepository messages, ChangeCounters counters,
            SessionOpener opener, FileService files, SendRateLimiter rateLimiter, MessageRenderer renderer,
            ApplicationEventPublisher events, MedMsgProperties properties, KnownSessions known,
            MessageAppend appender, Clock clock, SessionLog log, ConsultationService consultations, Outbox outbox,
            Moderation moderation, Audit audit, SendMetrics metrics) {
        this.metrics = metrics;
        this.moderation = moderation;
        this.outbox = outbox;
        this.audit = audit;
        this.log = log;
        this.consultations = consultations;
        this.db = db;
        this.sessions = sessions;
        this.messages = messages;
        this.counters = counters;
        this.opener = opener;
        this.files = files;
        this.rateLimiter = rateLimiter;
        this.renderer = renderer;
        this.events = events;
        this.limits = properties.limits();
        this.known = known;
        this.appender = appender;
        this.clock = clock;
    }

    /** What a sender wants appended: text, a ready file's metadata, or a card's JSON. */
    record Content(MessageType type, String text, String fileId, String fileName, String mimeType, Long size,
            String card) {

        static Content text(String text) {
            return new Content(MessageType.TEXT, text, null, null, null, null, null);
        }

        static Content file(StoredFile file) {
            return new Content(MessageType.forMimeType(file.mimeType()), null, file.fileId(), file.fileName(),
                    file.mimeType(), file.size(), null);
        }

        static Content card(String cardJson) {
            return new Content(MessageType.CARD, null, null, null, null, null, cardJson);
        }
    }

    /** Where a message goes: a patient names the doctor, a doctor names the session. */
    record Target(String doctorId, String sessionId) {
    }

    String validText(String text) {
        return MessageRules.text(text, limits);
    }

    /** The caller's own ready file as message content (404 for someone else's, 409 if not ready). */
    Content ownReadyFile(Caller caller, String fileId) {
        return Content.file(files.requireReadyFileOf(caller, MessageRules.id("file_id", fileId)));
    }

    /**
     * Appends a message; when it is written, its audit record ({@code stamp}) commits in the same
     * unit, also when the consultation rules admit it in a unit of their own (the first message of
     * a consultation). A resend or a refusal is audited by the response advice, after.
     */
    Views.Sent send(Caller caller, Target target, Content asSent, String clientMsgId, LinkBase base, AuditStamp stamp) {
        long start = System.nanoTime();
        try {
            Side side = caller.side();
            MessageRules.clientMsgId(clientMsgId);
            rateLimiter.acquire(side, caller.id());
            Content content = moderated(caller, asSent);
            Appended appended;
            // the database part, counted by what became of it in medmsg_messages_sent_total
            try {
                appended = stored(caller, side, target, content, clientMsgId, stamp);
            } catch (RuntimeException e) {
                metrics.sent(content.type(), SendMetrics.outcomeOf(e));
                throw e;
            }
            if (!appended.written()) {
                metrics.sent(content.type(), SendMetrics.Outcome.RESEND);
                StoredMessage original = appended.original();
                return new Views.Sent(original.sessionId(), renderer.message(original, base));
            }
            metrics.sent(content.type(), SendMetrics.Outcome.COMMITTED);
            log.publish(appended);
            return new Views.Sent(appended.message().sessionId(), renderer.message(appended.message(), base));
        } finally {
            metrics.latency(start);
        }
    }

    /** The message appended and committed, or the original of a resend (same content, else 409). */
    private Appended stored(Caller caller, Side side, Target target, Content content, String clientMsgId,
            AuditStamp stamp) {
        Appended appended = retrying(() -> db.submit(() -> audited(append(caller, side, target, content, clientMsgId), stamp)));
        // committed: from now on this session is known and its sends skip the lookup
        known.learn(appended.session());
        if (!appended.written()) {
            StoredMessage original = originalOf(appended, side);
            appended = original != null ? Appended.resendOf(appended.session(), appended.draft(), original)
                    : admitted(caller, side, appended.session(), content, clientMsgId, stamp);
        }
        if (appended.written()) {
            // by the append or by the consultation rules, in a unit that committed its record too
            stamp.markRecorded();
        } else {
            sameAsOriginal(appended, content);
        }
        return appended;
    }

    /**
     * The content as moderation lets it through (API.md §5): a text may come back replaced; a
     * refusal is 42202 and nothing is appended. Files carry no text to judge.
     */
    private Content moderated(Caller caller, Content content) {
        Moderation.Sender sender = new Moderation.Sender(caller.side().wire(), caller.id());
        if (content.type() == MessageType.TEXT) {
            String text = moderation.text(sender, content.text());
            return text.equals(content.text()) ? content : Content.text(validText(text));
        }
        if (content.type() == MessageType.CARD) {
            moderation.card(sender, content.card());
        }
        return content;
    }

    /**
     * The session's consultation gate refused the send: the consultation rules decide, under its
     * lock; a message they let through commits with its audit record, as any other send does.
     */
    private Appended admitted(Caller caller, Side side, KnownSessions.Parties session, Content content, String clientMsgId,
            AuditStamp stamp) {
        return retrying(() -> consultations.settle(db.submit(() -> auditedIfWritten(consultations.admit(session,
                side, draft(caller, side, session, content, clientMsgId), side == Side.PATIENT ? caller.name() : null),
                stamp))));
    }

    private ConsultationService.Decided<Appended> auditedIfWritten(ConsultationService.Decided<Appended> d,
            AuditStamp stamp) {
        if (d.value() != null && d.value().written()) {
            audited(d.value(), stamp);
        }
        return d;
    }

    /** The original of a message not written: a resend found by the append, or looked up now; null if none. */
    private StoredMessage originalOf(Appended a, Side side) {
        StoredMessage draft = a.draft();
        if (a.original() != null || draft.clientMsgId() == null) {
            return a.original();
        }
        return messages.findByClientMsgId(draft.sessionId(), side, draft.senderId(), draft.clientMsgId()).orElse(null);
    }

    /** The original of a resend, which must carry the same content (else 409: nothing was written). */
    private static StoredMessage sameAsOriginal(Appended resend, Content content) {
        StoredMessage original = resend.original();
        if (!original.sameContent(content.type(), content.text(), content.fileId(), content.card())) {
            throw new ApiException(ErrorCode.CLIENT_MSG_ID_CONFLICT,
                    "client_msg_id was already used for a different message in this session");
        }
        return original;
    }

    /**
     * A notice of the hospital's back end ({@code sender_role} system) into any session, open
     * consultation or not; client_msg_id is required, so that the back end can always resend.
     */
    Views.Sent sendSystem(String sessionId, Content content, String clientMsgId, LinkBase base, AuditStamp stamp) {
        if (clientMsgId == null) {
            throw ApiException.badParameter("client_msg_id is required");
        }
        MessageRules.clientMsgId(clientMsgId);
        StoredSession s = sessions.find(sessionId).orElseThrow(() -> ApiException.notFound("session"));
        KnownSessions.Parties p = KnownSessions.Parties.of(s);
        Appended appended;
        StoredMessage original = null;
        try {
            appended = retrying(() -> db.submit(() -> {
                StoredMessage draft = new StoredMessage(Ids.next(), sessionId, 0, StoredMessage.SYSTEM, StoredMessage.SYSTEM,
                        content.type(), content.text(), null, null, null, null, null, false, clientMsgId, clock.millis(), null,
                        content.card(), null);
                return messages.findByClientMsgId(sessionId, StoredMessage.SYSTEM, StoredMessage.SYSTEM, clientMsgId)
                        .map(o -> Appended.resendOf(p, draft, o))
                        .orElseGet(() -> audited(log.appendAdmitted(p, draft, SessionRepository.Writer.SYSTEM, null), stamp));
            }));
            if (!appended.written()) {
                original = sameAsOriginal(appended, content);
            }
        } catch (RuntimeException e) {
            metrics.sent(content.type(), SendMetrics.outcomeOf(e));
            throw e;
        }
        if (original != null) {
            metrics.sent(content.type(), SendMetrics.Outcome.RESEND);
            return new Views.Sent(sessionId, renderer.message(original, base));
        }
        metrics.sent(content.type(), SendMetrics.Outcome.COMMITTED);
        stamp.markRecorded();
        log.publish(appended);
        return new Views.Sent(sessionId, renderer.message(appended.message(), base));
    }

    Views.Sent recall(Caller caller, String sessionId, String msgId, LinkBase base, AuditStamp stamp) {
        Side side = caller.side();
        MessageRules.id("session_id", sessionId);
        MessageRules.id("msg_id", msgId);
        Appended appended = retrying(() -> db.submit(() -> audited(appendRecall(caller, side, sessionId, msgId), stamp)));
        stamp.markRecorded();
        log.publish(appended);
        return new Views.Sent(sessionId, renderer.message(appended.message(), base));
    }

    Views.ReadState markRead(Caller caller, String sessionId, long seq) {
        Side side = caller.side();
        MessageRules.id("session_id", sessionId);
        if (seq < 0) {
            throw ApiException.badParameter("seq must be at least 0");
        }
        Read read = retrying(() -> db.submit(() -> moveReadPointer(caller, side, sessionId, seq)));
        if (read.moved()) {
            StoredSession s = read.session();
            events.publishEvent(new SessionChanged(s.sessionId(), s.patientId(), s.doctorId(), s.lastSeq(),
                    s.patientChangeSeq(), s.doctorChangeSeq(), null));
        }
        return new Views.ReadState(sessionId, read.session().readSeq(side), read.session().unreadCount(side));
    }

    Views.Deleted delete(Caller caller, String sessionId) {
        Side side = caller.side();
        MessageRules.id("session_id", sessionId);
        retrying(() -> db.submit(() -> {
            StoredSession s = partyOf(sessions.findForWrite(sessionId).orElse(null), side, caller.id());
            sessions.deleteUpToLast(s.sessionId(), side);
            return s;
        }));
        return new Views.Deleted(sessionId);
    }

    /**
     * Inside the unit: the audit record of the message it appends, committed with it if it is
     * written (on PostgreSQL whether it was is known only at the commit: the record says which
     * message, and takes its seq from the row).
     */
    private Appended audited(Appended appended, AuditStamp stamp) {
        StoredMessage draft = appended.draft();
        audit.appendForMessage(stamp.entry(draft.sessionId(), null, null, null, draft.fileId(), 200), draft.msgId());
        return appended;
    }

    private record Read(StoredSession session, boolean moved) {
    }

    /** The data of API.md §5's {@code message.recalled}. */
    record RecalledEvent(String sessionId, String msgId) {
    }

    /** The data of API.md §5's {@code session.read}. */
    record ReadEvent(String sessionId, String role, String id, long readSeq) {
    }

    private Appended append(Caller caller, Side side, Target target, Content content, String clientMsgId) {
        KnownSessions.Parties s = opener.of(caller, side, target);
        return appender.append(draft(caller, side, s, content, clientMsgId), s, side,
                side == Side.PATIENT ? caller.name() : null);
    }

    private StoredMessage draft(Caller caller, Side side, KnownSessions.Parties s, Content content, String clientMsgId) {
        return new StoredMessage(Ids.next(), s.sessionId(), 0, side.wire(), caller.id(), content.type(), content.text(),
                content.fileId(), content.fileName(), content.mimeType(), content.size(), null, false, clientMsgId,
                clock.millis(), null, content.card(), null);
    }

    private Appended appendRecall(Caller caller, Side side, String sessionId, String msgId) {
        StoredSession s = partyOf(sessions.findForWrite(sessionId).orElse(null), side, caller.id());
        StoredMessage original = messages.findForWrite(sessionId, msgId)
                .filter(m -> m.seq() > s.deletedSeq(side))
                .orElseThrow(() -> ApiException.notFound("message"));
        if (!original.sentBy(side, caller.id())) {
            throw new ApiException(ErrorCode.RECALL_TOO_LATE, "only the sender may recall a message");
        }
        if (original.type() == MessageType.RECALL || original.recalled()) {
            throw new ApiException(ErrorCode.RECALL_TOO_LATE, "the message is already recalled");
        }
        long now = clock.millis();
        if (now - original.createdAt() > limits.recallWindow().toMillis()) {
            throw new ApiException(ErrorCode.RECALL_TOO_LATE, "a message can be recalled only within "
                    + limits.recallWindow().toSeconds() + " seconds of sending");
        }
        if (!messages.markRecalled(msgId)) {
            throw new ApiException(ErrorCode.RECALL_TOO_LATE, "the message is already recalled");
        }
        StoredMessage recall = new StoredMessage(Ids.next(), sessionId, 0, side.wire(), caller.id(),
                MessageType.RECALL, null, null, null, null, null, msgId, false, null, now, null, null, null);
        Appended appended = log.appendAdmitted(KnownSessions.Parties.of(s), recall, SessionRepository.Writer.recall(side), null);
        outbox.record(Outbox.MESSAGE_RECALLED, sessionId, new RecalledEvent(sessionId, msgId), now);
        return appended;
    }

    private Read moveReadPointer(Caller caller, Side side, String sessionId, long seq) {
        StoredSession s = partyOf(sessions.findForWrite(sessionId).orElse(null), side, caller.id());
        long target = Math.min(seq, s.lastSeq());
        if (target <= s.readSeq(side)) {
            return new Read(s, false);
        }
        long patientChange = counters.bump(Side.PATIENT, s.patientId());
        long doctorChange = counters.bump(Side.DOCTOR, s.doctorId());
        boolean moved = sessions.markRead(sessionId, side, target, patientChange, doctorChange);
        if (moved) {
            outbox.record(Outbox.SESSION_READ, sessionId, new ReadEvent(sessionId, side.wire(), caller.id(), target),
                    clock.millis());
        }
        return new Read(sessions.findForWrite(sessionId).orElseThrow(), moved);
    }

    /** The session if the caller is its party on that side; else the same 404 as a missing one. */
    static StoredSession partyOf(StoredSession s, Side side, String userId) {
        if (s == null || !s.hasParty(side, userId)) {
            throw ApiException.notFound("session");
        }
        return s;
    }

    /**
     * Races that the database settles by refusing one side — two first messages opening the same
     * session, two resends of one client_msg_id, a deadlock victim — are retried: the next
     * attempt sees what the winner committed.
     */
    static <T> T retrying(Supplier<T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (DuplicateKeyException | PessimisticLockingFailureException e) {
                if (i >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
