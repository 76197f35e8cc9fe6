//! A consistent copy of an SQLite database, taken while the server runs.

use std::path::Path;
use std::time::Duration;

use super::published::SqliteFile;
use super::{Dialect, StoreError, StoreResult, sqlite_file};

/// What a copy holds, read from the copy itself so that it describes exactly that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyContents {
    /// The newest migration applied to the copy.
    pub schema_version: i64,
    /// The newest change-log entry in the copy.
    pub last_seq: i64,
    /// Every item, whatever its status.
    pub items: i64,
    /// Items published.
    pub published_items: i64,
    /// The media files the copy's images are stored as, by content name
    /// (`HASH.EXT`, the original of each upload).
    pub media_originals: Vec<String>,
}

/// The newest migration this build knows, for SQLite.
pub fn latest_schema_version() -> i64 {
    sqlx::migrate!("migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// How many times a copy blocked by a lock is tried again, 50 ms apart.
const BUSY_RETRIES: u32 = 200;

/// Writes a consistent copy of the SQLite database at `url` to `target`, which must
/// not exist, through SQLite's online backup API, and says what the copy holds.
///
/// The database is not opened as a store: no migration is applied and nothing is
/// written to it, so a newer build can back up the database of an older server
/// still running. PostgreSQL is backed up with its own tools (`pg_dump`), as
/// docs/DEPLOYMENT.md shows.
pub async fn back_up_sqlite(url: &str, target: &Path) -> StoreResult<CopyContents> {
    if Dialect::of(url) != Some(Dialect::Sqlite) {
        return Err(StoreError::Unsupported(
            "back up PostgreSQL with pg_dump or a base backup; see docs/DEPLOYMENT.md",
        ));
    }
    let source = sqlite_file(url)?;
    if !source.path.is_file() {
        return Err(StoreError::Unsupported(
            "there is no database to back up in the data directory",
        ));
    }
    copy_file(source, target).await
}

async fn copy_file(source: SqliteFile, target: &Path) -> StoreResult<CopyContents> {
    if target.exists() {
        return Err(StoreError::Unsupported(
            "the backup file exists already; name a new one",
        ));
    }
    let target = target.to_owned();
    tokio::task::spawn_blocking(move || -> StoreResult<CopyContents> {
        use rusqlite::backup::{Backup, StepResult};
        let from = source.open()?;
        let mut to = rusqlite::Connection::open(&target)?;
        {
            let backup = Backup::new(&from, &mut to)?;
            // Every page in one step: a copy taken in several steps starts over
            // whenever another connection writes, which under steady publishing
            // could go on for ever. In WAL mode one step reads one snapshot and
            // holds no writer up.
            let mut busy = 0;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::Busy | StepResult::Locked if busy < BUSY_RETRIES => {
                        busy += 1;
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    StepResult::Busy | StepResult::Locked => {
                        return Err(StoreError::Unsupported(
                            "the database stayed locked; try the backup again",
                        ));
                    }
                    _ => {}
                }
            }
        }
        // A copy in rollback-journal mode is one file: reading it leaves no
        // write-ahead log beside it. The server turns WAL back on when it opens it.
        to.pragma_update(None, "journal_mode", "DELETE")?;
        contents_of(&to)
    })
    .await
    .map_err(StoreError::ReaderStopped)?
}

/// What an SQLite database holds.
fn contents_of(conn: &rusqlite::Connection) -> StoreResult<CopyContents> {
    let one = |sql: &str| -> StoreResult<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let mut media = conn.prepare("SELECT hash || '.' || format FROM media ORDER BY id")?;
    let media_originals = media
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CopyContents {
        schema_version: one("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")?,
        last_seq: one("SELECT COALESCE(MAX(seq), 0) FROM change_log")?,
        items: one("SELECT COUNT(*) FROM items")?,
        published_items: one("SELECT COUNT(*) FROM items WHERE status = 'published'")?,
        media_originals,
    })
}
