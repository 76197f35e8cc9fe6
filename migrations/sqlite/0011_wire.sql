-- The wire: agency feeds polled on a schedule, and the copy they bring, which waits
-- in a queue for editors. Wire copy is never published by itself: an editor takes it
-- as a draft (through the same use case as any new item) or dismisses it.
--
-- A feed is polled by one node at a time: a node leases it (`lease_owner`,
-- `leased_until`) for one poll; a node that dies leaves a lease that runs out.
-- `etag` and `last_modified` are the feed's own validators, sent back on the next
-- poll; `failures` counts polls failed in a row, which set how far `next_poll_at`
-- backs off. `configured` marks feeds declared in the site config, which the config
-- keeps in step at start-up.
CREATE TABLE wire_feeds (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    url             TEXT NOT NULL,
    edition         TEXT NOT NULL,
    interval_secs   INTEGER NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1,
    configured      INTEGER NOT NULL DEFAULT 0,
    etag            TEXT,
    last_modified   TEXT,
    next_poll_at    INTEGER NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_polled_at  INTEGER,
    last_success_at INTEGER,
    lease_owner     TEXT,
    leased_until    INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX wire_feeds_due ON wire_feeds (enabled, next_poll_at);

-- One row per story a source sent. `source` is the feed's name (or the name given to
-- a one-off import); `guid` is the story's identity in that source (RSS guid, else
-- its link, else a hash of title and date; Atom id), so the same story is filed once
-- however often it is polled or imported. Summary and content are sanitized HTML.
CREATE TABLE wire_copy (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER REFERENCES wire_feeds (id) ON DELETE SET NULL,
    source       TEXT NOT NULL,
    guid         TEXT NOT NULL,
    edition      TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL DEFAULT '',
    link         TEXT,
    published_at INTEGER,
    updated_at   INTEGER,
    received_at  INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'taken', 'dismissed')),
    item_id      INTEGER REFERENCES items (id) ON DELETE SET NULL,
    handled_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    handled_at   INTEGER,
    UNIQUE (source, guid)
);
-- The desk lists waiting copy newest first.
CREATE INDEX wire_copy_waiting ON wire_copy (state, received_at, id);
