package io.medmsg.files;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.auth.Caller;
import io.medmsg.web.ApiErrors;
import io.medmsg.web.Envelope;
import io.medmsg.web.ErrorCode;

/** The seed file endpoints, the same for both faces; the caller owns what it uploads. */
@RestController
class FileController {

    private final FileService files;

    FileController(FileService files) {
        this.files = files;
    }

    record UploadAccessRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String fileId) {
    }

    @Operation(summary = "Ask for an upload slot: where and how to PUT the file's bytes (expires after 15 minutes)")
    @ApiErrors({ErrorCode.TOO_LARGE, ErrorCode.UNSUPPORTED_TYPE, ErrorCode.RATE_LIMITED})
    @PostMapping({"/msg_service/msg/doctor/file/pre_upload", "/msg_service/msg/patient/file/pre_upload"})
    Envelope<FileService.UploadSlot> preUpload(Caller caller, LinkBase base,
            @RequestBody FileService.PreUploadRequest request) {
        return Envelope.ok(files.preUpload(caller, request, base));
    }

    @Operation(summary = "Confirm an upload: size, sha256 and type are checked, and the file becomes ready (idempotent)")
    @ApiErrors({ErrorCode.NOT_FOUND, ErrorCode.FILE_STATE, ErrorCode.UNSUPPORTED_TYPE, ErrorCode.VERIFICATION_FAILED})
    @PostMapping({"/msg_service/msg/doctor/file/upload_access", "/msg_service/msg/patient/file/upload_access"})
    Envelope<FileService.ReadyFile> uploadAccess(Caller caller, LinkBase base, @RequestBody UploadAccessRequest request) {
        return Envelope.ok(files.confirm(caller, request == null ? null : request.fileId(), base));
    }
}
