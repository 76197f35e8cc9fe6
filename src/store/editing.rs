//! What the newsroom's editing needs: updates, revisions, corrections, presence, the
//! desk's lists and the audit log.

use jiff::Timestamp;
use sqlx::Row;

use super::{Store, StoreResult, Writer, rows};
use crate::domain::{Item, ItemContent, ItemId, SectionId, Status, UserId};

/// One saved state of an item.
#[derive(Debug, Clone)]
pub struct Revision {
    /// The item's version this revision recorded.
    pub version: i64,
    /// The editable fields as saved, as JSON.
    pub snapshot: String,
    /// Who saved it: an account's display name.
    pub saved_by: Option<String>,
    /// The part of the system that saved it (an importer), when no account did.
    pub system: Option<String>,
    /// When.
    pub saved_at: Timestamp,
}

/// The audit log's columns as [`audit_entry_from`] reads them, with who acted.
const AUDIT_SELECT: &str = "SELECT a.at, u.display_name, a.action, a.subject, a.detail, \
     a.system_actor FROM audit_log a LEFT JOIN users u ON u.id = a.user_id";

fn audit_entry_from(r: &sqlx::any::AnyRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        at: rows::instant(r.try_get(0)?)?,
        user: r.try_get(1)?,
        action: r.try_get(2)?,
        subject: r.try_get(3)?,
        detail: r.try_get(4)?,
        system: r.try_get(5)?,
    })
}

/// One of the desk's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskList {
    /// Every item in a status, newest first by the time that matters for it.
    Status(Status),
    /// Published items with a withdrawal time, the soonest to go first.
    Expiring,
}

/// What the desk's lists are narrowed to; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskFilter {
    /// Only this edition's items.
    pub edition: Option<String>,
    /// Only this section's items.
    pub section: Option<crate::domain::SectionId>,
    /// Only items this author has a byline on.
    pub author: Option<crate::domain::AuthorId>,
    /// Only items whose list time (publication, schedule or last change) is at or after this.
    pub since: Option<jiff::Timestamp>,
    /// And before this.
    pub until: Option<jiff::Timestamp>,
}

/// An item as the desk lists it.
#[derive(Debug, Clone)]
pub struct DeskItem {
    /// Its id.
    pub id: ItemId,
    /// Its edition.
    pub edition: String,
    /// Headline.
    pub headline: String,
    /// Workflow status.
    pub status: Status,
    /// Publication (or scheduled) time.
    pub published_at: Option<Timestamp>,
    /// Last change.
    pub updated_at: Timestamp,
    /// Who created it.
    pub created_by: Option<String>,
    /// Embargo, if any.
    pub embargo_until: Option<Timestamp>,
    /// When it is to be withdrawn, if that is set.
    pub unpublish_at: Option<Timestamp>,
    /// Its latest hand-over between reporter and editors, if it had one.
    pub hand_over: Option<super::HandOver>,
    /// The account that created it, if one did.
    pub owner: Option<UserId>,
}

/// One line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// Which account.
    pub user: Option<String>,
    /// The part of the system (an importer, the scheduler), when no account acted;
    /// entries from before parts were named have neither.
    pub system: Option<String>,
    /// What, in the newsroom's words.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// Anything more.
    pub detail: String,
}

/// Who a revision or an audit entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By<'a> {
    /// A newsroom account.
    Account(UserId),
    /// A part of the system, by name (`import`, `scheduler`).
    System(&'a str),
    /// Nobody recorded: the command line's account management.
    Nobody,
}

impl<'a> By<'a> {
    pub(super) fn account(self) -> Option<UserId> {
        match self {
            Self::Account(id) => Some(id),
            _ => None,
        }
    }

    pub(super) fn system(self) -> Option<&'a str> {
        match self {
            Self::System(name) => Some(name),
            _ => None,
        }
    }
}

