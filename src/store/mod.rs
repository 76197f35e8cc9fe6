//! Persistence: content rows and the change log, in one transaction per change.
//!
//! SQL only, no editorial rules. Queries are plain runtime-checked SQL with `$N`
//! placeholders and portable types (integers for times and flags), so the same
//! statements serve SQLite now and PostgreSQL beside it.

mod accounts;
mod api_items;
mod backup;
mod bulk;
mod change_log;
mod desk;
mod editing;
mod front_pages;
mod items;
mod listen;
mod media;
mod published;
mod redirects;
mod rows;
mod search;
mod taxonomy;
mod tokens;
mod webhooks;
mod wire;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Executor};
use thiserror::Error;

use published::SqliteFile;

pub use accounts::{Account, PendingLogin, Removed, SessionRecord, TotpState};
pub use api_items::StatusFilter;
pub use backup::{CopyContents, back_up_sqlite, latest_schema_version};
pub use bulk::BulkLoad;
pub use change_log::{Change, EVERYWHERE, Entity};
pub use desk::{DeskNews, HandOver};
pub use editing::{AuditEntry, By, DeskFilter, DeskItem, DeskList, ItemUpdate, Revision};
pub use front_pages::{DueFrontPage, FrontPageRecord};
pub use items::{BulkItem, ItemExtras, NewItemRow};
pub use listen::listen_for_changes;
pub use media::{AbandonedUpload, MediaRecord};
pub use published::{PublishedRow, PublishedRows, PublishedSet};
pub use search::IndexRow;
pub use tokens::{NewToken, TokenRecord};
pub use webhooks::{
    AttemptOutcome, ClaimedDelivery, DeliveryRecord, ItemForWebhook, NewDelivery, WebhookRecord,
};
pub use wire::{CopyRecord, FeedRecord, NewCopy, NewFeed, PollRecord};

/// Why a store operation failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database cannot be reached right now; the request may be retried later.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Any other database error.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// An error of the SQLite file read directly, without sqlx.
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    /// A task reading the database ended before the end of what it read.
    #[error("the database reader stopped")]
    ReaderStopped(#[source] tokio::task::JoinError),
    /// Migrations could not be applied.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The URL names no database we support.
    #[error("'{0}' is not a database URL Newsline supports: use sqlite://PATH or postgres://…")]
    UnknownUrl(String),
    /// The operation does not apply here; the text says what to do instead.
    #[error("{0}")]
    Unsupported(&'static str),
    /// A stored value does not decode into a domain type.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => Self::Unavailable(err),
            other => Self::Database(other),
        }
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which database a store talks to; SQL differs only where the dialects really do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded SQLite, one process writing at a time.
    Sqlite,
    /// PostgreSQL shared by several nodes.
    Postgres,
}

