//! Newsroom accounts, their sessions and failed-login counters.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, Writer, rows};
use crate::domain::{Role, UserId};

/// A newsroom account.
#[derive(Debug, Clone)]
pub struct Account {
    /// Identity.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// A disabled account cannot log in and its sessions end.
    pub disabled: bool,
    /// The argon2 PHC string.
    pub password_hash: String,
    /// Whether sign-in asks for a TOTP code after the password.
    pub totp_enabled: bool,
    /// The language the account chose for the newsroom, if any.
    pub language: Option<String>,
}

/// An account's TOTP secret; deliberately without `Debug`, so it cannot reach a log.
pub struct TotpState {
    /// The shared secret, base32.
    pub secret: String,
    /// Confirmed with a code (a pending secret is not enabled).
    pub enabled: bool,
}

/// A sign-in waiting for its second step.
#[derive(Debug, Clone, Copy)]
pub struct PendingLogin {
    /// Whose.
    pub user: UserId,
}

/// How many rows a cleanup deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    /// Expired sessions.
    pub sessions: u64,
    /// Attempt counters whose window ended.
    pub attempts: u64,
    /// Second steps never completed.
    pub pending: u64,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// Whose session.
    pub account: Account,
    /// The token every form of this session must carry.
    pub csrf_token: String,
}

pub(super) const ACCOUNT_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.disabled, u.password_hash, u.totp_enabled, \
     u.language";

pub(super) fn account_from(row: &AnyRow) -> StoreResult<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?).map_err(rows::corrupt)?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        password_hash: row.try_get("password_hash")?,
        totp_enabled: row.try_get::<i64, _>("totp_enabled")? != 0,
        language: row.try_get("language")?,
    })
}

impl Writer {
    /// Creates an account.
    pub async fn insert_account(
        &mut self,
        username: &str,
        display_name: &str,
        role: Role,
        password_hash: &str,
    ) -> StoreResult<UserId> {
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(self.now.as_microsecond())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Disables or enables an account; disabling ends its sessions.
    pub async fn set_disabled(&mut self, id: UserId, disabled: bool) -> StoreResult<()> {
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        if disabled {
            self.end_sessions(id).await?;
        }
        Ok(())
    }

    /// Sets what an account may do; its sessions see the new role at their next request.
    pub async fn set_role(&mut self, id: UserId, role: Role) -> StoreResult<()> {
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// How many admin accounts are not disabled.
    pub async fn active_admins(&mut self) -> StoreResult<i64> {
        let count = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE role = 'admin' AND disabled = 0",
        )
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(count)
    }

    /// Replaces an account's password hash and ends its sessions.
    pub async fn set_password(&mut self, id: UserId, password_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.end_sessions(id).await
    }

    /// Sets the language the newsroom speaks to an account.
    pub async fn set_language(&mut self, id: UserId, language: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(language)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Stores a new, not yet confirmed TOTP secret (replacing any pending one).
    pub async fn set_pending_totp(&mut self, id: UserId, secret: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_enabled = 0, totp_last_step = 0 \
             WHERE id = $2 AND totp_enabled = 0",
        )
        .bind(secret)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Turns the pending TOTP secret on, `step` being the one just used to confirm it,
    /// and replaces the recovery codes.
    pub async fn enable_totp(
        &mut self,
        id: UserId,
        step: i64,
        recovery_hashes: &[String],
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET totp_enabled = 1, totp_last_step = $1 \
             WHERE id = $2 AND totp_secret IS NOT NULL",
        )
        .bind(step)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(id)
                .bind(hash)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Turns two-factor sign-in off: the secret, the recovery codes and any half-done
    /// sign-in go.
    pub async fn disable_totp(&mut self, id: UserId) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_enabled = 0, totp_last_step = 0 \
             WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        for sql in [
            "DELETE FROM recovery_codes WHERE user_id = $1",
            "DELETE FROM pending_logins WHERE user_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    async fn end_sessions(&mut self, id: UserId) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The account with this login name.
    pub async fn account(&self, username: &str) -> StoreResult<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users u WHERE u.username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(account_from).transpose()
    }

    /// The account with this id.
    pub async fn account_by_id(&self, id: UserId) -> StoreResult<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(account_from).transpose()
    }

    /// Every account, by login name.
    pub async fn accounts(&self) -> StoreResult<Vec<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users u ORDER BY u.username");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(account_from).collect()
    }

