-- Uploads storing their files before the image's row commits: a row is written (and
-- committed) before the first file is stored and deleted in the transaction that adds
-- the image. One left behind names files of a process that died in between; the sweep
-- removes them once the upload is old enough to be abandoned, unless an image row
-- names them by then. `files` is a comma-separated list of media names.
CREATE TABLE media_uploads (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL,
    files       TEXT NOT NULL,
    started_at  INTEGER NOT NULL
);

CREATE INDEX media_uploads_started ON media_uploads (started_at);
