package io.medmsg.chat;

import java.util.concurrent.CompletableFuture;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.medmsg.auth.Caller;
import io.medmsg.files.LinkBase;
import io.medmsg.records.AuditStamp;
import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.Params;

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

    record PatientText(String doctorId, String text, String clientMsgId) {
    }

    record DoctorText(String sessionId, String text, String clientMsgId) {
    }

    record PatientFile(String doctorId, String fileId, String clientMsgId) {
    }

    record DoctorFile(String sessionId, String fileId, String clientMsgId) {
    }

    record SessionOnly(String sessionId) {
    }

    record DoctorCard(String sessionId, JsonNode card, String clientMsgId) {
    }

    record SystemNotice(String sessionId, String text, JsonNode card, String clientMsgId) {
    }

    record MarkRead(String sessionId, Long seq) {
    }

    record Recall(String sessionId, String msgId) {
    }

    @PostMapping(P + "send_text_msg")
    Envelope<Views.Sent> patientSendText(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody PatientText body) {
        String doctorId = MessageRules.id("doctor_id", body.doctorId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(doctorId, null),
                ChatService.Content.text(chat.validText(body.text())), body.clientMsgId(), base, stamp));
    }

    @PostMapping(D + "send_text_msg")
    Envelope<Views.Sent> doctorSendText(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody DoctorText body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(null, sessionId),
                ChatService.Content.text(chat.validText(body.text())), body.clientMsgId(), base, stamp));
    }

    @PostMapping(P + "send_res_msg")
    Envelope<Views.Sent> patientSendFile(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody PatientFile body) {
        String doctorId = MessageRules.id("doctor_id", body.doctorId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(doctorId, null),
                chat.ownReadyFile(caller, body.fileId()), body.clientMsgId(), base, stamp));
    }

    @PostMapping(D + "send_res_msg")
    Envelope<Views.Sent> doctorSendFile(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody DoctorFile body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(null, sessionId),
                chat.ownReadyFile(caller, body.fileId()), body.clientMsgId(), base, stamp));
    }

    @PostMapping(D + "send_card_msg")
    Envelope<Views.Sent> doctorSendCard(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody DoctorCard body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        return Envelope.ok(chat.send(caller, new ChatService.Target(null, sessionId),
                ChatService.Content.card(CardRules.json(body.card(), "card", true, json)), body.clientMsgId(), base, stamp));
    }

    /** The hospital back end's notices: exactly one of text and card. */
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

    @GetMapping({P + "session_list", D + "session_list"})
    Envelope<Views.SessionPage> sessionList(Caller caller, LinkBase base, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "20") int limit) {
        Params.range("limit", limit, 1, 100);
        return Envelope.ok(reader.sessionList(caller, emptyToNull(cursor), limit, base));
    }

    @GetMapping(path = {P + "new_session", D + "new_session"}, params = "!wait")
    Envelope<Views.SessionChanges> newSession(Caller caller, LinkBase base,
            @RequestParam(required = false) String cursor) {
        return longPoll.newSessionNow(caller, emptyToNull(cursor), base);
    }

    /** With {@code wait}, the answer may come later: no thread is held meanwhile. */
    @GetMapping(path = {P + "new_session", D + "new_session"}, params = "wait")
    CompletableFuture<Envelope<Views.SessionChanges>> newSessionHeld(Caller caller, LinkBase base,
            @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "0") int wait) {
        Params.range("wait", wait, 0, LongPoll.MAX_WAIT_SECONDS);
        return longPoll.newSession(caller, emptyToNull(cursor), wait, base);
    }

    @GetMapping({P + "msg_list", D + "msg_list"})
    Envelope<Views.MessagePage> msgList(Caller caller, LinkBase base,
            @RequestParam(name = "session_id", required = false) String sessionId,
            @RequestParam(name = "doctor_id", required = false) String doctorId,
            @RequestParam(name = "before_seq", required = false) Long beforeSeq,
            @RequestParam(defaultValue = "20") int limit) {
        Params.range("limit", limit, 1, 100);
        if (beforeSeq != null) {
            Params.atLeast("before_seq", beforeSeq, 1);
        }
        return Envelope.ok(reader.msgList(caller, ref(sessionId, doctorId), beforeSeq, limit, base));
    }

    @GetMapping(path = {P + "new_msg", D + "new_msg"}, params = "!wait")
    Envelope<Views.NewMessages> newMsg(Caller caller, LinkBase base,
            @RequestParam(name = "session_id", required = false) String sessionId,
            @RequestParam(name = "doctor_id", required = false) String doctorId,
            @RequestParam(name = "after_seq", defaultValue = "0") long afterSeq,
            @RequestParam(defaultValue = "100") int limit) {
        checkNewMsg(afterSeq, limit);
        return longPoll.newMsgNow(caller, ref(sessionId, doctorId), afterSeq, limit, base);
    }

    /** With {@code wait}, the answer may come later: no thread is held meanwhile. */
    @GetMapping(path = {P + "new_msg", D + "new_msg"}, params = "wait")
    CompletableFuture<Envelope<Views.NewMessages>> newMsgHeld(Caller caller, LinkBase base,
            @RequestParam(name = "session_id", required = false) String sessionId,
            @RequestParam(name = "doctor_id", required = false) String doctorId,
            @RequestParam(name = "after_seq", defaultValue = "0") long afterSeq,
            @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int wait) {
        checkNewMsg(afterSeq, limit);
        Params.range("wait", wait, 0, LongPoll.MAX_WAIT_SECONDS);
        return longPoll.newMsg(caller, ref(sessionId, doctorId), afterSeq, limit, wait, base);
    }

    private static void checkNewMsg(long afterSeq, int limit) {
        Params.atLeast("after_seq", afterSeq, 0);
        Params.range("limit", limit, 1, 200);
    }

    @PostMapping({P + "session_del", D + "session_del"})
    Envelope<Views.Deleted> sessionDel(Caller caller, @RequestBody SessionOnly body) {
        return Envelope.ok(chat.delete(caller, body.sessionId()));
    }

    @PostMapping({P + "mark_read", D + "mark_read"})
    Envelope<Views.ReadState> markRead(Caller caller, @RequestBody MarkRead body) {
        if (body.seq() == null) {
            throw ApiException.badParameter("seq is required");
        }
        return Envelope.ok(chat.markRead(caller, body.sessionId(), body.seq()));
    }

    @PostMapping({P + "recall", D + "recall"})
    Envelope<Views.Sent> recall(Caller caller, LinkBase base, AuditStamp stamp, @RequestBody Recall body) {
        return Envelope.ok(chat.recall(caller, body.sessionId(), body.msgId(), base, stamp));
    }

    @GetMapping(path = {P + "events", D + "events"}, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(Caller caller, LinkBase base, AuditStamp stamp, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        Long after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Params.atLeast("Last-Event-ID", Long.parseLong(lastEventId.strip()), 0);
            } catch (NumberFormatException e) {
                throw ApiException.badParameter("Last-Event-ID must be an event id this server sent");
            }
        }
        return streams.open(caller, after, caller.expiresAt(), base, stamp);
    }

    private static ChatReader.SessionRef ref(String sessionId, String doctorId) {
        return new ChatReader.SessionRef(emptyToNull(sessionId), emptyToNull(doctorId));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
