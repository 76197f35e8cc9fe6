use jiff::Timestamp;
use sqlx::Row;

use super::{Store, StoreError, StoreResult, Writer};

/// The last part of a section's change-log subject when the change reaches pages
/// beyond the section's own: a new address moves its items' URLs, a new place or
/// visibility changes the masthead and the home page.
pub const EVERYWHERE: &str = "everywhere";

/// What kind of thing a change-log entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// An article or brief.
    Item,
    /// Editions, sections, authors or tags.
    Taxonomy,
    /// An edition's front page arrangement went live; the id is the edition's code.
    FrontPage,
}

impl Entity {
    fn as_str(self) -> &'static str {
        match self {
            Self::Item => "item",
            Self::Taxonomy => "taxonomy",
            Self::FrontPage => "front_page",
        }
    }
}

/// One entry of the change log, in sequence order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Position in the log; strictly increasing.
    pub seq: i64,
    /// What changed.
    pub entity: Entity,
    /// Its identity (an item id, or a taxonomy key).
    pub entity_id: String,
    /// What happened to it, in the newsroom's words ("published", "created", ...).
    pub action: String,
}

impl Writer {
    /// Appends an entry in the same transaction as the rows it describes.
    pub async fn append_change(
        &mut self,
        entity: Entity,
        entity_id: &str,
        action: &str,
    ) -> StoreResult<i64> {
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO change_log (entity, entity_id, action, recorded_at) \
             VALUES ($1, $2, $3, $4) RETURNING seq",
        )
        .bind(entity.as_str())
        .bind(entity_id)
        .bind(action)
        .bind(self.now.as_microsecond())
        .fetch_one(&mut *self.tx)
        .await?;
        self.changed = true;
        Ok(seq)
    }
}

impl Store {
    /// The entries after `seq`, oldest first, at most `limit` of them.
    pub async fn changes_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, entity, entity_id, action FROM change_log \
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(&self.reads)
        .await?;
        rows.iter()
            .map(|row| {
                let entity = match row.try_get::<String, _>("entity")?.as_str() {
                    "item" => Entity::Item,
                    "taxonomy" => Entity::Taxonomy,
                    "front_page" => Entity::FrontPage,
                    other => return Err(StoreError::Corrupt(format!("change entity {other}"))),
                };
                Ok(Change {
                    seq: row.try_get("seq")?,
                    entity,
                    entity_id: row.try_get("entity_id")?,
                    action: row.try_get("action")?,
                })
            })
            .collect()
    }

    /// The last entry written on the primary, and when the first entry after `seq`
    /// was recorded (none when there is none): how far behind a reader of `seq` is.
    pub async fn position_after(&self, seq: i64) -> StoreResult<(i64, Option<Timestamp>)> {
        let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM change_log")
            .fetch_one(&self.pool)
            .await?;
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT recorded_at FROM change_log WHERE seq > $1 ORDER BY seq LIMIT 1",
        )
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?;
        Ok((
            latest.unwrap_or(0),
            next.map(super::rows::instant).transpose()?,
        ))
    }

    /// The sequence number of the newest entry, or 0 for an empty log.
    pub async fn last_seq(&self) -> StoreResult<i64> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM change_log")
            .fetch_one(&self.reads)
            .await?;
        Ok(seq.unwrap_or(0))
    }
}
