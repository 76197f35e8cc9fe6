-- Webhooks and their deliveries: an outbox written in the same transaction as the
-- change it announces, so a committed change is always announced and a rolled-back
-- one never is.
--
-- The secret signs every delivery (HMAC-SHA256), so it is kept as issued: unlike an
-- API token's, it cannot be stored hashed. Events are a comma-separated list.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);

-- One row per webhook and event. `id` orders them as their changes committed (rows
-- are added under the store's write lock); within one webhook a row is attempted
-- only once every earlier one is delivered or has failed for good. A lease
-- (`lease_owner`, `leased_until`) marks the node attempting a row; a node that dies
-- leaves a lease that simply runs out.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    item_id         INTEGER NOT NULL,
    change_seq      INTEGER NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    leased_until    INTEGER,
    last_status     INTEGER,
    last_response   TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
);
-- The due query reads pending rows by webhook in order; the page lists the newest.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, webhook_id, id);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
