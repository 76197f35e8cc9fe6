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
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// Whose session.
    pub account: Account,
    /// The token every form of this session must carry.
    pub csrf_token: String,
}

const ACCOUNT_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.disabled, u.password_hash";

fn account_from(row: &AnyRow) -> StoreResult<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?).map_err(rows::corrupt)?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        password_hash: row.try_get("password_hash")?,
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

    /// Replaces an account's password hash and ends its sessions.
    pub async fn set_password(&mut self, id: UserId, password_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.end_sessions(id).await
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

    /// Failed logins counted under `key` in the window that started after `since`.
    pub async fn failures(&self, key: &str, since: Timestamp) -> StoreResult<i64> {
        let count: Option<i64> = sqlx::query_scalar(
            "SELECT failures FROM login_failures WHERE key = $1 AND window_start >= $2",
        )
        .bind(key)
        .bind(since.as_microsecond())
        .fetch_optional(&self.pool)
        .await?;
        Ok(count.unwrap_or(0))
    }

    /// Counts one more failed login under `key`, starting a new window when the old one ended.
    pub async fn record_failure(
        &self,
        key: &str,
        now: Timestamp,
        since: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO login_failures (key, failures, window_start) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN login_failures.window_start >= $3 THEN login_failures.failures + 1 ELSE 1 END, \
             window_start = CASE WHEN login_failures.window_start >= $3 THEN login_failures.window_start ELSE $2 END",
        )
        .bind(key)
        .bind(now.as_microsecond())
        .bind(since.as_microsecond())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the failures under `key` (after a successful login).
    pub async fn clear_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
