package io.medmsg.records;

import java.time.Clock;

import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.json.JsonMapper;

import io.medmsg.web.ApiErrors;
import io.medmsg.web.ApiException;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;
import io.medmsg.web.Params;

/**
 * audit/consultation_export (API.md §6): one consultation as a FHIR R4 Bundle (the envelope's
 * {@code data} is the Bundle) or in MedMsg's own objects. Audited like every auditor call, by
 * {@link AuditAdvice}, with the consultation's id.
 */
@RestController
class ExportController {

    private final ConsultationSource source;
    private final FhirBundles fhir;
    private final JsonMapper json;
    private final Clock clock;

    ExportController(ConsultationSource source, FhirBundles fhir, JsonMapper json, Clock clock) {
        this.source = source;
        this.fhir = fhir;
        this.json = json;
        this.clock = clock;
    }

    @Operation(summary = "One consultation as a FHIR R4 Bundle or in MedMsg's own objects (role auditor)",
            description = "data is a FHIR R4 Bundle of type collection (format fhir), or {consultation, messages, "
                    + "files} (format json).")
    @ApiErrors(ErrorCode.NOT_FOUND)
    @GetMapping("/msg_service/msg/audit/consultation_export")
    Envelope<?> export(HttpServletRequest request,
            @Parameter(required = true) @RequestParam(name = "consultation_id", required = false) String consultationId,
            @Parameter(schema = @Schema(allowableValues = {"fhir", "json"}, defaultValue = "fhir"))
            @RequestParam(defaultValue = "fhir") String format) {
        Params.required("consultation_id", consultationId);
        if (!format.equals("fhir") && !format.equals("json")) {
            throw ApiException.badParameter("format must be fhir or json");
        }
        ConsultationSource.Exported c = source.export(consultationId, request)
                .orElseThrow(() -> ApiException.notFound("consultation"));
        if (format.equals("json")) {
            return Envelope.ok(c.own());
        }
        return Envelope.ok(json.readTree(fhir.json(c, clock.millis())));
    }
}
