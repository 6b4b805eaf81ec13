package io.medmsg.files;

/** A ready (uploaded and verified) file, as the chat feature renders it in a message. */
public record StoredFile(String fileId, String ownerId, String fileName, String mimeType, long size) {
}
