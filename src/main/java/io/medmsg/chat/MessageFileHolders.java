package io.medmsg.chat;

import org.springframework.stereotype.Component;

import io.medmsg.db.Database;
import io.medmsg.files.FileHolders;

/** The messages that hold a file, for the files module's download check (index messages_by_file). */
@Component
class MessageFileHolders implements FileHolders {

    /** One row at most: 0 if a message not recalled holds the file, 1 if only recalled ones do, none if no message. */
    static final String LEAST_RECALLED = """
            SELECT recalled FROM messages WHERE file_id = :fileId ORDER BY recalled LIMIT 1""";

    private final Database db;

    MessageFileHolders(Database db) {
        this.db = db;
    }

    @Override
    public Holding of(String fileId) {
        return db.read().sql(LEAST_RECALLED).param("fileId", fileId).query(Integer.class).optional()
                .map(recalled -> recalled == 0 ? Holding.SHOWN : Holding.RECALLED).orElse(Holding.UNSENT);
    }
}
