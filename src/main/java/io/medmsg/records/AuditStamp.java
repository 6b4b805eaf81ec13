package io.medmsg.records;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

import io.medmsg.web.RequestIds;

/**
 * Who made a request, which, from where and what it was: taken once, when the request arrives
 * (a held answer is written on another thread, where the security context is gone). Controllers
 * take it as a parameter and hand it to a service that writes the audit record in the same unit
 * as its change; {@link #markRecorded} then tells the response advice not to write another.
 */
public final class AuditStamp {

    static final String ATTRIBUTE = AuditStamp.class.getName();

    private final String actorRole;
    private final String actorId;
    private final String action;
    private final String requestId;
    private final String ip;
    private volatile boolean recorded;

    AuditStamp(String actorRole, String actorId, String action, String requestId, String ip) {
        this.actorRole = actorRole;
        this.actorId = actorId;
        this.action = action;
        this.requestId = requestId;
        this.ip = ip;
    }

    /** The request's stamp, taken now if it has none yet; the actor from the verified token, if any. */
    public static AuditStamp of(HttpServletRequest request) {
        Object known = request.getAttribute(ATTRIBUTE);
        if (known instanceof AuditStamp stamp) {
            return stamp;
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof Jwt jwt) {
            return of(request, jwt.getClaimAsString("role"), jwt.getSubject());
        }
        return of(request, request.getRequestURI().startsWith("/files/") ? "link" : "anonymous", null);
    }

    private static AuditStamp of(HttpServletRequest request, String actorRole, String actorId) {
        AuditStamp stamp = new AuditStamp(actorRole, actorId, AuditedPaths.action(request.getRequestURI()),
                RequestIds.of(request), request.getRemoteAddr());
        request.setAttribute(ATTRIBUTE, stamp);
        return stamp;
    }

    public AuditEntry entry(String sessionId, String consultationId, Long seqFrom, Long seqTo, String fileId,
            int outcome) {
        return new AuditEntry(actorRole, actorId, action, sessionId, consultationId, seqFrom, seqTo, fileId, requestId,
                ip, outcome);
    }

    public AuditEntry entry(AuditFacts facts, int outcome) {
        if (facts == null) {
            return entry(null, null, null, null, null, outcome);
        }
        return entry(facts.auditSessionId(), facts.auditConsultationId(), facts.auditSeqFrom(), facts.auditSeqTo(),
                facts.auditFileId(), outcome);
    }

    /** This request's record is committed (with its change): the response advice writes none. */
    public void markRecorded() {
        recorded = true;
    }

    public boolean recorded() {
        return recorded;
    }

    String action() {
        return action;
    }
}
