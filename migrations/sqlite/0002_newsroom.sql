-- Accounts, sessions, revisions, media and the audit log of the newsroom.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reporter')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Only a hash of the session token is stored, so a leaked table opens no session.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);

CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    format      TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    widths      TEXT NOT NULL,
    alt         TEXT NOT NULL,
    caption     TEXT,
    credit      TEXT,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at INTEGER NOT NULL
);

ALTER TABLE items ADD COLUMN created_by INTEGER REFERENCES users (id);
ALTER TABLE items ADD COLUMN embargo_until INTEGER;
ALTER TABLE items ADD COLUMN unpublish_at INTEGER;
ALTER TABLE items ADD COLUMN breaking INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN lead_media_id INTEGER REFERENCES media (id);

CREATE TABLE revisions (
    id        INTEGER PRIMARY KEY,
    item_id   INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    snapshot  TEXT NOT NULL,
    saved_by  INTEGER REFERENCES users (id),
    saved_at  INTEGER NOT NULL,
    UNIQUE (item_id, version)
);

CREATE TABLE presence (
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (item_id, user_id)
);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    user_id  INTEGER REFERENCES users (id),
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
