-- Where imported images came from: an export's image address, so that importing it
-- again reuses the stored image instead of fetching and storing it twice. A table
-- rather than a column of media because several addresses (a post's `-300x200` copy,
-- the same file uploaded twice) may hold the same bytes, and the content hash alone
-- decides the media row.
CREATE TABLE media_sources (
    source_url  TEXT PRIMARY KEY,
    media_id    INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
);

CREATE INDEX media_sources_media ON media_sources (media_id);
