//! Personal API tokens: their rows, found by public id.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::accounts::{ACCOUNT_COLUMNS, account_from};
use super::{Account, Store, StoreResult, Writer, rows};
use crate::domain::{TokenScopes, UserId};

/// A stored token, without its secret (which is never stored).
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The public id, shown in lists and named to revoke.
    pub public_id: String,
    /// The owner's account, as it is now.
    pub owner: Account,
    /// What the owner called it.
    pub name: String,
    /// The SHA-256 of the whole token, hex.
    pub token_hash: String,
    /// What it may be used for.
    pub scopes: TokenScopes,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// What a new token's row holds.
#[derive(Debug, Clone, Copy)]
pub struct NewToken<'a> {
    /// The public id.
    pub public_id: &'a str,
    /// The owner.
    pub user: UserId,
    /// Its name.
    pub name: &'a str,
    /// The SHA-256 of the whole token, hex.
    pub token_hash: &'a str,
    /// Its scopes.
    pub scopes: TokenScopes,
    /// When it stops working.
    pub expires_at: Timestamp,
}

fn token_columns() -> String {
    format!(
        "{ACCOUNT_COLUMNS}, t.public_id, t.name, t.token_hash, t.scopes, t.created_at, \
         t.expires_at, t.revoked_at"
    )
}

fn token_from(row: &AnyRow) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        public_id: row.try_get("public_id")?,
        owner: account_from(row)?,
        name: row.try_get("name")?,
        token_hash: row.try_get("token_hash")?,
        scopes: TokenScopes::parse(&row.try_get::<String, _>("scopes")?)
            .map_err(|e| super::StoreError::Corrupt(e.to_string()))?,
        created_at: rows::instant(row.try_get("created_at")?)?,
        expires_at: rows::instant(row.try_get("expires_at")?)?,
        revoked_at: row
            .try_get::<Option<i64>, _>("revoked_at")?
            .map(rows::instant)
            .transpose()?,
    })
}

impl Writer {
    /// Stores a new token, stamped with the transaction's time.
    pub async fn insert_token(&mut self, token: NewToken<'_>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO api_tokens \
             (public_id, user_id, name, token_hash, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token.public_id)
        .bind(token.user)
        .bind(token.name)
        .bind(token.token_hash)
        .bind(token.scopes.as_str())
        .bind(self.now.as_microsecond())
        .bind(token.expires_at.as_microsecond())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks a token revoked now; false when it was already revoked or never existed.
    pub async fn revoke_token(&mut self, public_id: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE public_id = $2 AND revoked_at IS NULL",
        )
        .bind(self.now.as_microsecond())
        .bind(public_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// The token with this public id and its owner, read from the primary so that a
    /// revocation counts at once.
    pub async fn token(&self, public_id: &str) -> StoreResult<Option<TokenRecord>> {
        let sql = format!(
            "SELECT {} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.public_id = $1",
            token_columns()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(public_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from).transpose()
    }

    /// Tokens, newest first: one account's, or everyone's.
    pub async fn tokens(&self, user: Option<UserId>) -> StoreResult<Vec<TokenRecord>> {
        let filter = if user.is_some() {
            "WHERE t.user_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {} FROM api_tokens t JOIN users u ON u.id = t.user_id {filter} \
             ORDER BY t.created_at DESC, t.id DESC",
            token_columns()
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let query = match user {
            Some(id) => query.bind(id),
            None => query,
        };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(token_from).collect()
    }
}
