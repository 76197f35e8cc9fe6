-- Each edition's front page as its editors arrange it. Every save is a new version,
-- kept like an item's revisions: the newest live one is what readers see, scheduled
-- ones wait for their time, and the rest are the history.
CREATE TABLE front_pages (
    id           INTEGER PRIMARY KEY,
    edition      TEXT NOT NULL REFERENCES editions (code),
    version      INTEGER NOT NULL,
    -- {"lead": id | null, "top": [id, ...], "sections": [{"section": id, "count": n}, ...]}
    arrangement  TEXT NOT NULL,
    live_at      INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('scheduled', 'live')),
    saved_by     INTEGER REFERENCES users (id),
    system_actor TEXT,
    saved_at     INTEGER NOT NULL,
    UNIQUE (edition, version)
);

CREATE INDEX front_pages_due ON front_pages (state, live_at);
