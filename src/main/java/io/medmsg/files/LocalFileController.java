package io.medmsg.files;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

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

import io.medmsg.web.ApiErrors;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;

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

    @Operation(summary = "The upload URL of local storage (as given by pre_upload, signed; no token)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    description = "the file's bytes, sent with the Content-Type declared at pre_upload",
                    content = @Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary"))))
    @ApiErrors({ErrorCode.BAD_SIGNATURE, ErrorCode.NOT_FOUND, ErrorCode.FILE_STATE, ErrorCode.UNSUPPORTED_TYPE,
        ErrorCode.VERIFICATION_FAILED, ErrorCode.REQUEST_TIMEOUT})
    @PutMapping("/files/upload/{fileId}")
    Envelope<Received> upload(@PathVariable String fileId,
            @Parameter(description = "part of the signed URL") @RequestParam(required = false) String exp,
            @Parameter(description = "part of the signed URL") @RequestParam(required = false) String sig,
            HttpServletRequest request) throws IOException {
        long size = transfers.receive(fileId, exp, sig, request.getContentType(), request.getContentLengthLong(),
                request.getInputStream());
        return Envelope.ok(new Received(fileId, size));
    }

    @Operation(summary = "A download URL of local storage (signed, expiring; no token); Range requests are answered 206",
            responses = {
                @ApiResponse(responseCode = "200", description = "the file, with its stored Content-Type",
                        content = @Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary"))),
                @ApiResponse(responseCode = "206", description = "the requested range of the file",
                        content = @Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary")))})
    @ApiErrors({ErrorCode.BAD_SIGNATURE, ErrorCode.NOT_FOUND})
    @GetMapping("/files/download/{fileId}")
    ResponseEntity<Resource> download(@PathVariable String fileId,
            @Parameter(description = "part of the signed URL") @RequestParam(required = false) String exp,
            @Parameter(description = "part of the signed URL") @RequestParam(required = false) String sig) {
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
