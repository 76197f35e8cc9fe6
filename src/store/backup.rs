//! A consistent copy of an SQLite database, taken while the server runs.

use std::path::Path;

use super::{Dialect, Store, StoreError, StoreResult};

impl Store {
    /// Writes a consistent copy of the SQLite database to `target`, which must not exist.
    ///
    /// PostgreSQL is backed up with its own tools (`pg_dump`), as docs/DEPLOYMENT.md shows.
    pub async fn back_up_to(&self, target: &Path) -> StoreResult<()> {
        if self.dialect != Dialect::Sqlite {
            return Err(StoreError::Unsupported(
                "back up PostgreSQL with pg_dump; see docs/DEPLOYMENT.md",
            ));
        }
        if target.exists() {
            return Err(StoreError::Unsupported(
                "the backup file exists already; name a new one",
            ));
        }
        let target = target.to_str().ok_or(StoreError::Unsupported(
            "the backup path is not valid UTF-8",
        ))?;
        // VACUUM INTO reads one snapshot, so writers may go on meanwhile.
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
