//! What the search index reads: every item in any status with its text, in id order.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, rows};
use crate::domain::{AuthorId, ItemId, ItemKind, SectionId, Status, TagId};

/// An item as the search index takes it: text, links and the fields it filters on.
#[derive(Debug, Clone)]
pub struct IndexRow {
    /// Database identity.
    pub id: ItemId,
    /// Edition code.
    pub edition: String,
    /// Article or brief.
    pub kind: ItemKind,
    /// Workflow status.
    pub status: Status,
    /// The headline.
    pub headline: String,
    /// Optional standfirst.
    pub dek: Option<String>,
    /// The body as written (Markdown).
    pub markdown: String,
    /// Its section.
    pub section: SectionId,
    /// Authors in byline order.
    pub authors: Vec<AuthorId>,
    /// Tags in the order given.
    pub tags: Vec<TagId>,
    /// Publication time (set, or planned), microseconds since the epoch.
    pub published_at: Option<i64>,
    /// Last change, microseconds since the epoch.
    pub updated_at: i64,
    /// The account that created it.
    pub created_by: Option<i64>,
}

const COLUMNS: &str = "id, edition, kind, status, headline, dek, markdown, section_id, \
    published_at, updated_at, created_by";

fn index_row(row: &AnyRow) -> StoreResult<IndexRow> {
    Ok(IndexRow {
        id: row.try_get(0)?,
        edition: row.try_get(1)?,
        kind: ItemKind::parse(&row.try_get::<String, _>(2)?).map_err(rows::corrupt)?,
        status: Status::parse(&row.try_get::<String, _>(3)?).map_err(rows::corrupt)?,
        headline: row.try_get(4)?,
        dek: row.try_get(5)?,
        markdown: row.try_get(6)?,
        section: row.try_get(7)?,
        authors: Vec::new(),
        tags: Vec::new(),
        published_at: row.try_get(8)?,
        updated_at: row.try_get(9)?,
        created_by: row.try_get(10)?,
    })
}

/// Sets each row's links from (item, position, linked id) triples.
fn attach(rows: &mut [IndexRow], mut links: Vec<(ItemId, i64, i64)>, authors: bool) {
    links.sort_unstable();
    for (item, _, other) in links {
        if let Ok(at) = rows.binary_search_by_key(&item, |r| r.id) {
            if authors {
                rows[at].authors.push(other);
            } else {
                rows[at].tags.push(other);
            }
        }
    }
}

impl Store {
    /// The items among `ids` as they are now, in any status, by id; ids with no row
    /// (never existed) are left out.
    pub async fn index_rows(&self, ids: &[ItemId]) -> StoreResult<Vec<IndexRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let list = rows::placeholders(chunk.len());
            let bind = |sql: String| {
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    query = query.bind(*id);
                }
                query
            };
            let mut rows = bind(format!(
                "SELECT {COLUMNS} FROM items JOIN item_bodies ON item_bodies.item_id = items.id \
                 WHERE id IN ({list}) ORDER BY id"
            ))
            .fetch_all(&self.reads)
            .await?
            .iter()
            .map(index_row)
            .collect::<StoreResult<Vec<_>>>()?;
            for (table, column, authors) in [
                ("item_authors", "author_id", true),
                ("item_tags", "tag_id", false),
            ] {
                let links = bind(format!(
                    "SELECT item_id, position, {column} FROM {table} WHERE item_id IN ({list})"
                ))
                .fetch_all(&self.reads)
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .collect::<StoreResult<Vec<_>>>()?;
                attach(&mut rows, links, authors);
            }
            out.append(&mut rows);
        }
        out.sort_by_key(|r| r.id);
        Ok(out)
    }

    /// Up to `limit` items with ids above `after`, in id order, in any status: one
    /// page of a full rebuild, read by key so page 500 costs what page 1 does.
    pub async fn index_rows_after(&self, after: ItemId, limit: i64) -> StoreResult<Vec<IndexRow>> {
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM items JOIN item_bodies ON item_bodies.item_id = items.id \
             WHERE id > $1 ORDER BY id LIMIT $2"
        )))
        .bind(after)
        .bind(limit)
        .fetch_all(&self.reads)
        .await?
        .iter()
        .map(index_row)
        .collect::<StoreResult<Vec<_>>>()?;
        let (Some(first), Some(last)) = (rows.first().map(|r| r.id), rows.last().map(|r| r.id))
        else {
            return Ok(rows);
        };
        for (table, column, authors) in [
            ("item_authors", "author_id", true),
            ("item_tags", "tag_id", false),
        ] {
            let links = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT item_id, position, {column} FROM {table} \
                 WHERE item_id >= $1 AND item_id <= $2"
            )))
            .bind(first)
            .bind(last)
            .fetch_all(&self.reads)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<StoreResult<Vec<_>>>()?;
            attach(&mut rows, links, authors);
        }
        Ok(rows)
    }

    /// How many items there are, in every status: the length of a full rebuild.
    pub async fn item_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM items")
            .fetch_one(&self.reads)
            .await?)
    }
}
