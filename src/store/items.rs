use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::published::id_list;
use super::{Dialect, Store, StoreResult, Writer, rows};
use crate::domain::{
    AuthorId, Body, Correction, EditionCode, Item, ItemContent, ItemId, ItemKind, SectionId, Seo,
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
    /// The first item of its group of translations, if any.
    pub translation_of: Option<ItemId>,
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

/// Columns of [`item_from`], read from [`ITEM_TABLES`].
pub(super) const ITEM_COLUMNS: &str = "id, edition, kind, headline, slug, dek, markdown, html, seo_title, seo_description, \
    section_id, outlet, related_id, translation_of, status, pinned, published_at, updated_at, \
    breaking, embargo_until, unpublish_at, lead_media_id, created_by, version";

/// An item with its body, which lives in a table of its own so that scans of the
/// metadata never read it.
pub(super) const ITEM_TABLES: &str = "items JOIN item_bodies ON item_bodies.item_id = items.id";

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
        seo: Seo {
            title: row.try_get("seo_title")?,
            description: row.try_get("seo_description")?,
        },
        body: Body {
            markdown: row.try_get("markdown")?,
            html: row.try_get("html")?,
        },
        section: row.try_get("section_id")?,
        authors: Vec::new(),
        outlet: row.try_get("outlet")?,
        tags: Vec::new(),
        related: row.try_get("related_id")?,
        translation_of: row.try_get("translation_of")?,
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
    let sql = format!("SELECT {ITEM_COLUMNS} FROM {ITEM_TABLES} WHERE id = $1");
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

/// The items matching `filter` (a condition on `items`' own columns, with `binds`
/// for its placeholders), each with its authors, tags and corrections.
async fn items_where(
    pool: &sqlx::AnyPool,
    filter: &str,
    binds: &[ItemId],
) -> StoreResult<Vec<Item>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM {ITEM_TABLES} WHERE {filter}");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in binds {
        query = query.bind(*id);
    }
    let mut items = query
        .fetch_all(pool)
        .await?
        .iter()
        .map(item_from)
        .collect::<StoreResult<Vec<_>>>()?;
    // The link tables are read for the same items: joined to `items` on the filter.
    let links = |columns: &str, table: &str, order: &str| {
        let sql = format!(
            "SELECT {columns} FROM {table} x JOIN items ON items.id = x.item_id \
             WHERE {filter} ORDER BY x.item_id, {order}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in binds {
            query = query.bind(*id);
        }
        query
    };
    let mut authors: HashMap<ItemId, Vec<AuthorId>> = HashMap::new();
    for row in links("x.item_id, x.author_id", "item_authors", "x.position")
        .fetch_all(pool)
        .await?
    {
        authors
            .entry(row.try_get(0)?)
            .or_default()
            .push(row.try_get(1)?);
    }
    let mut tags: HashMap<ItemId, Vec<TagId>> = HashMap::new();
    for row in links("x.item_id, x.tag_id", "item_tags", "x.position")
        .fetch_all(pool)
        .await?
    {
        tags.entry(row.try_get(0)?)
            .or_default()
            .push(row.try_get(1)?);
    }
    let mut corrections: HashMap<ItemId, Vec<Correction>> = HashMap::new();
    for row in links(
        "x.item_id, x.noted_at, x.note",
        "corrections",
        "x.noted_at, x.id",
    )
    .fetch_all(pool)
    .await?
    {
        corrections
            .entry(row.try_get(0)?)
            .or_default()
            .push(Correction {
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

impl Writer {
    /// Inserts an item with its authors and tags; returns its id.
    pub async fn insert_item(&mut self, new: &NewItemRow<'_>) -> StoreResult<ItemId> {
        let now = self.now.as_microsecond();
        let c = new.content;
        let id: ItemId = sqlx::query_scalar(
            "INSERT INTO items (edition, kind, headline, slug, dek, \
             section_id, outlet, related_id, status, pinned, published_at, created_at, updated_at, \
             source_key, breaking, embargo_until, unpublish_at, lead_media_id, created_by, \
             translation_of) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19, $20) RETURNING id",
        )
        .bind(new.edition.as_ref())
        .bind(c.kind.as_str())
        .bind(c.headline.as_ref())
        .bind(c.slug.as_ref())
        .bind(c.dek.as_deref())
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
        .bind(new.translation_of)
        .fetch_one(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO item_bodies (item_id, markdown, html, summary, seo_title, seo_description) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&c.body.markdown)
        .bind(&c.body.html)
        .bind(summary_of(&c.body.html))
        .bind(c.seo.title.as_deref())
        .bind(c.seo.description.as_deref())
        .execute(&mut *self.tx)
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
        // The copy the read model loads from; see migration 0005.
        sqlx::query("UPDATE items SET author_ids = $1 WHERE id = $2")
            .bind(id_list(authors))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
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
        sqlx::query("UPDATE items SET tag_ids = $1 WHERE id = $2")
            .bind(id_list(tags))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
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

    /// An item's edition and the item it translates, if it exists.
    pub async fn translation_facts(
        &mut self,
        id: ItemId,
    ) -> StoreResult<Option<(EditionCode, Option<ItemId>)>> {
        let row = sqlx::query("SELECT edition, translation_of FROM items WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(|row| {
            Ok((
                rows::edition(&row.try_get::<String, _>("edition")?)?,
                row.try_get("translation_of")?,
            ))
        })
        .transpose()
    }

    /// The members of the group of translations `head` heads: itself and every item
    /// naming it, each with its edition.
    pub async fn translation_group(
        &mut self,
        head: ItemId,
    ) -> StoreResult<Vec<(ItemId, EditionCode)>> {
        let found = sqlx::query(
            "SELECT id, edition FROM items WHERE id = $1 OR translation_of = $1 ORDER BY id",
        )
        .bind(head)
        .fetch_all(&mut *self.tx)
        .await?;
        found
            .iter()
            .map(|row| {
                Ok((
                    row.try_get("id")?,
                    rows::edition(&row.try_get::<String, _>("edition")?)?,
                ))
            })
            .collect()
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
        items_where(&self.reads, "items.status = 'published'", &[]).await
    }

    /// These items with their authors, tags and corrections, in any status and in no
    /// particular order, in four queries whatever their number; ids with no item are
    /// left out.
    pub async fn items_with_ids(&self, ids: &[ItemId]) -> StoreResult<Vec<Item>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let filter = format!("items.id IN ({})", rows::placeholders(ids.len()));
        items_where(&self.reads, &filter, ids).await
    }

    /// An item's rendered body with its summary and its words for search engines;
    /// `None` when it has no row.
    pub async fn article_body(
        &self,
        id: ItemId,
    ) -> StoreResult<Option<(String, Option<String>, Seo)>> {
        let row = sqlx::query(
            "SELECT html, summary, seo_title, seo_description FROM item_bodies WHERE item_id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reads)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let html: String = row.try_get::<Option<String>, _>(0)?.unwrap_or_default();
        let summary = summary_read(row.try_get(1)?, &html);
        let seo = Seo {
            title: row.try_get(2)?,
            description: row.try_get(3)?,
        };
        Ok(Some((html, summary, seo)))
    }

    /// These items' summaries (the first paragraph of each body, as text); items whose
    /// body has none, or no row, are left out.
    pub async fn summaries(&self, ids: &[ItemId]) -> StoreResult<Vec<(ItemId, String)>> {
        // The HTML only where the summary predates its column and must be worked out.
        let rows = self
            .body_rows("CASE WHEN summary IS NULL THEN html END, summary", ids)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, html, summary)| {
                Some((
                    id,
                    summary_read(summary, html.as_deref().unwrap_or_default())?,
                ))
            })
            .collect())
    }

    async fn body_rows(
        &self,
        columns: &str,
        ids: &[ItemId],
    ) -> StoreResult<Vec<(ItemId, Option<String>, Option<String>)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT item_id, {columns} FROM item_bodies WHERE item_id IN ({})",
            rows::placeholders(ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.reads).await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect()
    }
}

