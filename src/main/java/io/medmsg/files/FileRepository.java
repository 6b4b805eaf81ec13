package io.medmsg.files;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;

/**
 * The SQL of the files feature; every statement is the same on SQLite, PostgreSQL and MySQL but
 * the owner lock's, whose insert and locking read come from the dialect.
 */
@Repository
class FileRepository {

    private static final String COLUMNS = """
            file_id, owner_id, owner_role, file_name, mime_type, size, sha256, status, storage_key, upload_key,
            created_at, expires_at, ready_at""";

    private static final String INSERT = """
            INSERT INTO files (file_id, owner_id, owner_role, file_name, mime_type, size, sha256, status, storage_key,
                               upload_key, created_at, expires_at, ready_at)
            VALUES (:fileId, :ownerId, :ownerRole, :fileName, :mimeType, :size, :sha256, 'pending', :storageKey,
                    :uploadKey, :createdAt, :expiresAt, NULL)""";

    private static final String FIND = "SELECT " + COLUMNS + " FROM files WHERE file_id = :fileId";

    private static final String COUNT_PENDING = """
            SELECT COUNT(*) FROM files
            WHERE owner_id = :ownerId AND owner_role = :ownerRole AND status = 'pending' AND expires_at > :now""";

    private static final String INSERT_OWNER = """
            INSERT INTO upload_owners (owner_role, owner_id) VALUES (:ownerRole, :ownerId)""";

    private static final String LOCK_OWNER = """
            SELECT owner_id FROM upload_owners WHERE owner_role = :ownerRole AND owner_id = :ownerId""";

    private static final String EARLIEST_PENDING_EXPIRY = """
            SELECT MIN(expires_at) FROM files
            WHERE owner_id = :ownerId AND owner_role = :ownerRole AND status = 'pending' AND expires_at > :now""";

    private static final String MARK_READY = """
            UPDATE files SET status = 'ready', ready_at = :readyAt WHERE file_id = :fileId AND status = 'pending'""";

    private static final String MARK_REJECTED = """
            UPDATE files SET status = 'rejected' WHERE file_id = :fileId AND status = 'pending'""";

    private static final String EXPIRED = "SELECT " + COLUMNS
            + " FROM files WHERE status = :status AND expires_at <= :now ORDER BY expires_at LIMIT :limit";

    private static final String UPLOAD_LEFTOVERS = "SELECT " + COLUMNS
            + " FROM files WHERE status = 'ready' AND expires_at <= :now AND upload_key IS NOT NULL"
            + " ORDER BY expires_at LIMIT :limit";

    private static final String DELETE_IF_STATUS = "DELETE FROM files WHERE file_id = :fileId AND status = :status";

    private static final String DELETE = "DELETE FROM files WHERE file_id = :fileId";

    private static final String CLEAR_UPLOAD_KEY = "UPDATE files SET upload_key = NULL WHERE file_id = :fileId";

    private final Database db;

    FileRepository(Database db) {
        this.db = db;
    }

    void insert(FileRecord f) {
        db.write().sql(INSERT).param("fileId", f.fileId()).param("ownerId", f.ownerId()).param("ownerRole", f.ownerRole())
                .param("fileName", f.fileName()).param("mimeType", f.mimeType()).param("size", f.size())
                .param("sha256", f.sha256()).param("storageKey", f.storageKey()).param("uploadKey", f.uploadKey())
                .param("createdAt", f.createdAt()).param("expiresAt", f.expiresAt()).update();
    }

    Optional<FileRecord> find(String fileId) {
        return db.read().sql(FIND).param("fileId", fileId).query(FileRepository::map).optional();
    }

    /**
     * Locks the user's row of upload_owners (creating it the first time) until the transaction
     * ends: the pre_uploads of one user take turns at counting and inserting, on every database.
     */
    void lockOwner(String ownerId, String ownerRole) {
        db.write().sql(db.dialect().insertBeforeUpdate(INSERT_OWNER, "owner_id")).param("ownerId", ownerId)
                .param("ownerRole", ownerRole).update();
        db.write().sql(db.dialect().lockingRead(LOCK_OWNER)).param("ownerId", ownerId).param("ownerRole", ownerRole)
                .query(String.class).single();
    }

    /** Counted on the writer, inside the transaction that inserts the next slot. */
    long countPending(String ownerId, String ownerRole, long now) {
        return db.write().sql(COUNT_PENDING).param("ownerId", ownerId).param("ownerRole", ownerRole).param("now", now)
                .query(Long.class).single();
    }

    Optional<Long> earliestPendingExpiry(String ownerId, String ownerRole, long now) {
        return db.write().sql(EARLIEST_PENDING_EXPIRY).param("ownerId", ownerId).param("ownerRole", ownerRole)
                .param("now", now).query(Long.class).optional();
    }

    boolean markReady(String fileId, long readyAt) {
        return db.write().sql(MARK_READY).param("fileId", fileId).param("readyAt", readyAt).update() > 0;
    }

    boolean markRejected(String fileId) {
        return db.write().sql(MARK_REJECTED).param("fileId", fileId).update() > 0;
    }

    List<FileRecord> expired(FileRecord.Status status, long now, int limit) {
        return db.read().sql(EXPIRED).param("status", status.wire()).param("now", now).param("limit", limit)
                .query(FileRepository::map).list();
    }

    List<FileRecord> uploadLeftovers(long now, int limit) {
        return db.read().sql(UPLOAD_LEFTOVERS).param("now", now).param("limit", limit).query(FileRepository::map).list();
    }

    boolean delete(String fileId) {
        return db.write().sql(DELETE).param("fileId", fileId).update() > 0;
    }

    boolean deleteIfStatus(String fileId, FileRecord.Status status) {
        return db.write().sql(DELETE_IF_STATUS).param("fileId", fileId).param("status", status.wire()).update() > 0;
    }

    void clearUploadKey(String fileId) {
        db.write().sql(CLEAR_UPLOAD_KEY).param("fileId", fileId).update();
    }

    private static FileRecord map(ResultSet rs, int row) throws SQLException {
        long readyAt = rs.getLong("ready_at");
        Long ready = rs.wasNull() ? null : readyAt;
        return new FileRecord(rs.getString("file_id"), rs.getString("owner_id"), rs.getString("owner_role"),
                rs.getString("file_name"), rs.getString("mime_type"), rs.getLong("size"), rs.getString("sha256"),
                FileRecord.Status.fromWire(rs.getString("status")), rs.getString("storage_key"),
                rs.getString("upload_key"), rs.getLong("created_at"), rs.getLong("expires_at"), ready);
    }
}
