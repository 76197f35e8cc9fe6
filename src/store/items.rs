use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, Writer, rows};
use crate::domain::{
    AuthorId, Body, Correction, EditionCode, Item, ItemContent, ItemId, ItemKind, SectionId,
    Status, TagId,
};

/// Everything needed to insert an item, resolved to ids by the newsroom.
#[derive(Debug, Clone)]
pub struct NewItemRow<'a> {
    /// Edition it appears in.
    pub edition: &'a EditionCode,
    /// Checked editorial content.
    pub content: &'a ItemContent,
    /// Section it is filed in.
    pub section: SectionId,
    /// Authors in byline order.
    pub authors: &'a [AuthorId],
    /// Tags in the order given.
    pub tags: &'a [TagId],
    /// Promoted item, if any.
    pub related: Option<ItemId>,
    /// Initial status.
    pub status: Status,
    /// Lead story on the home page.
    pub pinned: bool,
    /// Publication time, if public or scheduled.
    pub published_at: Option<Timestamp>,
    /// Identity in the copy it came from, for imports.
    pub source_key: Option<&'a str>,
    /// Editorial flags and times set in the newsroom.
    pub extras: ItemExtras,
}

/// Fields only the newsroom sets; imports leave them at their defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItemExtras {
    /// Marked as breaking news.
    pub breaking: bool,
    /// Not to be published before this time.
    pub embargo_until: Option<Timestamp>,
    /// When to withdraw it.
    pub unpublish_at: Option<Timestamp>,
    /// Lead image.
    pub lead_media: Option<i64>,
    /// Account that created it.
    pub created_by: Option<crate::domain::UserId>,
}

pub(super) const ITEM_COLUMNS: &str = "id, edition, kind, headline, slug, dek, body_markdown, body_html, \
    section_id, outlet, related_id, status, pinned, published_at, updated_at, breaking, \
    embargo_until, unpublish_at, lead_media_id, created_by, version";

pub(super) fn item_from(row: &AnyRow) -> StoreResult<Item> {
    let published_at: Option<i64> = row.try_get("published_at")?;
    let embargo_until: Option<i64> = row.try_get("embargo_until")?;
    let unpublish_at: Option<i64> = row.try_get("unpublish_at")?;
    Ok(Item {
        id: row.try_get("id")?,
        edition: rows::edition(&row.try_get::<String, _>("edition")?)?,
        kind: ItemKind::parse(&row.try_get::<String, _>("kind")?).map_err(rows::corrupt)?,
        headline: row.try_get("headline")?,
        slug: row.try_get("slug")?,
        dek: row.try_get("dek")?,
        body: Body {
            markdown: row.try_get("body_markdown")?,
            html: row.try_get("body_html")?,
        },
        section: row.try_get("section_id")?,
        authors: Vec::new(),
        outlet: row.try_get("outlet")?,
        tags: Vec::new(),
        related: row.try_get("related_id")?,
        status: Status::parse(&row.try_get::<String, _>("status")?).map_err(rows::corrupt)?,
        pinned: row.try_get::<i64, _>("pinned")? != 0,
        published_at: published_at.map(rows::instant).transpose()?,
        updated_at: rows::instant(row.try_get("updated_at")?)?,
        corrections: Vec::new(),
        breaking: row.try_get::<i64, _>("breaking")? != 0,
        embargo_until: embargo_until.map(rows::instant).transpose()?,
        unpublish_at: unpublish_at.map(rows::instant).transpose()?,
        lead_media: row.try_get("lead_media_id")?,
        created_by: row.try_get("created_by")?,
        version: row.try_get("version")?,
    })
}