/// The summary column's value for a body: its first paragraph's text, empty when none.
pub(super) fn summary_of(html: &str) -> String {
    crate::domain::first_paragraph_text(html).unwrap_or_default()
}

/// A summary as read: worked out from the HTML when the row predates the column.
fn summary_read(stored: Option<String>, html: &str) -> Option<String> {
    stored
        .or_else(|| Some(summary_of(html)))
        .filter(|s| !s.is_empty())
}

/// A published item for [`Writer::insert_published_bulk`], with its body rendered.
#[derive(Debug, Clone)]
pub struct BulkItem {
    /// Edition code.
    pub edition: String,
    /// Article or brief.
    pub kind: ItemKind,
    /// The headline.
    pub headline: String,
    /// URL decoration.
    pub slug: String,
    /// Markdown source.
    pub body_markdown: String,
    /// Sanitized HTML of the source.
    pub body_html: String,
    /// The first paragraph as plain text (see the `summary` column).
    pub summary: String,
    /// Its section.
    pub section: SectionId,
    /// Authors in byline order.
    pub authors: Vec<AuthorId>,
    /// Tags in order.
    pub tags: Vec<TagId>,
    /// Lead story.
    pub pinned: bool,
    /// Publication time.
    pub published_at: Timestamp,
    /// Identity in the copy it came from.
    pub source_key: String,
}

/// One link of an item to an author or a tag: item, position, author or tag.
type Link = (ItemId, i64, i64);

/// Rows per multi-row INSERT: the same statement text every full chunk, so each
/// connection prepares it once; 200 rows of 14 values stay far under both databases'
/// bind limits (32,766 and 65,535).
const BULK_ROWS: usize = 200;

