//! Persistence: content rows and the change log, in one transaction per change.
//!
//! SQL only, no editorial rules. Queries are plain runtime-checked SQL with `$N`
//! placeholders and portable types (integers for times and flags), so the same
//! statements serve SQLite now and PostgreSQL beside it.

mod change_log;
mod items;
mod rows;
mod taxonomy;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use thiserror::Error;

pub use change_log::{Change, Entity};
pub use items::NewItemRow;

/// Why a store operation failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database cannot be reached right now; the request may be retried later.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Any other database error.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// Migrations could not be applied.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value does not decode into a domain type.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Self::Unavailable(err)
            }
            other => Self::Database(other),
        }
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
}

/// An open transaction through which one use case writes rows and change-log entries.
pub struct Writer {
    tx: sqlx::Transaction<'static, sqlx::Any>,
}

impl Store {
    /// The URL of the SQLite database kept in a data directory.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("newsline.db").display()
        )
    }

    /// Connects, applies pending migrations and returns the store.
    pub async fn open(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)
            .map_err(StoreError::Database)?
            .disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Foreign keys are off by default in SQLite; the busy timeout lets an
                    // import and a running server share the file without "database is locked".
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                        .await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        // WAL is a property of the file: readers never wait for the writer.
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> StoreResult<Writer> {
        let mut tx = self.pool.begin().await?;
        // Take SQLite's write lock now rather than at the first write, so two writers
        // queue on the busy timeout instead of failing on a lock upgrade.
        sqlx::query("UPDATE change_log SET seq = seq WHERE 0")
            .execute(&mut *tx)
            .await?;
        Ok(Writer { tx })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Writer {
    /// Makes everything written through this writer durable at once.
    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}
