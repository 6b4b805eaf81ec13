package io.medmsg.chat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.medmsg.auth.Caller;
import io.medmsg.files.LinkBase;
import io.medmsg.records.AuditStamp;
import io.medmsg.web.ApiErrors;
import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;
import io.medmsg.web.Params;
import io.medmsg.web.WhenGiven;

/**
 * The chat endpoints of both faces. The security chain lets only patients under
 * {@code /patient/} and only doctors under {@code /doctor/}; the services check the rest. A
 * {@link LinkBase} parameter is where the answer's file links point: the services get it as an
 * argument because a held answer is written later, on another thread.
 */
@RestController
class ChatController {

    private static final String P = "/msg_service/msg/patient/";
    private static final String D = "/msg_service/msg/doctor/";

    private final ChatService chat;
    private final ChatReader reader;
    private final LongPoll longPoll;
    private final EventStreams streams;
    private final JsonMapper json;

    ChatController(ChatService chat, ChatReader reader, LongPoll longPoll, EventStreams streams, JsonMapper json) {
        this.json = json;
        this.chat = chat;
        this.reader = reader;
        this.longPoll = longPoll;
        this.streams = streams;
    }

    // The limits the OpenAPI document states; the rules themselves are MessageRules and CardRules.
    static final String ID = "^[A-Za-z0-9_-]{1,64}$";
    static final String CLIENT_MSG_ID = "^[A-Za-z0-9_.:-]{1,64}$";
    static final String CLIENT_MSG_ID_DOC = "makes a resend idempotent: the same sender sending the same id again in "
            + "the same session gets the original message back";
    /**
     * new_session and new_msg are each one operation of the OpenAPI document, made of two mappings
     * (with and without {@code wait}); named, so that the document does not name it after whichever
     * of the two it met first. The names are those it was published with.
     */
    static final String NEW_SESSION_OPERATION = "newSessionHeld";
    static final String NEW_MSG_OPERATION = "newMsgHeld";
    static final String HELD_SESSION_DOC = "With wait > 0 and nothing changed, the answer is held until a change or "
            + "wait seconds.";
    static final String HELD_MSG_DOC = "With wait > 0 and no message, the answer is held until one arrives or wait "
            + "seconds.";
    static final String TEXT_DOC = "1-4000 Unicode code points by default (medmsg.limits.text-max-code-points), not "
            + "only whitespace; no control characters other than tab and line breaks";

