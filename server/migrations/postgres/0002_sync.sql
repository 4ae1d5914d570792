-- Sync: synced records, the commit-ordered version counter, moves between owners and teams,
-- and each device client's last processed mutation.

-- One row: the last committed version. Writers bump it with UPDATE … RETURNING, which holds the
-- row lock until commit, so versions become visible in order.
CREATE TABLE sync_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL,
    -- Tombstones and moves up to this version have been purged: older cursors must reset.
    purged   BIGINT NOT NULL
);
INSERT INTO sync_state (id, version, purged) VALUES (1, 0, 0);

-- Every synced record, live or deleted (a tombstone keeps its owner and team so that the
-- deletion reaches exactly the devices that could see the record). body is the record's JSON
-- as devices receive it; stamps says who last wrote each field, in which version.
CREATE TABLE records (
    id          UUID PRIMARY KEY,
    collection  TEXT NOT NULL,
    owner_id    UUID NOT NULL,
    team_id     UUID NOT NULL,
    version     BIGINT NOT NULL,
    deleted     BOOLEAN NOT NULL,
    changed_at  BIGINT NOT NULL,
    body        TEXT NOT NULL,
    stamps      TEXT NOT NULL
);
CREATE INDEX records_version ON records (version);

-- Where a record was before it was handed to another owner or team, so that devices which
-- could see it there are told to drop it.
CREATE TABLE record_moves (
    version     BIGINT NOT NULL,
    record_id   UUID NOT NULL,
    owner_id    UUID NOT NULL,
    team_id     UUID NOT NULL,
    changed_at  BIGINT NOT NULL
);
CREATE INDEX record_moves_version ON record_moves (version);

-- A device client: its last processed mutation id and the version that processed it.
CREATE TABLE sync_clients (
    id                UUID PRIMARY KEY,
    client_group      UUID NOT NULL,
    user_id           UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_mutation_id  BIGINT NOT NULL,
    last_version      BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX sync_clients_user ON sync_clients (user_id);
