//! Hand-overs between reporters and editors (with their notes) and what each account
//! last saw of the desk: what the desk's badges and the editor's notes read.

use jiff::Timestamp;
use sqlx::Row;

use super::editing::By;
use super::{Store, StoreResult, Writer, rows};
use crate::domain::{ItemId, UserId};

/// One hand-over of an item: submitted for review (`submit`) or sent back (`draft`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandOver {
    /// `submit` or `draft`, as the editor's buttons name the steps.
    pub step: String,
    /// The note that went with it, if one did.
    pub note: Option<String>,
    /// The account that took the step, by display name.
    pub by: Option<String>,
    /// The account's id, to tell one's own steps from others'.
    pub by_id: Option<UserId>,
    /// When.
    pub at: Timestamp,
}

/// How many items changed hands or went out since an account last looked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeskNews {
    /// The account's own items others sent back to draft.
    pub returned: i64,
    /// Items others submitted for review, still waiting.
    pub submitted: i64,
    /// Items that went out.
    pub published: i64,
}

const HAND_OVER_SELECT: &str = "SELECT s.step, s.note, u.display_name, s.user_id, s.at \
     FROM desk_steps s LEFT JOIN users u ON u.id = s.user_id";

fn hand_over_from(r: &sqlx::any::AnyRow) -> StoreResult<HandOver> {
    Ok(HandOver {
        step: r.try_get(0)?,
        note: r.try_get(1)?,
        by: r.try_get(2)?,
        by_id: r.try_get(3)?,
        at: rows::instant(r.try_get(4)?)?,
    })
}

impl Writer {
    /// Records a hand-over of `item` (`submit` or `draft`) with its note, in the
    /// transaction that changes the item's status.
    pub async fn insert_hand_over(
        &mut self,
        item: ItemId,
        step: &str,
        note: Option<&str>,
        by: By<'_>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO desk_steps (item_id, step, note, user_id, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(item)
        .bind(step)
        .bind(note)
        .bind(by.account())
        .bind(self.now.as_microsecond())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The latest hand-over of `item`, if it had one.
    pub async fn last_hand_over(&self, item: ItemId) -> StoreResult<Option<HandOver>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{HAND_OVER_SELECT} WHERE s.item_id = $1 ORDER BY s.id DESC LIMIT 1"
        )))
        .bind(item)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(hand_over_from).transpose()
    }

    /// Every hand-over of `item` that came with a note, newest first.
    pub async fn hand_over_notes(&self, item: ItemId) -> StoreResult<Vec<HandOver>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{HAND_OVER_SELECT} WHERE s.item_id = $1 AND s.note IS NOT NULL \
             ORDER BY s.id DESC LIMIT 500"
        )))
        .bind(item)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(hand_over_from).collect()
    }

    /// When `user` last looked at the desk; `None` before the first time.
    pub async fn desk_seen(&self, user: UserId) -> StoreResult<Option<Timestamp>> {
        let seen: Option<Option<i64>> =
            sqlx::query_scalar("SELECT desk_seen_at FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(&self.pool)
                .await?;
        seen.flatten().map(rows::instant).transpose()
    }

    /// Notes that `user` looked at the desk at `at`; the mark never moves back.
    pub async fn mark_desk_seen(&self, user: UserId, at: Timestamp) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET desk_seen_at = $1 WHERE id = $2 \
             AND (desk_seen_at IS NULL OR desk_seen_at < $1)",
        )
        .bind(at.as_microsecond())
        .bind(user)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What happened after `since` and up to `now` that `user` did not do: their own
    /// items sent back, items submitted (counted when `submitted` is asked) and items
    /// published.
    pub async fn desk_news(
        &self,
        user: UserId,
        since: Timestamp,
        now: Timestamp,
        submitted: bool,
    ) -> StoreResult<DeskNews> {
        let (since, now) = (since.as_microsecond(), now.as_microsecond());
        // Only the item's latest hand-over counts: one submitted, returned and
        // submitted again is waiting, not returned.
        let count = |status: &'static str, step: &'static str, owner: Option<UserId>| async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM items i JOIN desk_steps s ON s.id = \
                 (SELECT MAX(d.id) FROM desk_steps d WHERE d.item_id = i.id) \
                 WHERE i.status = $5 AND s.step = $6 AND ($4 IS NULL OR i.created_by = $4) \
                 AND s.at > $1 AND s.at <= $2 AND (s.user_id IS NULL OR s.user_id <> $3)",
            )
            .bind(since)
            .bind(now)
            .bind(user)
            .bind(owner)
            .bind(status)
            .bind(step)
            .fetch_one(&self.pool)
            .await
        };
        let returned = count("draft", "draft", Some(user)).await?;
        let submitted = if submitted {
            count("review", "submit", None).await?
        } else {
            0
        };
        let published = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM items WHERE status = 'published' \
             AND published_at > $1 AND published_at <= $2",
        )
        .bind(since)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(DeskNews {
            returned,
            submitted,
            published,
        })
    }
}
