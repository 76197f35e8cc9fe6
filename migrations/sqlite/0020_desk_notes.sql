-- Every hand-over between a reporter and the editors (submitted for review, sent back
-- to draft), with the note that went with it, written with the status change. The
-- desk reads when each happened for its badges; the editor and history show the notes.
CREATE TABLE desk_steps (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    step        TEXT NOT NULL CHECK (step IN ('submit', 'draft')),
    note        TEXT,
    user_id     INTEGER REFERENCES users (id),
    at          INTEGER NOT NULL
);
CREATE INDEX desk_steps_item ON desk_steps (item_id, id);

-- When each account last looked at the desk: what its badges count from.
ALTER TABLE users ADD COLUMN desk_seen_at INTEGER;

-- The desk counts what went out since an account last looked, in every edition.
CREATE INDEX items_status_published ON items (status, published_at);
