-- Personal API tokens. A token reads `nl_<public_id>_<secret>`: the public id finds
-- the row without a scan and is what lists and the command line name; only a SHA-256
-- of the whole token is kept (its 256 random bits need no salt or slow hash), so a
-- leaked table opens nothing. A revoked token keeps its row, for the record.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
