package io.medmsg.chat;

import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.medmsg.auth.Caller;
import io.medmsg.auth.FastPathSecurity;
import io.medmsg.auth.Role;
import io.medmsg.files.LinkBase;
import io.medmsg.files.LinkBases;
import io.medmsg.records.Audit;
import io.medmsg.records.AuditStamp;
import io.medmsg.web.EnvelopeWriter;
import io.medmsg.web.JsonText;

/**
 * {@code send_text_msg}, the request every consultation is made of, answered without Spring
 * Security's filter chain and Spring MVC's dispatch: on two cores those took about half of the
 * CPU a send costs (docs/benchmarks.md). Everything else is the same code: the controller method,
 * {@link ChatService}, the token verifier and role rule ({@link FastPathSecurity}), failures
 * answered by the one exception handler of Spring MVC.
 *
 * <p>Only the plain case is taken: POST with a declared length, {@code application/json} in
 * UTF-8, a valid bearer token of the face's role, a body that binds under the same strict rules
 * (the application's JSON mapper, {@link JsonText}). Anything else continues down
 * the usual chain, untouched (or, once the body is read, with the same bytes), so every error a
 * client can meet is still answered where it always was.
 */
final class SendTextFastPath implements Filter {

    static final String PATIENT = "/msg_service/msg/patient/send_text_msg";
    static final String DOCTOR = "/msg_service/msg/doctor/send_text_msg";

    private final ChatController controller;
    private final FastPathSecurity security;
    private final JsonMapper json;
    private final EnvelopeWriter writer;
    private final HandlerExceptionResolver errors;
    private final LinkBases linkBases;
    private final Audit audit;

    SendTextFastPath(ChatController controller, FastPathSecurity security, JsonMapper json, EnvelopeWriter writer,
            HandlerExceptionResolver errors, LinkBases linkBases, Audit audit) {
        this.audit = audit;
        this.controller = controller;
        this.security = security;
        this.json = json;
        this.writer = writer;
        this.errors = errors;
        this.linkBases = linkBases;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI();
        Role role = PATIENT.equals(path) ? Role.PATIENT : DOCTOR.equals(path) ? Role.DOCTOR : null;
        if (role == null || !"POST".equals(request.getMethod()) || request.getContentLengthLong() <= 0
                || !isUtf8Json(request.getContentType())) {
            chain.doFilter(request, response);
            return;
        }
        Caller caller = security.verified(request, role);
        if (caller == null) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (IOException clientFailed) {
            // the body stopped arriving or the client went away: answered (408, 400) and logged
            // as the client's doing by the one exception handler, as on the usual path
            security.writeHeaders(request, response);
            if (errors.resolveException(request, response, null, clientFailed) == null) {
                throw clientFailed;
            }
            return;
        }
        // anything the strict rules refuse goes the usual way, which answers it (web.StrictBodies)
        Object parsed = JsonText.problem(body, json) != null ? null
                : parse(body, role == Role.PATIENT ? ChatController.PatientText.class : ChatController.DoctorText.class);
        if (parsed == null) {
            chain.doFilter(new ReadAgain(request, body), response);
            return;
        }
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(path));
        security.writeHeaders(request, response);
        AuditStamp stamp = AuditStamp.of(request, caller.role().wire(), caller.id());
        try {
            // resolved by the same rule as for Spring MVC, so a change to that rule holds here too
            LinkBase base = linkBases.of(request);
            Views.Sent sent = parsed instanceof ChatController.PatientText patient
                    ? controller.patientSendText(caller, base, stamp, patient).data()
                    : controller.doctorSendText(caller, base, stamp, (ChatController.DoctorText) parsed).data();
            if (!stamp.recorded()) {
                // a resend of a message already sent: its own record, before the answer leaves
                stamp.markRecorded();
                audit.submit(stamp.entry(sent, 200));
            }
            writer.writeOk(request, response, sent);
        } catch (RuntimeException e) {
            if (errors.resolveException(request, response, null, e) == null) {
                throw e;
            }
            if (!stamp.recorded()) {
                // an error answer carries no records: its record may follow it
                stamp.markRecorded();
                audit.submit(stamp.entry(null, null, null, null, null, response.getStatus()));
            }
        }
    }

    private Object parse(byte[] body, Class<?> type) {
        try {
            return json.readValue(body, type);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Exactly JSON in UTF-8; any other type or charset takes the usual way, which refuses it. */
    static boolean isUtf8Json(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.equals("application/json;charset=utf-8")
                || type.equals("application/json; charset=utf-8");
    }

    /**
     * The request with its body, already read here, to be read again by the usual chain. Like a
     * servlet request's, its stream is one: a second call continues where the first stopped.
     */
    private static final class ReadAgain extends HttpServletRequestWrapper {
        private final ServletInputStream stream;

        ReadAgain(HttpServletRequest request, byte[] body) {
            super(request);
            this.stream = replay(body);
        }

        private static ServletInputStream replay(byte[] body) {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was read already");
                }
            };
        }

        @Override
        public ServletInputStream getInputStream() {
            return stream;
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
