package io.medmsg.files;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.medmsg.auth.Caller;
import io.medmsg.web.Envelope;

/** The seed file endpoints, the same for both faces; the caller owns what it uploads. */
@RestController
class FileController {

    private final FileService files;

    FileController(FileService files) {
        this.files = files;
    }

    record UploadAccessRequest(String fileId) {
    }

    @PostMapping({"/msg_service/msg/doctor/file/pre_upload", "/msg_service/msg/patient/file/pre_upload"})
    Envelope<FileService.UploadSlot> preUpload(Caller caller, LinkBase base,
            @RequestBody FileService.PreUploadRequest request) {
        return Envelope.ok(files.preUpload(caller, request, base));
    }

    @PostMapping({"/msg_service/msg/doctor/file/upload_access", "/msg_service/msg/patient/file/upload_access"})
    Envelope<FileService.ReadyFile> uploadAccess(Caller caller, LinkBase base, @RequestBody UploadAccessRequest request) {
        return Envelope.ok(files.confirm(caller, request == null ? null : request.fileId(), base));
    }
}
