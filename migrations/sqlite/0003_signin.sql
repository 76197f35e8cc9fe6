-- Sign-in that cannot be raced or used to lock people out, and two-factor sign-in.

-- Attempts are counted here before a password is checked, one row per throttle key
-- ((name, address), address, or a known device); old windows are deleted by the cleanup.
CREATE INDEX login_failures_window ON login_failures (window_start);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Keys this server signs with (the device cookie), made once and shared by every node.
CREATE TABLE server_keys (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A TOTP secret (base32) is pending until confirmed with a code; the last step used
-- makes every code good for one sign-in only.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Single-use recovery codes, stored only as hashes.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in whose password was right and whose code is still awaited: no session yet.
CREATE TABLE pending_logins (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL
);