/// The editable fields of an item being saved.
#[derive(Debug, Clone)]
pub struct ItemUpdate<'a> {
    /// Checked content.
    pub content: &'a ItemContent,
    /// Section.
    pub section: SectionId,
    /// Related item.
    pub related: Option<ItemId>,
    /// The first item of its group of translations.
    pub translation_of: Option<ItemId>,
    /// Lead story on the home page.
    pub pinned: bool,
    /// Breaking news.
    pub breaking: bool,
    /// Embargo.
    pub embargo_until: Option<Timestamp>,
    /// Lead image.
    pub lead_media: Option<i64>,
}

impl Writer {
    /// The item as it is inside this transaction, for a use case to check and change.
    pub async fn item_for_update(&mut self, id: ItemId) -> StoreResult<Option<Item>> {
        super::items::load_item(&mut self.tx, id).await
    }

    /// Deletes an item with its bylines, tags, body, revisions and corrections; items
    /// that named it as related stop doing so. Returns those items, whose pages change.
    pub async fn delete_item(&mut self, id: ItemId) -> StoreResult<Vec<ItemId>> {
        let relating: Vec<ItemId> =
            sqlx::query_scalar("SELECT id FROM items WHERE related_id = $1 AND id <> $1")
                .bind(id)
                .fetch_all(&mut *self.tx)
                .await?;
        // The foreign key has no cascade: a link to a deleted item is dropped, not kept.
        sqlx::query("UPDATE items SET related_id = NULL WHERE related_id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        let translations: Vec<ItemId> =
            sqlx::query_scalar("SELECT id FROM items WHERE translation_of = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut *self.tx)
                .await?;
        // The rest of a group of translations stays one: its oldest member heads it.
        if let Some((&head, _)) = translations.split_first() {
            sqlx::query("UPDATE items SET translation_of = NULL WHERE id = $1")
                .bind(head)
                .execute(&mut *self.tx)
                .await?;
            sqlx::query("UPDATE items SET translation_of = $1 WHERE translation_of = $2")
                .bind(head)
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query("DELETE FROM items WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(relating.into_iter().chain(translations).collect())
    }

    /// An item's version as it is inside this transaction.
    pub async fn item_version(&mut self, id: ItemId) -> StoreResult<Option<i64>> {
        let version = sqlx::query_scalar("SELECT version FROM items WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(version)
    }

    /// Saves new content over an item and bumps its version.
    pub async fn update_item(&mut self, id: ItemId, update: &ItemUpdate<'_>) -> StoreResult<()> {
        let c = update.content;
        sqlx::query(
            "UPDATE items SET kind = $1, headline = $2, slug = $3, dek = $4, \
             section_id = $5, outlet = $6, related_id = $7, pinned = $8, \
             breaking = $9, embargo_until = $10, lead_media_id = $11, updated_at = $12, \
             translation_of = $13, version = version + 1 WHERE id = $14",
        )
        .bind(c.kind.as_str())
        .bind(c.headline.as_ref())
        .bind(c.slug.as_ref())
        .bind(c.dek.as_deref())
        .bind(update.section)
        .bind(c.byline.outlet.as_deref())
        .bind(update.related)
        .bind(i64::from(update.pinned))
        .bind(i64::from(update.breaking))
        .bind(update.embargo_until.map(|t| t.as_microsecond()))
        .bind(update.lead_media)
        .bind(self.now.as_microsecond())
        .bind(update.translation_of)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "UPDATE item_bodies SET markdown = $1, html = $2, summary = $3, seo_title = $4, \
             seo_description = $5 WHERE item_id = $6",
        )
        .bind(&c.body.markdown)
        .bind(&c.body.html)
        .bind(super::items::summary_of(&c.body.html))
        .bind(c.seo.title.as_deref())
        .bind(c.seo.description.as_deref())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Sets status and publication time together (scheduling, publishing).
    pub async fn set_publication(
        &mut self,
        id: ItemId,
        status: Status,
        published_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE items SET status = $1, published_at = $2, updated_at = $3, \
             version = version + 1 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(published_at.map(|t| t.as_microsecond()))
        .bind(self.now.as_microsecond())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Sets or clears the time a published item is withdrawn.
    pub async fn set_unpublish_at(&mut self, id: ItemId, at: Option<Timestamp>) -> StoreResult<()> {
        sqlx::query("UPDATE items SET unpublish_at = $1, version = version + 1 WHERE id = $2")
            .bind(at.map(|t| t.as_microsecond()))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Published items whose withdrawal time has come.
    pub async fn expired_items(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        let ids = sqlx::query_scalar(
            "SELECT id FROM items WHERE status = 'published' AND unpublish_at IS NOT NULL \
             AND unpublish_at <= $1 ORDER BY unpublish_at, id",
        )
        .bind(now.as_microsecond())
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(ids)
    }

    /// Records a revision of an item, saved by an account or by a part of the system.
    pub async fn insert_revision(
        &mut self,
        item: ItemId,
        version: i64,
        snapshot: &str,
        by: By<'_>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO revisions (item_id, version, snapshot, saved_by, system_actor, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(item)
        .bind(version)
        .bind(snapshot)
        .bind(by.account())
        .bind(by.system())
        .bind(self.now.as_microsecond())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Adds a dated correction note.
    pub async fn insert_correction(&mut self, item: ItemId, note: &str) -> StoreResult<()> {
        let now = self.now.as_microsecond();
        sqlx::query("INSERT INTO corrections (item_id, noted_at, note) VALUES ($1, $2, $3)")
            .bind(item)
            .bind(now)
            .bind(note)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("UPDATE items SET updated_at = $1, version = version + 1 WHERE id = $2")
            .bind(now)
            .bind(item)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Appends to the audit log, in the same transaction as the change it records;
    /// `user` is none for the command line.
    pub async fn audit(
        &mut self,
        user: Option<UserId>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        let by = match user {
            Some(id) => By::Account(id),
            None => By::Nobody,
        };
        self.audit_by(by, action, subject, detail).await
    }

    /// Appends to the audit log, naming an account or a part of the system.
    pub async fn audit_by(
        &mut self,
        by: By<'_>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, system_actor, action, subject, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.now.as_microsecond())
        .bind(by.account())
        .bind(by.system())
        .bind(action)
        .bind(subject)
        .bind(detail)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Every revision of an item, newest first.
    pub async fn revisions(&self, item: ItemId) -> StoreResult<Vec<Revision>> {
        let rows = sqlx::query(
            "SELECT r.version, r.snapshot, u.display_name, r.saved_at, r.system_actor \
             FROM revisions r LEFT JOIN users u ON u.id = r.saved_by WHERE r.item_id = $1 \
             ORDER BY r.version DESC",
        )
        .bind(item)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Revision {
                    version: r.try_get(0)?,
                    snapshot: r.try_get(1)?,
                    saved_by: r.try_get(2)?,
                    saved_at: rows::instant(r.try_get(3)?)?,
                    system: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Items for the desk in one of its lists, in that list's order, `limit` of them
    /// after skipping `offset`; only those `created_by` created when given.
    pub async fn desk(
        &self,
        list: DeskList,
        created_by: Option<UserId>,
        filter: &DeskFilter,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<DeskItem>> {
        // What is published or scheduled is listed by when it goes out, newest first
        // (an edit of an old story does not bring it to the top); what expires by when
        // it is withdrawn, soonest first; the rest by their last change. The date
        // filter reads the same time.
        let (status, time, expiring, direction) = match list {
            DeskList::Status(s @ (Status::Published | Status::Scheduled)) => {
                (s, "i.published_at", "", "DESC")
            }
            DeskList::Status(s) => (s, "i.updated_at", "", "DESC"),
            DeskList::Expiring => (
                Status::Published,
                "i.unpublish_at",
                "AND i.unpublish_at IS NOT NULL",
                "ASC",
            ),
        };
        let sql = format!(
            "SELECT i.id, i.edition, i.headline, i.status, i.published_at, i.updated_at, \
             u.display_name, i.embargo_until, i.unpublish_at, \
             s.step, s.note, su.display_name, s.user_id, s.at, i.created_by \
             FROM items i LEFT JOIN users u ON u.id = i.created_by \
             LEFT JOIN desk_steps s ON s.id = (SELECT MAX(d.id) FROM desk_steps d WHERE d.item_id = i.id) \
             LEFT JOIN users su ON su.id = s.user_id \
             WHERE i.status = $1 {expiring} AND ($2 IS NULL OR i.created_by = $2) \
             AND ($5 IS NULL OR i.edition = $5) AND ($6 IS NULL OR i.section_id = $6) \
             AND ($7 IS NULL OR EXISTS (SELECT 1 FROM item_authors ia WHERE ia.item_id = i.id AND ia.author_id = $7)) \
             AND ($8 IS NULL OR {time} >= $8) AND ($9 IS NULL OR {time} < $9) \
             ORDER BY {time} {direction}, i.id {direction} LIMIT $3 OFFSET $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(status.as_str())
            .bind(created_by)
            .bind(limit)
            .bind(offset)
            .bind(filter.edition.as_deref())
            .bind(filter.section)
            .bind(filter.author)
            .bind(filter.since.map(|t| t.as_microsecond()))
            .bind(filter.until.map(|t| t.as_microsecond()))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let published: Option<i64> = r.try_get(4)?;
                let embargo: Option<i64> = r.try_get(7)?;
                let expiry: Option<i64> = r.try_get(8)?;
                let step: Option<String> = r.try_get(9)?;
                let handed_at: Option<i64> = r.try_get(13)?;
                let hand_over = match (step, handed_at) {
                    (Some(step), Some(at)) => Some(super::HandOver {
                        step,
                        note: r.try_get(10)?,
                        by: r.try_get(11)?,
                        by_id: r.try_get(12)?,
                        at: rows::instant(at)?,
                    }),
                    _ => None,
                };
                Ok(DeskItem {
                    id: r.try_get(0)?,
                    edition: r.try_get(1)?,
                    headline: r.try_get(2)?,
                    status: Status::parse(&r.try_get::<String, _>(3)?).map_err(rows::corrupt)?,
                    published_at: published.map(rows::instant).transpose()?,
                    updated_at: rows::instant(r.try_get(5)?)?,
                    created_by: r.try_get(6)?,
                    embargo_until: embargo.map(rows::instant).transpose()?,
                    unpublish_at: expiry.map(rows::instant).transpose()?,
                    hand_over,
                    owner: r.try_get(14)?,
                })
            })
            .collect()
    }

    /// Every audit entry about `subject` (such as `item:42`), newest first.
    pub async fn audit_of(&self, subject: &str) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{AUDIT_SELECT} WHERE a.subject = $1 ORDER BY a.id DESC LIMIT 500"
        )))
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_entry_from).collect()
    }

    /// The newest entries of the audit log.
    pub async fn audit_entries(&self, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{AUDIT_SELECT} ORDER BY a.id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_entry_from).collect()
    }

    /// Notes that `user` has `item` open at `now`.
    pub async fn mark_presence(
        &self,
        item: ItemId,
        user: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO presence (item_id, user_id, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (item_id, user_id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(item)
        .bind(user)
        .bind(now.as_microsecond())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Who else has had `item` open since `since`.
    pub async fn present_on(
        &self,
        item: ItemId,
        except: UserId,
        since: Timestamp,
    ) -> StoreResult<Vec<String>> {
        let names = sqlx::query_scalar(
            "SELECT u.display_name FROM presence p JOIN users u ON u.id = p.user_id \
             WHERE p.item_id = $1 AND p.user_id <> $2 AND p.seen_at >= $3 ORDER BY u.display_name",
        )
        .bind(item)
        .bind(except)
        .bind(since.as_microsecond())
        .fetch_all(&self.pool)
        .await?;
        Ok(names)
    }

    /// An item in any status, read from the primary (the newsroom must not see lag).
    pub async fn item_fresh(&self, id: ItemId) -> StoreResult<Option<Item>> {
        self.primary().item(id).await
    }

    /// An item's version, read from the primary: what an API answer's ETag names, so
    /// that a write with it is never refused for a replica's lag.
    pub async fn item_version_fresh(&self, id: ItemId) -> StoreResult<Option<i64>> {
        let version = sqlx::query_scalar("SELECT version FROM items WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.primary().reads)
            .await?;
        Ok(version)
    }
}
