package io.medmsg.records;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

import io.medmsg.web.Envelope;
import io.medmsg.web.HeldAnswers;

/**
 * Writes the audit record of an audited request before its answer leaves: for a read, in a
 * group-commit unit after the read, queued before the body is rendered; a JSON body is held in
 * memory until the record has committed ({@link HeldAnswers}), any other waits for it first.
 * Requests whose service already committed their record with their change
 * ({@link AuditStamp#recorded}) and polls that carry nothing ({@link AuditFacts#auditIdle}) write
 * none. Error answers are audited too, with their status.
 */
@ControllerAdvice
class AuditAdvice implements ResponseBodyAdvice<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(AuditAdvice.class);

    private final Audit audit;
    private final AuditSettings settings;
    private final AuditMetrics metrics;

    AuditAdvice(Audit audit, AuditSettings settings, AuditMetrics metrics) {
        this.audit = audit;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return settings.enabled();
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (!(request instanceof ServletServerHttpRequest servlet) || !(response instanceof ServletServerHttpResponse out)) {
            return body;
        }
        HttpServletRequest req = servlet.getServletRequest();
        String uri = req.getRequestURI();
        if (!AuditedPaths.audited(uri)) {
            return body;
        }
        AuditStamp stamp = AuditStamp.of(req);
        if (stamp.recorded()) {
            return body;
        }
        int status = out.getServletResponse().getStatus();
        AuditFacts facts = body instanceof Envelope<?> envelope && envelope.data() instanceof AuditFacts f ? f : null;
        if (facts != null && status == 200 && facts.auditIdle()) {
            return body;
        }
        AuditEntry entry = facts != null ? stamp.entry(facts, status)
                : stamp.entry(req.getParameter("session_id"), req.getParameter("consultation_id"), null, null,
                        AuditedPaths.fileIdOf(uri), status);
        // once only: if the write fails, the error answer that follows carries no records
        stamp.markRecorded();
        if (status == 503 || status == 507) {
            // the database or the disk is what failed: a record could not be written either, and
            // trying would hold the error answer for another connection wait
            LOG.warn("audit record of a {} answer on {} not written: storage unavailable", status, uri);
            metrics.failed();
            return body;
        }
        if (status < 400) {
            // the body renders while the record commits, and is held until it has
            Runnable committed = audit.submitLater(entry);
            if (!HeldAnswers.holdUntil(req, converterType, committed)) {
                committed.run();
            }
            return body;
        }
        try {
            audit.submit(entry);
        } catch (RuntimeException e) {
            // an error answer carries no records: it goes out even when its audit record cannot be
            // written (a full disk, the database gone), rather than turning into a 500
            LOG.warn("audit record of a {} answer on {} not written: {}", status, uri, e.toString());
            metrics.failed();
        }
        return body;
    }
}
