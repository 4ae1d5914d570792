-- Files uploaded for file, image and signature fields: who uploaded them, what they are, and
-- their bytes (here, or in the files directory the server is configured with, `data` NULL).
CREATE TABLE files (
    id           BLOB PRIMARY KEY,
    uploaded_by  BLOB NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    data         BLOB
);
