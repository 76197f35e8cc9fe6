-- Sections an editor hides leave the masthead and the automatic home page; their
-- pages stay. A section whose address (slug) changes keeps its old address here, so
-- links to it redirect to the new one.
ALTER TABLE sections ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;

CREATE TABLE section_redirects (
    edition     TEXT NOT NULL,
    slug        TEXT NOT NULL,
    section_id  INTEGER NOT NULL REFERENCES sections (id),
    PRIMARY KEY (edition, slug)
);