/// One item with its authors, tags and corrections, read on `conn` (a pooled
/// connection, or a writer's transaction so the use case sees its own changes).
pub(super) async fn load_item(conn: &mut AnyConnection, id: ItemId) -> StoreResult<Option<Item>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = $1");
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut item = item_from(&row)?;
    item.authors = sqlx::query_scalar(
        "SELECT author_id FROM item_authors WHERE item_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    item.tags =
        sqlx::query_scalar("SELECT tag_id FROM item_tags WHERE item_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let notes = sqlx::query(
        "SELECT noted_at, note FROM corrections WHERE item_id = $1 ORDER BY noted_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    item.corrections = notes
        .iter()
        .map(|r| {
            Ok(Correction {
                noted_at: rows::instant(r.try_get("noted_at")?)?,
                note: r.try_get("note")?,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(Some(item))
}

impl Writer {
    /// Inserts an item with its authors and tags; returns its id.
    pub async fn insert_item(&mut self, new: &NewItemRow<'_>) -> StoreResult<ItemId> {
        let now = self.now.as_microsecond();
        let c = new.content;
        let id: ItemId = sqlx::query_scalar(
            "INSERT INTO items (edition, kind, headline, slug, dek, body_markdown, body_html, \
             section_id, outlet, related_id, status, pinned, published_at, created_at, updated_at, \
             source_key, breaking, embargo_until, unpublish_at, lead_media_id, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19, $20, $21) RETURNING id",
        )
        .bind(new.edition.as_ref())
        .bind(c.kind.as_str())
        .bind(c.headline.as_ref())
        .bind(c.slug.as_ref())
        .bind(c.dek.as_deref())
        .bind(&c.body.markdown)
        .bind(&c.body.html)
        .bind(new.section)
        .bind(c.byline.outlet.as_deref())
        .bind(new.related)
        .bind(new.status.as_str())
        .bind(i64::from(new.pinned))
        .bind(new.published_at.map(|t| t.as_microsecond()))
        .bind(now)
        .bind(now)
        .bind(new.source_key)
        .bind(i64::from(new.extras.breaking))
        .bind(new.extras.embargo_until.map(|t| t.as_microsecond()))
        .bind(new.extras.unpublish_at.map(|t| t.as_microsecond()))
        .bind(new.extras.lead_media)
        .bind(new.extras.created_by)
        .fetch_one(&mut *self.tx)
        .await?;
        self.set_authors(id, new.authors).await?;
        self.set_tags(id, new.tags).await?;
        Ok(id)
    }

    /// Replaces an item's authors, keeping the order given.
    pub async fn set_authors(&mut self, id: ItemId, authors: &[AuthorId]) -> StoreResult<()> {
        sqlx::query("DELETE FROM item_authors WHERE item_id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        for (position, author) in authors.iter().enumerate() {
            sqlx::query(
                "INSERT INTO item_authors (item_id, author_id, position) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(*author)
            .bind(position as i64)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Replaces an item's tags, keeping the order given.
    pub async fn set_tags(&mut self, id: ItemId, tags: &[TagId]) -> StoreResult<()> {
        sqlx::query("DELETE FROM item_tags WHERE item_id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        for (position, tag) in tags.iter().enumerate() {
            sqlx::query("INSERT INTO item_tags (item_id, tag_id, position) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*tag)
                .bind(position as i64)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// The item imported earlier under this source key, if any.
    pub async fn item_by_source_key(&mut self, key: &str) -> StoreResult<Option<ItemId>> {
        let id = sqlx::query_scalar("SELECT id FROM items WHERE source_key = $1")
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(id)
    }

    /// Whether an item with this id exists in an edition.
    pub async fn item_exists(&mut self, edition: &EditionCode, id: ItemId) -> StoreResult<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM items WHERE id = $1 AND edition = $2")
                .bind(id)
                .bind(edition.as_ref())
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(found.is_some())
    }
}

impl Writer {
    /// Scheduled items whose publication time has come, oldest first.
    pub async fn due_items(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        let ids = sqlx::query_scalar(
            "SELECT id FROM items WHERE status = 'scheduled' AND published_at <= $1 \
             AND (embargo_until IS NULL OR embargo_until <= $1) ORDER BY published_at, id",
        )
        .bind(now.as_microsecond())
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(ids)
    }

    /// Moves an item to another status.
    pub async fn set_status(&mut self, id: ItemId, status: Status) -> StoreResult<()> {
        sqlx::query(
            "UPDATE items SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3",
        )
        .bind(status.as_str())
        .bind(self.now.as_microsecond())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Whether any scheduled item is due or any published one has expired; asks the
    /// primary, which is never behind.
    pub async fn has_due_items(&self, now: Timestamp) -> StoreResult<bool> {
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM items WHERE (status = 'scheduled' AND published_at <= $1 \
             AND (embargo_until IS NULL OR embargo_until <= $1)) \
             OR (status = 'published' AND unpublish_at IS NOT NULL AND unpublish_at <= $1) LIMIT 1",
        )
        .bind(now.as_microsecond())
        .fetch_optional(&self.pool)
        .await?;
        Ok(due.is_some())
    }

    /// One item with its authors, tags and corrections, in any status.
    pub async fn item(&self, id: ItemId) -> StoreResult<Option<Item>> {
        let mut conn = self.reads.acquire().await?;
        load_item(&mut conn, id).await
    }

    /// Every published item with its authors, tags and corrections, for the read model.
    pub async fn published_items(&self) -> StoreResult<Vec<Item>> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE status = 'published'");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.reads)
            .await?;
        let mut items = rows
            .iter()
            .map(item_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let mut authors: HashMap<ItemId, Vec<AuthorId>> = HashMap::new();
        for row in sqlx::query(
            "SELECT a.item_id, a.author_id FROM item_authors a JOIN items i ON i.id = a.item_id \
             WHERE i.status = 'published' ORDER BY a.item_id, a.position",
        )
        .fetch_all(&self.reads)
        .await?
        {
            authors
                .entry(row.try_get(0)?)
                .or_default()
                .push(row.try_get(1)?);
        }
        let mut tags: HashMap<ItemId, Vec<TagId>> = HashMap::new();
        for row in sqlx::query(
            "SELECT t.item_id, t.tag_id FROM item_tags t JOIN items i ON i.id = t.item_id \
             WHERE i.status = 'published' ORDER BY t.item_id, t.position",
        )
        .fetch_all(&self.reads)
        .await?
        {
            tags.entry(row.try_get(0)?)
                .or_default()
                .push(row.try_get(1)?);
        }
        let mut corrections: HashMap<ItemId, Vec<Correction>> = HashMap::new();
        for row in sqlx::query(
            "SELECT c.item_id, c.noted_at, c.note FROM corrections c JOIN items i ON i.id = c.item_id \
             WHERE i.status = 'published' ORDER BY c.item_id, c.noted_at, c.id",
        )
        .fetch_all(&self.reads)
        .await?
        {
            corrections.entry(row.try_get(0)?).or_default().push(Correction {
                noted_at: rows::instant(row.try_get(1)?)?,
                note: row.try_get(2)?,
            });
        }
        for item in &mut items {
            item.authors = authors.remove(&item.id).unwrap_or_default();
            item.tags = tags.remove(&item.id).unwrap_or_default();
            item.corrections = corrections.remove(&item.id).unwrap_or_default();
        }
        Ok(items)
    }
}
