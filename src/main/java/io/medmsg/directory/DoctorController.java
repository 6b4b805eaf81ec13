package io.medmsg.directory;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.web.Envelope;
import io.medmsg.web.Params;

@RestController
class DoctorController {

    private final DoctorDirectory directory;

    DoctorController(DoctorDirectory directory) {
        this.directory = directory;
    }

    @Operation(summary = "Search the doctor directory (any role)")
    @GetMapping("/pati_service/manager_service/doctor_list")
    Envelope<DoctorPage> doctorList(@Parameter(description = "department, exact") @RequestParam(required = false) String dept,
            @Parameter(description = "case-insensitive substring of name, dept, hospital, title or intro")
            @RequestParam(required = false) String keyword,
            @Parameter(description = "only doctors who accept (or do not accept) new consultations")
            @RequestParam(required = false) Boolean accepting,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "1000000", defaultValue = "1"))
            @RequestParam(defaultValue = "1") int page,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
            @RequestParam(name = "page_size", defaultValue = "20") int pageSize) {
        Params.range("page", page, 1, 1_000_000);
        Params.range("page_size", pageSize, 1, 100);
        return Envelope.ok(directory.list(new DoctorQuery(emptyToNull(dept), emptyToNull(keyword), accepting, page, pageSize)));
    }

    record UpsertRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Doctor> doctors) {
    }

    record UpsertResult(int upserted) {
    }

    @Operation(summary = "Insert or update doctors by doctor_id (role admin)")
    @PutMapping("/pati_service/manager_service/doctors")
    Envelope<UpsertResult> upsert(@RequestBody UpsertRequest request) {
        return Envelope.ok(new UpsertResult(directory.upsert(request.doctors())));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
