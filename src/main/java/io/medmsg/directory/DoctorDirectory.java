package io.medmsg.directory;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

import io.medmsg.db.Database;
import io.medmsg.web.ApiException;

/** The doctor directory: who can be consulted, and the admin's upsert with its field rules. */
@Service
public class DoctorDirectory {

    static final Pattern DOCTOR_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MAX_UPSERT = 500;

    private final DoctorRepository doctors;
    private final Database db;

    DoctorDirectory(DoctorRepository doctors, Database db) {
        this.doctors = doctors;
        this.db = db;
    }

    public Optional<Doctor> find(String doctorId) {
        return doctors.find(doctorId);
    }

    DoctorPage list(DoctorQuery query) {
        return doctors.page(query);
    }

    int upsert(List<Doctor> list) {
        if (list == null || list.isEmpty()) {
            throw ApiException.badParameter("doctors must be a non-empty list");
        }
        if (list.size() > MAX_UPSERT) {
            throw ApiException.badParameter("doctors may hold at most " + MAX_UPSERT + " entries");
        }
        for (int i = 0; i < list.size(); i++) {
            validate("doctors[" + i + "]", list.get(i));
        }
        long now = System.currentTimeMillis();
        return db.inTransaction(() -> {
            list.forEach(d -> doctors.upsert(d, now));
            return list.size();
        });
    }

    /** Inserts the doctors that are not there yet, leaving edited ones alone; returns how many were new. */
    int seed(List<Doctor> list) {
        long now = System.currentTimeMillis();
        return db.inTransaction(() -> (int) list.stream().filter(d -> doctors.insertIfAbsent(d, now)).count());
    }

    private static void validate(String at, Doctor d) {
        if (d == null) {
            throw ApiException.badParameter(at + " must be an object");
        }
        if (d.doctorId() == null || !DOCTOR_ID.matcher(d.doctorId()).matches()) {
            throw ApiException.badParameter(at + ".doctor_id must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        if (d.name() == null || d.name().isBlank()) {
            throw ApiException.badParameter(at + ".name is required");
        }
        maxLength(at + ".name", d.name(), 64);
        maxLength(at + ".title", d.title(), 64);
        maxLength(at + ".dept", d.dept(), 64);
        maxLength(at + ".hospital", d.hospital(), 128);
        maxLength(at + ".intro", d.intro(), 2000);
        maxLength(at + ".avatar_url", d.avatarUrl(), 512);
        if (d.avatarUrl() != null && !d.avatarUrl().isEmpty() && !isWebUrl(d.avatarUrl())) {
            throw ApiException.badParameter(at + ".avatar_url must be an http or https URL");
        }
    }

    private static void maxLength(String field, String value, int max) {
        if (value != null && value.codePointCount(0, value.length()) > max) {
            throw ApiException.badParameter(field + " must be at most " + max + " characters");
        }
    }

    private static boolean isWebUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }
}
