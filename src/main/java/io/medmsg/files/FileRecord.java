package io.medmsg.files;

/** One row of {@code files}: an upload slot and, once verified, the file it became. */
record FileRecord(String fileId, String ownerId, String ownerRole, String fileName, String mimeType, long size,
        String sha256, Status status, String storageKey, String uploadKey, long createdAt, long expiresAt,
        Long readyAt) {

    enum Status {
        PENDING, READY, REJECTED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status fromWire(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    boolean ownedBy(io.medmsg.auth.Caller caller) {
        return ownerId.equals(caller.id()) && ownerRole.equals(caller.role().wire());
    }

    /** Where the client's PUT lands: its own key on S3, the final object itself on local disk. */
    String putKey() {
        return uploadKey != null ? uploadKey : storageKey;
    }

    StoredFile toStoredFile() {
        return new StoredFile(fileId, ownerId, fileName, mimeType, size);
    }
}
