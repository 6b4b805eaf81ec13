package io.medmsg.directory;

import java.util.List;

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

    @GetMapping("/pati_service/manager_service/doctor_list")
    Envelope<DoctorPage> doctorList(@RequestParam(required = false) String dept,
            @RequestParam(required = false) String keyword, @RequestParam(required = false) Boolean accepting,
            @RequestParam(defaultValue = "1") int page, @RequestParam(name = "page_size", defaultValue = "20") int pageSize) {
        Params.range("page", page, 1, 1_000_000);
        Params.range("page_size", pageSize, 1, 100);
        return Envelope.ok(directory.list(new DoctorQuery(emptyToNull(dept), emptyToNull(keyword), accepting, page, pageSize)));
    }

    record UpsertRequest(List<Doctor> doctors) {
    }

    record UpsertResult(int upserted) {
    }

    @PutMapping("/pati_service/manager_service/doctors")
    Envelope<UpsertResult> upsert(@RequestBody UpsertRequest request) {
        return Envelope.ok(new UpsertResult(directory.upsert(request.doctors())));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
