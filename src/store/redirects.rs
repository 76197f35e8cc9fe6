//! Old addresses of imported items, answered with a 301 to where the item is now.

use super::{Store, StoreResult, Writer};
use crate::domain::ItemId;

impl Writer {
    /// Points the old address `path` at `item`, replacing what it pointed at before.
    pub async fn put_redirect(&mut self, path: &str, item: ItemId) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO redirects (path, item_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (path) DO UPDATE SET item_id = excluded.item_id",
        )
        .bind(path)
        .bind(item)
        .bind(self.now.as_microsecond())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The item an old address leads to, if any.
    pub async fn redirect(&self, path: &str) -> StoreResult<Option<ItemId>> {
        let id = sqlx::query_scalar("SELECT item_id FROM redirects WHERE path = $1")
            .bind(path)
            .fetch_optional(&self.reads)
            .await?;
        Ok(id)
    }
}
