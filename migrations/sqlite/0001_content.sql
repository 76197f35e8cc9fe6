-- Content rows and the change log every projection is derived from.
-- Times are UTC instants in microseconds since the Unix epoch; flags are 0/1,
-- so the same queries read the same types on SQLite and PostgreSQL.

CREATE TABLE editions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    outlet      TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    edition     TEXT NOT NULL REFERENCES editions (code),
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (edition, slug)
);

CREATE TABLE authors (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL
);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    edition     TEXT NOT NULL REFERENCES editions (code),
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    UNIQUE (edition, slug)
);

CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    edition       TEXT NOT NULL REFERENCES editions (code),
    kind          TEXT NOT NULL CHECK (kind IN ('article', 'brief')),
    headline      TEXT NOT NULL,
    slug          TEXT NOT NULL,
    dek           TEXT,
    body_markdown TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    section_id    INTEGER NOT NULL REFERENCES sections (id),
    outlet        TEXT,
    related_id    INTEGER REFERENCES items (id),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'review', 'scheduled', 'published', 'unpublished')),
    pinned        INTEGER NOT NULL DEFAULT 0,
    published_at  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    -- Identity of the item in the copy it was imported from, so a second import skips it.
    source_key    TEXT UNIQUE
);

CREATE INDEX items_published ON items (edition, status, published_at);

CREATE TABLE item_authors (
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES authors (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (item_id, author_id)
);

CREATE TABLE item_tags (
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (item_id, tag_id)
);

CREATE TABLE corrections (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    noted_at    INTEGER NOT NULL,
    note        TEXT NOT NULL
);

-- Append-only. AUTOINCREMENT keeps sequence numbers from ever being reused.
CREATE TABLE change_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
