package io.medmsg.records;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.web.ApiErrors;
import io.medmsg.web.ApiException;
import io.medmsg.web.ErrorCode;
import io.medmsg.web.Envelope;
import io.medmsg.web.Params;

/**
 * The auditors' face (role {@code auditor}, API.md §6). audit/records pages oldest first by
 * audit_id; with {@code Accept: text/csv} it streams every matching record from the database in
 * chunks, never holding more than one chunk.
 */
@RestController
class AuditController {

    static final String RECORDS = "/msg_service/msg/audit/records";
    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
    /** Rows read per query while streaming CSV: bounded memory whatever the export's size. */
    static final int CSV_CHUNK = 1000;

    private final AuditRepository repository;
    private final AuditInbox inbox;
    private final Audit audit;

    AuditController(AuditRepository repository, AuditInbox inbox, Audit audit) {
        this.repository = repository;
        this.inbox = inbox;
        this.audit = audit;
    }

    record AuditPage(List<AuditRecord> list, @Schema(nullable = true) String nextCursor) {
    }

    @Operation(summary = "Audit records, oldest first (role auditor); Accept: text/csv streams every match as CSV")
    @ApiErrors(ErrorCode.BAD_CURSOR)
    @GetMapping(RECORDS)
    Envelope<AuditPage> records(AuditStamp stamp, HttpServletResponse response,
            @Parameter(description = "text/csv for CSV") @RequestHeader(name = HttpHeaders.ACCEPT, required = false)
            String accept,
            @RequestParam(name = "actor_id", required = false) String actorId,
            @RequestParam(name = "patient_id", required = false) String patientId,
            @RequestParam(name = "session_id", required = false) String sessionId,
            @Parameter(description = "e.g. msg_list, send_text_msg") @RequestParam(required = false) String action,
            @Parameter(description = "milliseconds since the epoch, inclusive",
                    schema = @Schema(type = "integer", format = "int64", minimum = "0"))
            @RequestParam(required = false) Long from,
            @Parameter(description = "milliseconds since the epoch",
                    schema = @Schema(type = "integer", format = "int64", minimum = "0"))
            @RequestParam(required = false) Long to,
            @Parameter(description = "next_cursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "500", defaultValue = "100"))
            @RequestParam(defaultValue = "100") int limit) throws IOException {
        Params.range("limit", limit, 1, 500);
        if (from != null) {
            Params.atLeast("from", from, 0);
        }
        if (to != null) {
            Params.atLeast("to", to, 0);
        }
        AuditQuery query = new AuditQuery(blankToNull(actorId), blankToNull(patientId), blankToNull(sessionId),
                blankToNull(action), from, to, cursor == null || cursor.isEmpty() ? 0 : cursorValue(cursor));
        if (accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/csv")) {
            // the export's own record first, then the rows, streamed from the database chunk by chunk
            audit.submit(stamp.entry(query.sessionId(), null, null, null, null, 200));
            stamp.markRecorded();
            inbox.flush();
            response.setContentType(CSV.toString());
            writeCsv(query, response.getOutputStream());
            // written: nothing more goes into the response
            return null;
        }
        inbox.flush();
        List<AuditRecord> rows = repository.page(query, limit + 1);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = "a" + Long.toString(rows.get(limit - 1).id(), 36);
        }
        return Envelope.ok(new AuditPage(rows, next));
    }

    /** On the request's thread, chunk after chunk: the response is flushed as the buffer fills. */
    private void writeCsv(AuditQuery first, OutputStream out) throws IOException {
        {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            w.write(String.join(",", AuditRecord.CSV_HEADER));
            w.write("\r\n");
            AuditQuery query = first;
            while (true) {
                List<AuditRecord> chunk = repository.page(query, CSV_CHUNK);
                for (AuditRecord r : chunk) {
                    Object[] fields = r.csvFields();
                    for (int i = 0; i < fields.length; i++) {
                        if (i > 0) {
                            w.write(',');
                        }
                        w.write(csvField(fields[i]));
                    }
                    w.write("\r\n");
                }
                if (chunk.size() < CSV_CHUNK) {
                    break;
                }
                query = query.after(chunk.get(chunk.size() - 1).id());
            }
            w.flush();
        }
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
    static String csvField(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static long cursorValue(String cursor) {
        try {
            if (cursor.length() > 1 && cursor.charAt(0) == 'a') {
                long id = Long.parseLong(cursor.substring(1), 36);
                if (id >= 0) {
                    return id;
                }
            }
        } catch (NumberFormatException e) {
            // the answer below
        }
        throw new ApiException(ErrorCode.BAD_CURSOR, "cursor is not one this server issued");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