impl Dialect {
    /// The dialect a database URL names.
    pub fn of(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// The channel on which PostgreSQL tells every node that the change log grew.
pub const CHANGES_CHANNEL: &str = "newsline_changes";

/// Key of the transaction-level advisory lock every PostgreSQL writer holds, so that
/// change-log sequence numbers are assigned in commit order.
const WRITE_LOCK: i64 = 0x6e65_7773_6c69_6e65;

/// One connection pool's use at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUse {
    /// `primary` or `replica`.
    pub pool: &'static str,
    /// Connections open, in use or idle.
    pub open: u32,
    /// Open connections waiting for work.
    pub idle: u32,
    /// Most connections the pool opens.
    pub max: u32,
}

impl PoolUse {
    fn of(pool: &'static str, connections: &AnyPool) -> Self {
        Self {
            pool,
            open: connections.size(),
            idle: u32::try_from(connections.num_idle()).unwrap_or(u32::MAX),
            max: connections.options().get_max_connections(),
        }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Where reads that tolerate lag go: a replica when configured, else the primary.
    reads: AnyPool,
    /// Whether `reads` is a pool of its own (a replica's), not `pool` again.
    separate_reads: bool,
    dialect: Dialect,
    /// On SQLite, the files behind `pool` and `reads`: the read model's start reads
    /// the file directly (see [`Store::published_rows`]).
    sqlite: Option<SqliteFiles>,
}

#[derive(Clone, Debug)]
struct SqliteFiles {
    primary: SqliteFile,
    reads: SqliteFile,
}

/// The file an SQLite URL names, as sqlx reads the URL.
fn sqlite_file(url: &str) -> StoreResult<SqliteFile> {
    let options = SqliteConnectOptions::from_str(url).map_err(StoreError::Database)?;
    Ok(SqliteFile {
        url: url.to_owned(),
        path: options.get_filename().to_owned(),
        busy_timeout: BUSY_TIMEOUT,
    })
}

/// How long an SQLite connection waits for another's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open transaction through which one use case writes rows and change-log entries.
pub struct Writer {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    dialect: Dialect,
    changed: bool,
    /// The use case's time, written into every row this transaction stamps.
    now: jiff::Timestamp,
}

/// Every SQLite connection's settings. `synchronous = FULL` syncs the write-ahead
/// log at every commit: with `NORMAL`, SQLite documents that the last transactions
/// committed before a power loss or an operating-system crash can roll back, and an
/// editor was told they were saved.
pub(crate) const SQLITE_SETUP: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;";
/// [`SQLITE_SETUP`] with `synchronous = NORMAL`, only to measure what FULL costs.
const SQLITE_SETUP_NORMAL: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";

/// How an SQLite commit reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitSync {
    /// The log is synced at every commit: what a commit acknowledges survives a power
    /// loss. Always in service.
    Full,
    /// The log is synced at checkpoints only: the last commits can be lost to a power
    /// loss. For `newsline bench-writes`, to measure what [`CommitSync::Full`] costs.
    Normal,
}

/// Every PostgreSQL connection's settings: a commit returns only once it is on disk
/// (the server's default, set here so that a database configured otherwise cannot
/// turn an acknowledged write into a lost one).
const POSTGRES_SETUP: &str = "SET synchronous_commit = on";

/// What makes a commit durable on one connection, as the database reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Durability {
    /// SQLite's `PRAGMA synchronous` (2 is FULL) and journal mode.
    Sqlite {
        /// 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
        synchronous: i64,
        /// `wal` in service.
        journal_mode: String,
    },
    /// PostgreSQL's `synchronous_commit`.
    Postgres {
        /// `on` in service.
        synchronous_commit: String,
    },
}

async fn durability_of(
    conn: &mut sqlx::AnyConnection,
    dialect: Dialect,
) -> StoreResult<Durability> {
    Ok(match dialect {
        Dialect::Sqlite => Durability::Sqlite {
            synchronous: sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await?,
            journal_mode: sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await?,
        },
        Dialect::Postgres => Durability::Postgres {
            synchronous_commit: sqlx::query_scalar("SHOW synchronous_commit")
                .fetch_one(&mut *conn)
                .await?,
        },
    })
}

impl Store {
    /// The durability settings of every connection the store can hold at once, in
    /// the write pool and the read pool, each connection held while the next is
    /// asked so that none is asked twice.
    pub async fn durability(&self) -> StoreResult<Vec<Durability>> {
        let mut found = Vec::new();
        for pool in [&self.pool, &self.reads] {
            let mut held = Vec::new();
            for _ in 0..pool.options().get_max_connections() {
                let mut conn = pool.acquire().await?;
                found.push(durability_of(&mut conn, self.dialect).await?);
                held.push(conn);
            }
        }
        if let Some(files) = &self.sqlite {
            for file in [&files.primary, &files.reads] {
                found.push(file.durability()?);
            }
        }
        Ok(found)
    }
}

