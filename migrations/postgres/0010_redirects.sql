-- Old addresses of imported items (a WordPress permalink's path, `/?p=ID`), each
-- answered with a 301 to the item's address here. Keyed by the path as requests
-- give it, without a trailing slash; looked up only for what would otherwise be a
-- 404 (and for `/` with a `p` or `page_id` query).
CREATE TABLE redirects (
    path        TEXT PRIMARY KEY,
    item_id     BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL
);

CREATE INDEX redirects_item ON redirects (item_id);
