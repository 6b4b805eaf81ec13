-- A local download URL is checked against the messages holding its file when it is used
-- (a recalled file is never served): messages by file id, recalled or not.
CREATE INDEX messages_by_file ON messages (file_id, recalled);