    /// Stores a new session under the hash of its token.
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(csrf_token)
        .bind(now.as_microsecond())
        .bind(expires_at.as_microsecond())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session with this token hash, if its account is enabled.
    pub async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<SessionRecord>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .bind(now.as_microsecond())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(SessionRecord {
                account: account_from(&r)?,
                csrf_token: r.try_get("csrf_token")?,
            })
        })
        .transpose()
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Counts one more sign-in attempt under `key` and returns the count in the
    /// current window, starting a new window when the old one ended before `since`.
    ///
    /// One statement: parallel attempts each get their own number, so no more than
    /// the limit of them can ever be let through to the password check.
    pub async fn count_attempt(
        &self,
        key: &str,
        now: Timestamp,
        since: Timestamp,
    ) -> StoreResult<i64> {
        let count = sqlx::query_scalar(
            "INSERT INTO login_failures (key, failures, window_start) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN login_failures.window_start >= $3 THEN login_failures.failures + 1 ELSE 1 END, \
             window_start = CASE WHEN login_failures.window_start >= $3 THEN login_failures.window_start ELSE $2 END \
             RETURNING failures",
        )
        .bind(key)
        .bind(now.as_microsecond())
        .bind(since.as_microsecond())
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }

    /// Takes back one attempt counted under `key` (it turned out not to be a failure).
    pub async fn uncount_attempt(&self, key: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0",
        )
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the attempts under `key` (after a successful sign-in).
    pub async fn clear_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes expired sessions and half-done sign-ins, and attempt counters whose
    /// window started before `window_since`.
    pub async fn delete_expired_sign_ins(
        &self,
        now: Timestamp,
        window_since: Timestamp,
    ) -> StoreResult<Removed> {
        let now = now.as_microsecond();
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let pending = sqlx::query("DELETE FROM pending_logins WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let attempts = sqlx::query("DELETE FROM login_failures WHERE window_start < $1")
            .bind(window_since.as_microsecond())
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(Removed {
            sessions,
            attempts,
            pending,
        })
    }

    /// Deletes one account's expired sessions.
    pub async fn delete_expired_sessions_of(
        &self,
        user: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
            .bind(user)
            .bind(now.as_microsecond())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The key stored under `name`, storing `candidate` first when there is none yet;
    /// every node gets the same one.
    pub async fn server_key(&self, name: &str, candidate: &str) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// An account's TOTP secret, pending or enabled.
    pub async fn totp(&self, user: UserId) -> StoreResult<Option<TotpState>> {
        let row = sqlx::query(
            "SELECT totp_secret, totp_enabled FROM users WHERE id = $1 AND totp_secret IS NOT NULL",
        )
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(TotpState {
                secret: r.try_get("totp_secret")?,
                enabled: r.try_get::<i64, _>("totp_enabled")? != 0,
            })
        })
        .transpose()
    }

    /// Marks TOTP step `step` used if no later or equal one was; false when it was,
    /// so a code is good once, even for two requests at the same moment.
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(user)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Spends a recovery code by its hash; false when it is unknown or spent.
    pub async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now.as_microsecond())
        .bind(user)
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many recovery codes an account has left.
    pub async fn recovery_codes_left(&self, user: UserId) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Stores a sign-in that waits for its code.
    pub async fn insert_pending_login(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO pending_logins (token_hash, user_id, attempts, expires_at) \
             VALUES ($1, $2, 0, $3)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(expires_at.as_microsecond())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts one more code tried on a live half-done sign-in and returns the count;
    /// none when there is no such sign-in or it expired.
    pub async fn count_pending_attempt(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(PendingLogin, i64)>> {
        let row = sqlx::query(
            "UPDATE pending_logins SET attempts = attempts + 1 \
             WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id, attempts",
        )
        .bind(token_hash)
        .bind(now.as_microsecond())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                PendingLogin {
                    user: r.try_get("user_id")?,
                },
                r.try_get("attempts")?,
            ))
        })
        .transpose()
    }

    /// Whether a half-done sign-in is live.
    pub async fn pending_login(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<PendingLogin>> {
        let user: Option<UserId> = sqlx::query_scalar(
            "SELECT user_id FROM pending_logins WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.as_microsecond())
        .fetch_optional(&self.pool)
        .await?;
        Ok(user.map(|user| PendingLogin { user }))
    }

    /// Ends a half-done sign-in; false when it was already gone (so only one request
    /// can complete it).
    pub async fn delete_pending_login(&self, token_hash: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM pending_logins WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
