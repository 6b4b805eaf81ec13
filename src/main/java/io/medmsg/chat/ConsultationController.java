package io.medmsg.chat;

import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.medmsg.auth.Caller;
import io.medmsg.web.ApiErrors;
import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;
import io.medmsg.web.Params;

/**
 * The consultation endpoints of API.md §4. The security chain lets only patients under
 * {@code /patient/}, doctors under {@code /doctor/} and the hospital's back end ({@code admin})
 * under {@code /admin/}; the services check the rest.
 */
@RestController
class ConsultationController {

    private static final String P = "/msg_service/msg/patient/";
    private static final String D = "/msg_service/msg/doctor/";
    private static final String A = "/msg_service/msg/admin/";

    private static final Pattern ORDER_NO = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** 30 days: longer limits are almost certainly a unit mistake (milliseconds for seconds). */
    private static final long MAX_SECONDS = 30L * 24 * 3600;

    private final ConsultationService consultations;
    private final ConsultationDesk desk;
    private final JsonMapper json;

    ConsultationController(ConsultationService consultations, ConsultationDesk desk, JsonMapper json) {
        this.consultations = consultations;
        this.desk = desk;
        this.json = json;
    }

    record Open(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ChatController.ID) String patientId,
            @Schema(maxLength = 64) String patientName,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ChatController.ID) String doctorId,
            @Schema(pattern = "^[A-Za-z0-9_.:-]{1,64}$", description = "the hospital's order: the same order again "
                    + "returns the original consultation") String orderNo,
            @Schema(minLength = 1, maxLength = 32, description = "the hospital's product name; default text") String kind,
            @Schema(minimum = "1", maximum = "10000", description = "patient messages allowed; omit for unlimited")
            Integer roundsLimit,
            @Schema(minimum = "1", maximum = "2592000") Long acceptWithinS,
            @Schema(minimum = "1", maximum = "2592000") Long durationS,
            @Schema(implementation = Card.class, description = "an intake card, appended after the opened message")
            JsonNode intake) {
    }

    record SessionOnly(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ChatController.ID) String sessionId) {
    }

    record Close(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ChatController.ID) String sessionId,
            @Schema(implementation = Card.class, description = "a summary card, appended before the closed message")
            JsonNode summary) {
    }

    record AdminClose(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = ChatController.ID) String consultationId,
            @Schema(maxLength = 200) String reason) {
    }

    @Operation(summary = "Open a consultation after payment (the hospital's back end; idempotent by order_no)")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CLIENT_MSG_ID_CONFLICT, ErrorCode.DOCTOR_NOT_ACCEPTING,
        ErrorCode.CONSULTATION_STATE})
    @PostMapping(A + "consultation/open")
    Envelope<Views.Opened> open(@RequestBody Open body) {
        String patientName = body.patientName();
        if (patientName != null && patientName.codePointCount(0, patientName.length()) > 64) {
            throw ApiException.badParameter("patient_name must be at most 64 characters long");
        }
        if (body.orderNo() != null && !ORDER_NO.matcher(body.orderNo()).matches()) {
            throw ApiException.badParameter("order_no must be 1-64 characters of A-Z, a-z, 0-9, _ . : and -");
        }
        String kind = body.kind();
        if (kind != null && (kind.isBlank() || kind.codePointCount(0, kind.length()) > 32)) {
            throw ApiException.badParameter("kind must be 1-32 characters long");
        }
        if (body.roundsLimit() != null) {
            Params.range("rounds_limit", body.roundsLimit(), 1, 10_000);
        }
        seconds("accept_within_s", body.acceptWithinS());
        seconds("duration_s", body.durationS());
        return Envelope.ok(desk.open(new ConsultationDesk.OpenRequest(MessageRules.id("patient_id", body.patientId()),
                patientName, MessageRules.id("doctor_id", body.doctorId()), body.orderNo(), kind, body.roundsLimit(),
                body.acceptWithinS(), body.durationS(), CardRules.json(body.intake(), "intake", false, json))));
    }

    private static void seconds(String name, Long value) {
        if (value != null && (value < 1 || value > MAX_SECONDS)) {
            throw ApiException.badParameter(name + " must be between 1 and " + MAX_SECONDS + " seconds");
        }
    }

    @Operation(summary = "Accept the session's waiting consultation")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.CONSULTATION_STATE})
    @PostMapping(D + "consultation/accept")
    Envelope<Views.OneConsultation> accept(Caller caller, @RequestBody SessionOnly body) {
        return Envelope.ok(consultations.accept(caller, MessageRules.id("session_id", body.sessionId())));
    }

    @Operation(summary = "Close the session's consultation, with an optional summary card")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.CONSULTATION_STATE})
    @PostMapping(D + "consultation/close")
    Envelope<Views.OneConsultation> close(Caller caller, @RequestBody Close body) {
        String sessionId = MessageRules.id("session_id", body.sessionId());
        return Envelope.ok(consultations.close(caller, sessionId, CardRules.json(body.summary(), "summary", false, json)));
    }

    @Operation(summary = "Cancel the session's consultation while it waits for the doctor")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.NO_OPEN_CONSULTATION, ErrorCode.CONSULTATION_STATE})
    @PostMapping(P + "consultation/cancel")
    Envelope<Views.OneConsultation> cancel(Caller caller, @RequestBody SessionOnly body) {
        return Envelope.ok(consultations.cancel(caller, MessageRules.id("session_id", body.sessionId())));
    }

    @Operation(summary = "Close a consultation (the hospital's back end; close_reason admin)")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.CONSULTATION_STATE})
    @PostMapping(A + "consultation/close")
    Envelope<Views.OneConsultation> adminClose(@RequestBody AdminClose body) {
        String reason = body.reason();
        if (reason != null && reason.codePointCount(0, reason.length()) > 200) {
            throw ApiException.badParameter("reason must be at most 200 characters long");
        }
        return Envelope.ok(consultations.adminClose(MessageRules.id("consultation_id", body.consultationId()), reason));
    }

    @Operation(summary = "A session's consultations, newest first")
    @ApiErrors({ErrorCode.BAD_CURSOR, ErrorCode.NOT_FOUND})
    @GetMapping({P + "consultation_list", D + "consultation_list"})
    Envelope<Views.ConsultationPage> list(Caller caller,
            @Parameter(required = true, schema = @Schema(pattern = ChatController.ID))
            @RequestParam(name = "session_id", required = false) String sessionId,
            @Parameter(description = "next_cursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
            @RequestParam(defaultValue = "20") int limit) {
        Params.range("limit", limit, 1, 100);
        return Envelope.ok(desk.list(caller, MessageRules.id("session_id", sessionId),
                cursor == null || cursor.isEmpty() ? null : cursor, limit));
    }

    @Operation(summary = "One consultation by consultation_id or order_no (the hospital's back end)")
    @ApiErrors(ErrorCode.NOT_FOUND)
    @GetMapping(A + "consultation")
    Envelope<Views.OneConsultation> find(
            @Parameter(description = "exactly one of consultation_id and order_no", schema = @Schema(pattern = ChatController.ID))
            @RequestParam(name = "consultation_id", required = false) String consultationId,
            @Parameter(schema = @Schema(pattern = "^[A-Za-z0-9_.:-]{1,64}$"))
            @RequestParam(name = "order_no", required = false) String orderNo) {
        if (consultationId != null) {
            MessageRules.id("consultation_id", consultationId);
        }
        if (orderNo != null && !ORDER_NO.matcher(orderNo).matches()) {
            throw ApiException.badParameter("order_no must be 1-64 characters of A-Z, a-z, 0-9, _ . : and -");
        }
        return Envelope.ok(desk.find(consultationId, orderNo));
    }
}