async fn connect(url: &str, dialect: Dialect, sync: CommitSync) -> StoreResult<AnyPool> {
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url)
        .map_err(StoreError::Database)?
        .disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        // A database that has gone away should fail a write quickly, not hang it.
        .acquire_timeout(Duration::from_secs(3));
    let pool = match dialect {
        Dialect::Sqlite => pool.after_connect(move |conn, _meta| {
            Box::pin(async move {
                // Foreign keys are off by default in SQLite; the busy timeout lets an
                // import and a running server share the file without "database is locked".
                let setup = match sync {
                    CommitSync::Full => SQLITE_SETUP,
                    CommitSync::Normal => SQLITE_SETUP_NORMAL,
                };
                conn.execute(setup).await?;
                Ok(())
            })
        }),
        Dialect::Postgres => pool.after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(POSTGRES_SETUP).await?;
                Ok(())
            })
        }),
    };
    Ok(pool.connect_with(options).await?)
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
        Self::open_with_replica(url, None).await
    }

    /// Like [`Store::open`], sending reads that tolerate lag to `replica` when given.
    pub async fn open_with_replica(url: &str, replica: Option<&str>) -> StoreResult<Self> {
        Self::open_syncing(url, replica, CommitSync::Full).await
    }

    /// Like [`Store::open`], with SQLite commits synced as `sync` says: only for
    /// measuring what durable commits cost.
    pub async fn open_for_benchmark(url: &str, sync: CommitSync) -> StoreResult<Self> {
        Self::open_syncing(url, None, sync).await
    }

    async fn open_syncing(url: &str, replica: Option<&str>, sync: CommitSync) -> StoreResult<Self> {
        let dialect = Dialect::of(url).ok_or_else(|| StoreError::UnknownUrl(redact(url)))?;
        let pool = connect(url, dialect, sync).await?;
        match dialect {
            Dialect::Sqlite => {
                // WAL is a property of the file: readers never wait for the writer.
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
                sqlx::migrate!("migrations/sqlite").run(&pool).await?;
            }
            Dialect::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        let reads = match replica {
            Some(url) => {
                if Dialect::of(url) != Some(dialect) {
                    return Err(StoreError::UnknownUrl(redact(url)));
                }
                connect(url, dialect, CommitSync::Full).await?
            }
            None => pool.clone(),
        };
        let sqlite = match dialect {
            Dialect::Sqlite => {
                let primary = sqlite_file(url)?;
                let reads = match replica {
                    Some(url) => sqlite_file(url)?,
                    None => primary.clone(),
                };
                Some(SqliteFiles { primary, reads })
            }
            Dialect::Postgres => None,
        };
        Ok(Self {
            pool,
            reads,
            separate_reads: replica.is_some(),
            dialect,
            sqlite,
        })
    }

    /// This store with every read sent to the primary, for reads that must not lag
    /// (the read model's first load, which later reads from a replica continue).
    pub fn primary(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            reads: self.pool.clone(),
            separate_reads: false,
            dialect: self.dialect,
            sqlite: self.sqlite.as_ref().map(|f| SqliteFiles {
                primary: f.primary.clone(),
                reads: f.primary.clone(),
            }),
        }
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Starts a write transaction that stamps what it writes with `now`.
    pub async fn begin(&self, now: jiff::Timestamp) -> StoreResult<Writer> {
        let mut tx = self.pool.begin().await?;
        match self.dialect {
            // Take SQLite's write lock now rather than at the first write, so two writers
            // queue on the busy timeout instead of failing on a lock upgrade.
            Dialect::Sqlite => {
                sqlx::query("UPDATE change_log SET seq = seq WHERE 0")
                    .execute(&mut *tx)
                    .await?;
            }
            // Writers queue here until the previous one commits: a sequence number is
            // never handed out while a smaller one can still commit after it.
            Dialect::Postgres => {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok(Writer {
            tx,
            dialect: self.dialect,
            changed: false,
            now,
        })
    }

    /// How the connection pools are used now: the primary's, then the replica's when
    /// reads have a pool of their own.
    pub fn pool_use(&self) -> Vec<PoolUse> {
        let mut pools = vec![PoolUse::of("primary", &self.pool)];
        if self.separate_reads {
            pools.push(PoolUse::of("replica", &self.reads));
        }
        pools
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
        self.reads.close().await;
    }
}

/// A database URL with any password replaced, fit for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:****{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Writer {
    /// The time this transaction stamps its rows with.
    pub fn now(&self) -> jiff::Timestamp {
        self.now
    }

    /// Makes everything written through this writer durable at once, and tells the
    /// other nodes when the change log grew.
    pub async fn commit(mut self) -> StoreResult<()> {
        if self.changed && self.dialect == Dialect::Postgres {
            // Delivered by PostgreSQL only when the transaction commits.
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(CHANGES_CHANNEL)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://news:s3cret@db.example:5432/news"),
            "postgres://news:****@db.example:5432/news"
        );
        assert_eq!(
            redact("postgres://db.example/news"),
            "postgres://db.example/news"
        );
        assert_eq!(
            redact("sqlite:///var/lib/newsline.db"),
            "sqlite:///var/lib/newsline.db"
        );
    }

    #[test]
    fn the_dialect_follows_the_url() {
        assert_eq!(Dialect::of("sqlite://x.db"), Some(Dialect::Sqlite));
        assert_eq!(Dialect::of("postgresql://h/db"), Some(Dialect::Postgres));
        assert_eq!(Dialect::of("mysql://h/db"), None);
    }
}