/// The VALUES list of a multi-row INSERT. SQLite gets anonymous `?` placeholders:
/// sqlx looks a numbered one's name up by a linear search of the statement's
/// parameters, quadratic in their number, which was a fifth of `bench-data`'s time.
fn values(dialect: Dialect, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=columns)
                .map(|c| match dialect {
                    Dialect::Sqlite => "?".to_owned(),
                    Dialect::Postgres => format!("${}", r * columns + c),
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Writer {
    /// Inserts published items with their authors, tags and one change-log entry
    /// each, many rows per statement: the path for synthetic corpora of a million
    /// items, which the feeder then sees like any other change. Ids follow the
    /// largest existing one, in the order given.
    pub async fn insert_published_bulk(&mut self, items: &[BulkItem]) -> StoreResult<()> {
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM items")
            .fetch_one(&mut *self.tx)
            .await?;
        let first = max.unwrap_or(0) + 1;
        let now = Timestamp::now().as_microsecond();
        let ids: Vec<ItemId> = (0..items.len() as i64).map(|n| first + n).collect();
        for (chunk, ids) in items.chunks(BULK_ROWS).zip(ids.chunks(BULK_ROWS)) {
            let sql = format!(
                "INSERT INTO items (id, edition, kind, headline, slug, \
                 section_id, status, pinned, published_at, created_at, updated_at, source_key, \
                 author_ids, tag_ids) VALUES {}",
                values(self.dialect, chunk.len(), 14)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (item, id) in chunk.iter().zip(ids) {
                query = query
                    .bind(*id)
                    .bind(item.edition.as_str())
                    .bind(item.kind.as_str())
                    .bind(item.headline.as_str())
                    .bind(item.slug.as_str())
                    .bind(item.section)
                    .bind(Status::Published.as_str())
                    .bind(i64::from(item.pinned))
                    .bind(item.published_at.as_microsecond())
                    .bind(now)
                    .bind(now)
                    .bind(item.source_key.as_str())
                    .bind(id_list(&item.authors))
                    .bind(id_list(&item.tags));
            }
            query.execute(&mut *self.tx).await?;
            let sql = format!(
                "INSERT INTO item_bodies (item_id, markdown, html, summary) VALUES {}",
                values(self.dialect, chunk.len(), 4)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (item, id) in chunk.iter().zip(ids) {
                query = query
                    .bind(*id)
                    .bind(item.body_markdown.as_str())
                    .bind(item.body_html.as_str())
                    .bind(item.summary.as_str());
            }
            query.execute(&mut *self.tx).await?;
            let entries: Vec<String> = ids.iter().map(ToString::to_string).collect();
            let sql = format!(
                "INSERT INTO change_log (entity, entity_id, action, recorded_at) VALUES {}",
                values(self.dialect, chunk.len(), 4)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for entry in &entries {
                query = query
                    .bind("item")
                    .bind(entry.as_str())
                    .bind("published")
                    .bind(now);
            }
            query.execute(&mut *self.tx).await?;
        }
        let mut authors: Vec<Link> = Vec::new();
        let mut tags: Vec<Link> = Vec::new();
        for (item, id) in items.iter().zip(&ids) {
            authors.extend(
                item.authors
                    .iter()
                    .enumerate()
                    .map(|(p, a)| (*id, p as i64, *a)),
            );
            tags.extend(
                item.tags
                    .iter()
                    .enumerate()
                    .map(|(p, t)| (*id, p as i64, *t)),
            );
        }
        for (table, column, links) in [
            ("item_authors", "author_id", authors),
            ("item_tags", "tag_id", tags),
        ] {
            for chunk in links.chunks(BULK_ROWS * 4) {
                let sql = format!(
                    "INSERT INTO {table} (item_id, position, {column}) VALUES {}",
                    values(self.dialect, chunk.len(), 3)
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (item, position, other) in chunk {
                    query = query.bind(*item).bind(*position).bind(*other);
                }
                query.execute(&mut *self.tx).await?;
            }
        }
        if self.dialect == Dialect::Postgres
            && let Some(last) = ids.last()
        {
            // Explicit ids leave the identity's sequence behind; later inserts must not
            // collide with them.
            sqlx::query("SELECT setval(pg_get_serial_sequence('items', 'id'), $1)")
                .bind(*last)
                .execute(&mut *self.tx)
                .await?;
        }
        self.changed = true;
        Ok(())
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;

    #[test]
    fn a_summary_missing_from_an_older_row_is_worked_out_from_its_html() {
        let html = "<p>First <em>one</em> &amp; more.</p>\n<p>Second.</p>";
        assert_eq!(summary_of(html), "First one & more.");
        assert_eq!(
            summary_read(None, html).as_deref(),
            Some("First one & more.")
        );
        assert_eq!(
            summary_read(Some("Kept.".into()), html).as_deref(),
            Some("Kept.")
        );
        assert_eq!(summary_read(Some(String::new()), html), None, "none stored");
        assert_eq!(summary_read(None, "<ul><li>x</li></ul>"), None);
    }
}
