package io.medmsg.chat;

/**
 * Signs a download link for the file of a resource message. The chat service calls it only for
 * a reader it has already checked is a party of the session holding the file.
 */
public interface ResourceLinker {

    Link link(String fileId, String fileName, String mimeType, long size);

    record Link(String url, long expiresAt) {
    }
}
