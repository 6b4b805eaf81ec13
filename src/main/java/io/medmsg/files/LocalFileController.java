package io.medmsg.files;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.web.Envelope;

/**
 * The signed URLs of local storage. No token: the signature is the permission (SecurityConfig
 * lets {@code /files/**} through). A download streams from disk, answers Range requests with 206
 * (Spring turns a Resource body into regions), and carries headers that keep a browser from
 * running or sniffing it.
 */
@RestController
class LocalFileController {

    private final LocalTransfers transfers;

    LocalFileController(LocalTransfers transfers) {
        this.transfers = transfers;
    }

    record Received(String fileId, long size) {
    }

    @PutMapping("/files/upload/{fileId}")
    Envelope<Received> upload(@PathVariable String fileId, @RequestParam(required = false) String exp,
            @RequestParam(required = false) String sig, HttpServletRequest request) throws IOException {
        long size = transfers.receive(fileId, exp, sig, request.getContentType(), request.getContentLengthLong(),
                request.getInputStream());
        return Envelope.ok(new Received(fileId, size));
    }

    @GetMapping("/files/download/{fileId}")
    ResponseEntity<Resource> download(@PathVariable String fileId, @RequestParam(required = false) String exp,
            @RequestParam(required = false) String sig) {
        LocalTransfers.Download download = transfers.download(fileId, exp, sig);
        FileRecord file = download.file();
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(file.mimeType()))
                .header(HttpHeaders.CONTENT_DISPOSITION, Downloads.contentDisposition(file.mimeType(), file.fileName()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", Downloads.CSP)
                .body(new FileSystemResource(download.path()));
    }
}
