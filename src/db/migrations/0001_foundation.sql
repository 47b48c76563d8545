-- Foundation: settings, structures, users, roles, sessions, one-time links, API tokens, audit trail.
-- One text for SQLite and PostgreSQL: {{id}} becomes each database's auto-increment primary key.
-- Times are Unix seconds (UTC) given by the application; flags are integers 0/1. Tables that grow
-- with activity carry `departement` so that a distributed PostgreSQL could shard on it.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE structures (
    id {{id}},
    nom TEXT NOT NULL,
    siret TEXT,
    rna TEXT,
    adresse TEXT,
    code_postal TEXT,
    commune TEXT,
    departement TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX structures_siret ON structures (siret) WHERE siret IS NOT NULL;
CREATE INDEX structures_departement ON structures (departement, nom);

CREATE TABLE users (
    id {{id}},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);

-- mediateur and admin_structure belong to a structure.
CREATE TABLE memberships (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    structure_id BIGINT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('mediateur', 'admin_structure')),
    departement TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, structure_id, role)
);
CREATE INDEX memberships_structure ON memberships (structure_id);

-- A coordinateur is scoped to one or several départements.
CREATE TABLE coordinator_scopes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    PRIMARY KEY (user_id, departement)
);

-- The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, per account ("compte:EMAIL") and per address ("ip:ADDR"), for throttling.
CREATE TABLE login_failures (
    id {{id}},
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

-- One-time links: invitation and password reset. Only the hash of the token is stored.
CREATE TABLE user_links (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reinitialisation')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Per-structure API tokens for "Authorization: Bearer". Only the hash is stored; prefix is shown.
CREATE TABLE api_tokens (
    id {{id}},
    structure_id BIGINT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_structure ON api_tokens (structure_id);

-- Who did what, for administrators (never holds beneficiaries' personal data).
CREATE TABLE audit_log (
    id {{id}},
    at BIGINT NOT NULL,
    user_id BIGINT,
    departement TEXT,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
