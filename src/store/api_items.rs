//! The API's lists of items not yet (or no longer) public: read from the primary, as
//! the newsroom's desk reads them, with the API's filters and cursor.

use sqlx::Row;

use super::{Store, StoreResult};
use crate::domain::{AuthorId, ItemId, ItemKind, SectionId, Status, TagId, UserId};

/// Which items in one workflow status an API list asks for.
#[derive(Debug, Clone, Default)]
pub struct StatusFilter {
    /// Only items created by this account (a reporter sees their own).
    pub created_by: Option<UserId>,
    /// Only this edition's.
    pub edition: Option<String>,
    /// Only these sections' (a section slug names one per edition).
    pub sections: Option<Vec<SectionId>>,
    /// Only items crediting this author.
    pub author: Option<AuthorId>,
    /// Only items with one of these tags (a tag slug names one per edition).
    pub tags: Option<Vec<TagId>>,
    /// Only articles or only briefs.
    pub kind: Option<ItemKind>,
    /// Last changed at or after, in microseconds.
    pub from: Option<i64>,
    /// Last changed before, in microseconds.
    pub until: Option<i64>,
    /// Only items strictly older than this (last change, id), newest first.
    pub before: Option<(i64, ItemId)>,
}

/// Renders `column IN (…)` for a list of ids, which are numbers and so safe to inline;
/// an empty list matches nothing.
fn within(column: &str, ids: &[i64]) -> String {
    if ids.is_empty() {
        return "1 = 0".to_owned();
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("{column} IN ({})", list.join(", "))
}

impl Store {
    /// Up to `limit` ids of items in `status` matching `filter`, newest change first
    /// (then by id), with each one's ordering time in microseconds.
    pub async fn api_item_ids(
        &self,
        status: Status,
        filter: &StatusFilter,
        limit: i64,
    ) -> StoreResult<Vec<(i64, ItemId)>> {
        let mut sql = String::from(
            "SELECT i.updated_at, i.id FROM items i WHERE i.status = $1 \
             AND ($2 IS NULL OR i.created_by = $2) \
             AND ($3 IS NULL OR i.edition = $3) \
             AND ($4 IS NULL OR i.kind = $4) \
             AND ($5 IS NULL OR i.updated_at >= $5) \
             AND ($6 IS NULL OR i.updated_at < $6) \
             AND ($7 IS NULL OR i.updated_at < $7 OR (i.updated_at = $7 AND i.id < $8)) \
             AND ($9 IS NULL OR EXISTS (SELECT 1 FROM item_authors a \
                  WHERE a.item_id = i.id AND a.author_id = $9))",
        );
        if let Some(sections) = &filter.sections {
            sql.push_str(" AND ");
            sql.push_str(&within("i.section_id", sections));
        }
        if let Some(tags) = &filter.tags {
            sql.push_str(" AND EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND ");
            sql.push_str(&within("t.tag_id", tags));
            sql.push(')');
        }
        sql.push_str(" ORDER BY i.updated_at DESC, i.id DESC LIMIT $10");
        // Audited: the only text added to the literal is `within`'s list of numbers.
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(status.as_str())
            .bind(filter.created_by)
            .bind(filter.edition.as_deref())
            .bind(filter.kind.map(ItemKind::as_str))
            .bind(filter.from)
            .bind(filter.until)
            .bind(filter.before.map(|b| b.0))
            .bind(filter.before.map_or(0, |b| b.1))
            .bind(filter.author)
            .bind(limit)
            .fetch_all(&self.primary().pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}
