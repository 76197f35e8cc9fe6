-- What the site config said when it was last applied, per edition. The config is
-- applied again only where it changed since, so a name or address the newsroom
-- changed later is not put back at every start.
CREATE TABLE config_applied (
    subject     TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL
);
