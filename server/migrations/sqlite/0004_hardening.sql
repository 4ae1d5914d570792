-- Secrets this installation keeps for itself (the key that signs sync cursors), made once and
-- shared by every server instance on the database.
CREATE TABLE server_keys (
    name    TEXT PRIMARY KEY,
    secret  TEXT NOT NULL
);

-- Where one record was before each move (to name a record in its author's sync issue when the
-- author saw it before it was handed away).
CREATE INDEX record_moves_record ON record_moves (record_id);

-- Pulls read what one user sees since a version: their own records, their teams'. Lists read
-- one collection, or one person's records of it (their open sync issues too: capped per user).
CREATE INDEX records_owner ON records (owner_id, version);
CREATE INDEX records_team ON records (team_id, version);
CREATE INDEX records_collection ON records (collection, owner_id, version);
