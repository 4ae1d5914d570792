-- People and access: the team tree, users, sessions and the data scope of each role.
-- Times are UTC milliseconds.

CREATE TABLE teams (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_id   UUID REFERENCES teams (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX teams_parent ON teams (parent_id);
-- Exactly one company at the top of the tree.
CREATE UNIQUE INDEX teams_single_root ON teams ((parent_id IS NULL)) WHERE parent_id IS NULL;

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    phone          TEXT,
    role           TEXT NOT NULL,
    team_id        UUID NOT NULL REFERENCES teams (id),
    active         BOOLEAN NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX users_team ON users (team_id);

CREATE TABLE sessions (
    token_hash  BYTEA PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    user_agent  TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE role_scopes (
    role        TEXT PRIMARY KEY,
    scope       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
