package io.medmsg.files;

/**
 * Whether messages hold a file, and whether any of them may still show it: asked when a local
 * download URL is used, because a URL issued before a recall must stop working at the recall,
 * not when it expires. Implemented by the chat module (files may not depend on chat).
 */
public interface FileHolders {

    Holding of(String fileId);

    enum Holding {
        /** No message holds the file: only its uploader has had a link (upload_access). */
        UNSENT,
        /** At least one message holding it is not recalled. */
        SHOWN,
        /** Every message holding it is recalled: its content is kept for the record, never served. */
        RECALLED
    }
}
