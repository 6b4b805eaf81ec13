package io.medmsg.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import org.springframework.stereotype.Service;

import tools.jackson.databind.json.JsonMapper;

import io.medmsg.auth.Caller;
import io.medmsg.db.Database;
import io.medmsg.shared.Ids;
import io.medmsg.shared.Side;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;

/**
 * The hospital back end's side of consultations (open after payment, look one up) and the parties'
 * list of a session's consultations. The rules themselves are {@link ConsultationService}'s.
 */
@Service
class ConsultationDesk {

    private final Database db;
    private final ConsultationService rules;
    private final Transitions transitions;
    private final ConsultationRepository consultations;
    private final SessionRepository sessions;
    private final SessionOpener opener;
    private final Cursors cursors;
    private final JsonMapper json;
    private final Clock clock;

    ConsultationDesk(Database db, ConsultationService rules, Transitions transitions, ConsultationRepository consultations,
            SessionRepository sessions, SessionOpener opener, Cursors cursors, JsonMapper json, Clock clock) {
        this.db = db;
        this.rules = rules;
        this.transitions = transitions;
        this.consultations = consultations;
        this.sessions = sessions;
        this.opener = opener;
        this.cursors = cursors;
        this.json = json;
        this.clock = clock;
    }

    /** An open request, validated; {@code intake} is the card's JSON. */
    record OpenRequest(String patientId, String patientName, String doctorId, String orderNo, String kind,
            Integer roundsLimit, Long acceptWithinS, Long durationS, String intake) {
    }

    /**
     * Opens a waiting consultation (and the session if need be), its opened message, then the
     * intake card. The same order_no again answers the original, unless its fields differ (40901).
     */
    Views.Opened open(OpenRequest r) {
        String digest = digestOf(r);
        StoredConsultation opened = ConsultationService.retrying(() -> rules.settle(db.submit(() -> {
            if (r.orderNo() != null) {
                StoredConsultation earlier = consultations.findByOrderNoForWrite(r.orderNo()).orElse(null);
                if (earlier != null) {
                    return new ConsultationService.Decided<>(earlier, null, null);
                }
            }
            KnownSessions.Parties p = opener.forPatient(r.patientId(), r.patientName(), r.doctorId());
            Transitions.Turn t = transitions.lock(p);
            long now = clock.millis();
            ApiException refusal = rules.refusalToOpen(t, now);
            if (refusal != null) {
                return new ConsultationService.Decided<>(null, refusal, t);
            }
            StoredConsultation c = transitions.open(t, rules.freeConsultation(p, r.orderNo(), r.kind(), r.roundsLimit(),
                    r.acceptWithinS(), r.durationS(), digest, now), true);
            if (r.intake() != null) {
                t.append(new StoredMessage(Ids.next(), p.sessionId(), 0, StoredMessage.SYSTEM, StoredMessage.SYSTEM,
                        MessageType.CARD, null, null, null, null, null, null, false, null, now, c.consultationId(),
                        r.intake(), null), SessionRepository.Writer.SYSTEM, null);
            }
            return new ConsultationService.Decided<>(c, null, t);
        })));
        if (!digest.equals(opened.requestDigest())) {
            throw new ApiException(ErrorCode.CLIENT_MSG_ID_CONFLICT,
                    "order_no " + r.orderNo() + " was already used to open a consultation with different fields");
        }
        StoredConsultation now = consultations.find(opened.consultationId()).orElseThrow();
        return new Views.Opened(now.sessionId(), now.view());
    }

    /** By id or by order_no (exactly one). */
    Views.OneConsultation find(String consultationId, String orderNo) {
        if ((consultationId == null) == (orderNo == null)) {
            throw ApiException.badParameter("give exactly one of consultation_id and order_no");
        }
        return new Views.OneConsultation((consultationId != null ? consultations.find(consultationId)
                : consultations.findByOrderNo(orderNo)).orElseThrow(() -> ApiException.notFound("consultation")).view());
    }

    /** A session's consultations, newest first, for one of its parties. */
    Views.ConsultationPage list(Caller caller, String sessionId, String cursor, int limit) {
        Side side = caller.side();
        ChatService.partyOf(sessions.find(sessionId).orElse(null), side, caller.id());
        Long openedAt = null;
        String afterId = null;
        if (cursor != null) {
            String key = cursors.verify("consultations", side, caller.id(), cursor);
            int colon = key.indexOf(':');
            openedAt = Long.parseLong(key.substring(0, colon));
            afterId = key.substring(colon + 1);
        }
        List<StoredConsultation> rows = consultations.ofSession(sessionId, openedAt, afterId, limit + 1);
        boolean more = rows.size() > limit;
        List<StoredConsultation> page = more ? rows.subList(0, limit) : rows;
        StoredConsultation last = page.isEmpty() ? null : page.getLast();
        String next = more ? cursors.issue("consultations", side, caller.id(), last.openedAt() + ":" + last.consultationId())
                : null;
        return new Views.ConsultationPage(page.stream().map(StoredConsultation::view).toList(), next);
    }

    /** What an order's fields were: the same order_no with other fields is a conflict. */
    private String digestOf(OpenRequest r) {
        String canonical = json.writeValueAsString(new Object[] {r.patientId(), r.doctorId(), r.orderNo(), r.kind(),
                r.roundsLimit(), r.acceptWithinS(), r.durationS(), r.intake()});
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
