//! Filling an empty database with a large corpus, trading crash safety for speed.

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{ConnectOptions, Executor};

use super::{Dialect, Store, StoreError, StoreResult, Writer};

/// A store whose writes go through one connection set up for a bulk load; see
/// [`Store::bulk_load`]. [`BulkLoad::finish`] puts the database back as a server
/// expects it.
pub struct BulkLoad {
    store: Store,
    /// The write-ahead log was left for the load and is to be restored.
    left_wal: bool,
}

/// The load's connection: the pool's settings, but no waiting for the disk, and a
/// page cache of 256 MiB (negative: a size in KiB, not a page count). A chunk of
/// 10,000 items is about 50 MB of pages, which then stay in memory until the commit
/// instead of spilling to disk half-written.
const BULK_SETUP: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
    PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;";

impl Store {
    /// Hands this store's database over to a bulk load. PostgreSQL is loaded as it is.
    ///
    /// On SQLite the store's connections are closed and one connection takes their
    /// place that never waits for the disk (`synchronous = OFF`), keeps a whole chunk
    /// in its cache and, when no other process has the file open, keeps its rollback
    /// journal in memory instead of the write-ahead log, through which every page is
    /// written twice. A crash part way leaves a database to delete, which for a
    /// synthetic corpus costs only the time to make it again.
    pub async fn bulk_load(self) -> StoreResult<BulkLoad> {
        let Some(files) = &self.sqlite else {
            return Ok(BulkLoad {
                store: self,
                left_wal: false,
            });
        };
        let url = files.primary.url.clone();
        let sqlite = self.sqlite.clone();
        self.close().await;
        let options = AnyConnectOptions::from_str(&url)
            .map_err(StoreError::Database)?
            .disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(BULK_SETUP).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        // Leaving the write-ahead log takes the file to itself: with a server attached
        // the mode stays as it is (the answer says which is in force) and the load
        // goes through the log, only slower.
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode = MEMORY")
            .fetch_one(&pool)
            .await?;
        Ok(BulkLoad {
            store: Store {
                pool: pool.clone(),
                reads: pool,
                separate_reads: false,
                dialect: Dialect::Sqlite,
                sqlite,
            },
            left_wal: !mode.eq_ignore_ascii_case("wal"),
        })
    }
}

impl BulkLoad {
    /// Starts a write transaction on the load's connection, as [`Store::begin`] does.
    pub async fn begin(&self, now: jiff::Timestamp) -> StoreResult<Writer> {
        self.store.begin(now).await
    }

    /// Restores the write-ahead log, which servers reading while others write rely
    /// on, and closes the connection.
    pub async fn finish(self) -> StoreResult<()> {
        if self.left_wal {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&self.store.pool)
                .await?;
        }
        self.store.close().await;
        Ok(())
    }
}
