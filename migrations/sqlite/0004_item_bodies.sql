-- Bodies in a table of their own: the read model streams every published item's
-- metadata at start, and with the bodies inline that scan read every body too.

CREATE TABLE item_bodies (
    item_id   INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    markdown  TEXT NOT NULL,
    html      TEXT NOT NULL
);

INSERT INTO item_bodies (item_id, markdown, html)
    SELECT id, body_markdown, body_html FROM items;

ALTER TABLE items DROP COLUMN body_markdown;
ALTER TABLE items DROP COLUMN body_html;