    record PatientText(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ID) String doctorId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = TEXT_DOC) String text,
            @Schema(pattern = CLIENT_MSG_ID, description = CLIENT_MSG_ID_DOC) String clientMsgId) {
    }

    record DoctorText(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ID) String sessionId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = TEXT_DOC) String text,
            @Schema(pattern = CLIENT_MSG_ID, description = CLIENT_MSG_ID_DOC) String clientMsgId) {
    }

    record PatientFile(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ID) String doctorId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "a ready file this caller uploaded") String fileId,
            @Schema(pattern = CLIENT_MSG_ID, description = CLIENT_MSG_ID_DOC) String clientMsgId) {
    }

    record DoctorFile(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ID) String sessionId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "a ready file this caller uploaded") String fileId,
            @Schema(pattern = CLIENT_MSG_ID, description = CLIENT_MSG_ID_DOC) String clientMsgId) {
    }

    record SessionOnly(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String sessionId) {
    }

    record DoctorCard(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ID) String sessionId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, implementation = Card.class) JsonNode card,
            @Schema(pattern = CLIENT_MSG_ID, description = CLIENT_MSG_ID_DOC) String clientMsgId) {
    }

    record SystemNotice(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ID) String sessionId,
            @Schema(description = "exactly one of text and card; " + TEXT_DOC) String text,
            @Schema(implementation = Card.class, description = "exactly one of text and card") JsonNode card,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = CLIENT_MSG_ID,
                    description = CLIENT_MSG_ID_DOC) String clientMsgId) {
    }

    record MarkRead(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String sessionId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0",
                    description = "read_seq becomes max(read_seq, min(seq, last_seq))") Long seq) {
    }

    record Recall(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String sessionId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String msgId) {
    }

    @Operation(summary = "Send a text to a doctor (opens the session if there is none)")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CLIENT_MSG_ID_CONFLICT, ErrorCode.DOCTOR_NOT_ACCEPTING,
        ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.ROUNDS_USED_UP, ErrorCode.CONSULTATION_STATE,
        ErrorCode.MODERATION_REFUSED, ErrorCode.RATE_LIMITED})
    @PostMapping(P + "send_text_msg")
    Envelope<Views.Sent> patientSendText(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody PatientText body) {
        String doctorId = MessageRules.id("doctor_id", body.doctorId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(doctorId, null),
                ChatService.Content.text(chat.validText(body.text())), body.clientMsgId(), base, stamp));
    }

    @Operation(summary = "Send a text into one of the doctor's sessions")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CLIENT_MSG_ID_CONFLICT, ErrorCode.DOCTOR_NOT_ACCEPTING,
        ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.ROUNDS_USED_UP, ErrorCode.CONSULTATION_STATE,
        ErrorCode.MODERATION_REFUSED, ErrorCode.RATE_LIMITED})
    @PostMapping(D + "send_text_msg")
    Envelope<Views.Sent> doctorSendText(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody DoctorText body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(null, sessionId),
                ChatService.Content.text(chat.validText(body.text())), body.clientMsgId(), base, stamp));
    }

    @Operation(summary = "Send an uploaded file (picture, voice, video, file) to a doctor")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CLIENT_MSG_ID_CONFLICT, ErrorCode.DOCTOR_NOT_ACCEPTING,
        ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.ROUNDS_USED_UP, ErrorCode.CONSULTATION_STATE,
        ErrorCode.MODERATION_REFUSED, ErrorCode.RATE_LIMITED, ErrorCode.FILE_STATE})
    @PostMapping(P + "send_res_msg")
    Envelope<Views.Sent> patientSendFile(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody PatientFile body) {
        String doctorId = MessageRules.id("doctor_id", body.doctorId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(doctorId, null),
                chat.ownReadyFile(caller, body.fileId()), body.clientMsgId(), base, stamp));
    }

    @Operation(summary = "Send an uploaded file into one of the doctor's sessions")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CLIENT_MSG_ID_CONFLICT, ErrorCode.DOCTOR_NOT_ACCEPTING,
        ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.ROUNDS_USED_UP, ErrorCode.CONSULTATION_STATE,
        ErrorCode.MODERATION_REFUSED, ErrorCode.RATE_LIMITED, ErrorCode.FILE_STATE})
    @PostMapping(D + "send_res_msg")
    Envelope<Views.Sent> doctorSendFile(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody DoctorFile body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(null, sessionId),
                chat.ownReadyFile(caller, body.fileId()), body.clientMsgId(), base, stamp));
    }

    @Operation(summary = "Send a card (notice, prescription, summary, x-...) into a session")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CLIENT_MSG_ID_CONFLICT, ErrorCode.DOCTOR_NOT_ACCEPTING,
        ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.ROUNDS_USED_UP, ErrorCode.CONSULTATION_STATE,
        ErrorCode.MODERATION_REFUSED, ErrorCode.RATE_LIMITED})
    @PostMapping(D + "send_card_msg")
    Envelope<Views.Sent> doctorSendCard(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody DoctorCard body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(null, sessionId),
                ChatService.Content.card(CardRules.json(body.card(), "card", true, json)), body.clientMsgId(), base, stamp));
    }

    /** The hospital back end's notices: exactly one of text and card. */
    @Operation(summary = "Append a system notice (text or card) to a session (the hospital's back end)")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CLIENT_MSG_ID_CONFLICT})
    @PostMapping("/msg_service/msg/admin/send_system_msg")
    Envelope<Views.Sent> adminSendSystem(LinkBase base, AuditStamp stamp, @RequestBody SystemNotice body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        boolean hasCard = body.card() != null && !body.card().isNull();
        if ((body.text() != null) == hasCard) {
            throw ApiException.badParameter("give exactly one of text and card");
        }
        ChatService.Content content = hasCard ? ChatService.Content.card(CardRules.json(body.card(), "card", true, json))
                : ChatService.Content.text(chat.validText(body.text()));
        return Envelope.ok(chat.sendSystem(sessionId, content, body.clientMsgId(), base, stamp));
    }

    @Operation(summary = "The caller's sessions, newest updated first")
    @ApiErrors(ErrorCode.BAD_CURSOR)
    @GetMapping({P + "session_list", D + "session_list"})
    Envelope<Views.SessionPage> sessionList(Caller caller, LinkBase base,
            @Parameter(description = "next_cursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
            @RequestParam(defaultValue = "20") int limit) {
        Params.range("limit", limit, 1, 100);
        return Envelope.ok(reader.sessionList(caller, emptyToNull(cursor), limit, base));
    }

    @Operation(operationId = NEW_SESSION_OPERATION,
            summary = "Sessions changed after a cursor (without one: the latest session and a cursor)",
            description = HELD_SESSION_DOC)
    @ApiErrors(ErrorCode.BAD_CURSOR)
    @GetMapping(path = {P + "new_session", D + "new_session"})
    Envelope<Views.SessionChanges> newSession(Caller caller, LinkBase base,
            @Parameter(description = "the cursor of the previous answer") @RequestParam(required = false) String cursor) {
        return longPoll.newSessionNow(caller, emptyToNull(cursor), base);
    }

    /**
     * With {@code wait}, the answer may come later: no thread is held meanwhile. When {@code wait} is
     * given, both mappings match and this one is taken ({@link WhenGiven}).
     */
    @Operation(operationId = NEW_SESSION_OPERATION,
            summary = "Sessions changed after a cursor (without one: the latest session and a cursor)",
            description = HELD_SESSION_DOC)
    @ApiErrors({ErrorCode.BAD_CURSOR, ErrorCode.RATE_LIMITED})
    @GetMapping(path = {P + "new_session", D + "new_session"})
    @WhenGiven("wait")
    DeferredResult<Envelope<Views.SessionChanges>> newSessionHeld(Caller caller, LinkBase base,
            @Parameter(description = "the cursor of the previous answer") @RequestParam(required = false) String cursor,
            @Parameter(description = "seconds to hold the request while nothing changed",
                    schema = @Schema(type = "integer", minimum = "0", maximum = "30", defaultValue = "0"))
            @RequestParam(defaultValue = "0") int wait) {
        Params.range("wait", wait, 0, LongPoll.MAX_WAIT_SECONDS);
        return deferred(longPoll.newSession(caller, emptyToNull(cursor), wait, base));
    }

    @Operation(summary = "A page of a session's messages before a seq, ascending")
    @ApiErrors(ErrorCode.NOT_FOUND)
    @GetMapping({P + "msg_list", D + "msg_list"})
    Envelope<Views.MessagePage> msgList(Caller caller, LinkBase base,
            @Parameter(description = "the session (or, for a patient, doctor_id)")
            @RequestParam(name = "session_id", required = false) String sessionId,
            @Parameter(description = "patients only: the session with this doctor")
            @RequestParam(name = "doctor_id", required = false) String doctorId,
            @Parameter(description = "omit for the newest", schema = @Schema(type = "integer", format = "int64", minimum = "1"))
            @RequestParam(name = "before_seq", required = false) Long beforeSeq,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
            @RequestParam(defaultValue = "20") int limit) {
        Params.range("limit", limit, 1, 100);
        if (beforeSeq != null) {
            Params.atLeast("before_seq", beforeSeq, 1);
        }
        return Envelope.ok(reader.msgList(caller, ref(sessionId, doctorId), beforeSeq, limit, base));
    }

    @Operation(operationId = NEW_MSG_OPERATION, summary = "A session's messages after a seq, ascending",
            description = HELD_MSG_DOC)
    @ApiErrors(ErrorCode.NOT_FOUND)
    @GetMapping(path = {P + "new_msg", D + "new_msg"})
    Envelope<Views.NewMessages> newMsg(Caller caller, LinkBase base,
            @Parameter(description = "the session (or, for a patient, doctor_id)")
            @RequestParam(name = "session_id", required = false) String sessionId,
            @Parameter(description = "patients only: the session with this doctor")
            @RequestParam(name = "doctor_id", required = false) String doctorId,
            @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "0", defaultValue = "0"))
            @RequestParam(name = "after_seq", defaultValue = "0") long afterSeq,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "200", defaultValue = "100"))
            @RequestParam(defaultValue = "100") int limit) {
        checkNewMsg(afterSeq, limit);
        return longPoll.newMsgNow(caller, ref(sessionId, doctorId), afterSeq, limit, base);
    }

    /** With {@code wait}, the answer may come later (see {@link #newSessionHeld}). */
    @Operation(operationId = NEW_MSG_OPERATION, summary = "A session's messages after a seq, ascending",
            description = HELD_MSG_DOC)
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED})
    @GetMapping(path = {P + "new_msg", D + "new_msg"})
    @WhenGiven("wait")
    DeferredResult<Envelope<Views.NewMessages>> newMsgHeld(Caller caller, LinkBase base,
            @Parameter(description = "the session (or, for a patient, doctor_id)")
            @RequestParam(name = "session_id", required = false) String sessionId,
            @Parameter(description = "patients only: the session with this doctor")
            @RequestParam(name = "doctor_id", required = false) String doctorId,
            @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "0", defaultValue = "0"))
            @RequestParam(name = "after_seq", defaultValue = "0") long afterSeq,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "200", defaultValue = "100"))
            @RequestParam(defaultValue = "100") int limit,
            @Parameter(description = "seconds to hold the request while there is no message",
                    schema = @Schema(type = "integer", minimum = "0", maximum = "30", defaultValue = "0"))
            @RequestParam(defaultValue = "0") int wait) {
        checkNewMsg(afterSeq, limit);
        Params.range("wait", wait, 0, LongPoll.MAX_WAIT_SECONDS);
        return deferred(longPoll.newMsg(caller, ref(sessionId, doctorId), afterSeq, limit, wait, base));
    }

    /**
     * The held answer as Spring MVC's own deferred result. Returned as a future, it went through
     * Spring's adapter for reactive types (Reactor is on the class path, for Redis), which kept a
     * subscriber, a publisher and their type information besides the deferred result for every held
     * poll while it waited (docs/benchmarks.md). A failure is unwrapped as Spring unwraps a future's.
     */
    private static <T> DeferredResult<T> deferred(CompletableFuture<T> answer) {
        DeferredResult<T> result = new DeferredResult<>();
        answer.whenComplete((value, failure) -> {
            if (failure == null) {
                result.setResult(value);
            } else {
                result.setErrorResult(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
        return result;
    }

    private static void checkNewMsg(long afterSeq, int limit) {
        Params.atLeast("after_seq", afterSeq, 0);
        Params.range("limit", limit, 1, 200);
    }

    @Operation(summary = "Hide a session and its messages so far from the caller (idempotent)")
    @ApiErrors(ErrorCode.NOT_FOUND)
    @PostMapping({P + "session_del", D + "session_del"})
    Envelope<Views.Deleted> sessionDel(Caller caller, @RequestBody SessionOnly body) {
        return Envelope.ok(chat.delete(caller, body.sessionId()));
    }

    @Operation(summary = "Move the caller's read pointer of a session")
    @ApiErrors(ErrorCode.NOT_FOUND)
    @PostMapping({P + "mark_read", D + "mark_read"})
    Envelope<Views.ReadState> markRead(Caller caller, @RequestBody MarkRead body) {
        if (body.seq() == null) {
            throw ApiException.badParameter("seq is required");
        }
        return Envelope.ok(chat.markRead(caller, body.sessionId(), body.seq()));
    }

    @Operation(summary = "Recall one of the caller's messages within the recall window")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.RECALL_TOO_LATE})
    @PostMapping({P + "recall", D + "recall"})
    Envelope<Views.Sent> recall(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody Recall body) {
        return Envelope.ok(chat.recall(caller, body.sessionId(), body.msgId(), base, stamp));
    }

    @Operation(summary = "Server-Sent Events of all the caller's sessions",
            description = "Events 'message' (data: {session_id, message}) and 'session' (data: a Session), each with "
                    + "an id; reconnect with Last-Event-ID to resume. A comment line at least every 15 s.",
            responses = @ApiResponse(responseCode = "200", description = "the event stream",
                    content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string"))))
    @GetMapping(path = {P + "events", D + "events"}, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void events(Caller caller, LinkBase base, AuditStamp stamp, HttpServletRequest request,
            HttpServletResponse response,
            @Parameter(description = "the id of the last event received, to resume after it",
                    schema = @Schema(pattern = "^[0-9]+$"))
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        Long after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Params.atLeast("Last-Event-ID", Long.parseLong(lastEventId.strip()), 0);
            } catch (NumberFormatException e) {
                throw ApiException.badParameter("Last-Event-ID must be an event id this server sent");
            }
        }
        streams.open(caller, after, caller.expiresAt(), base, stamp, request, response);
    }

    private static ChatReader.SessionRef ref(String sessionId, String doctorId) {
        return new ChatReader.SessionRef(emptyToNull(sessionId), emptyToNull(doctorId));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
