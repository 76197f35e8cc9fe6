//! Scheduled items go live through the same write path as everything else.

use jiff::Timestamp;

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, ItemId, Status, WebhookEvent, may};
use crate::store::Entity;

/// The name the scheduler acts under in the audit log.
pub const SCHEDULER: &str = "scheduler";

impl Newsroom {
    /// Puts due front-page arrangements live, publishes every scheduled item whose time
    /// (and embargo) has come and withdraws every published item whose expiry has come;
    /// returns the ids published.
    ///
    /// The scheduler acts as the system actor [`SCHEDULER`]: its role is checked like
    /// anyone's and the audit log names it. Safe to run on every node at once: writers
    /// are serialized by the store (SQLite's write lock, PostgreSQL's advisory lock),
    /// and an item is only picked while still scheduled, so each one is published
    /// exactly once.
    pub async fn publish_due(&self, now: Timestamp) -> Result<Vec<ItemId>, NewsroomError> {
        // Arrangements first: one naming an item due at the same time shows it as soon
        // as the item is published below.
        self.front_pages_due(now).await?;
        if !self.store.has_due_items(now).await? {
            return Ok(Vec::new());
        }
        let actor = Actor::system(SCHEDULER);
        let mut w = self.store.begin(now).await?;
        let due = w.due_items(now).await?;
        for id in &due {
            let Some(item) = w.item_for_update(*id).await? else {
                continue;
            };
            if !may(actor.role, Action::Publish, actor.scope_of(&item)) {
                return Err(NewsroomError::Forbidden);
            }
            w.set_status(*id, Status::Published).await?;
            let seq = w
                .append_change(Entity::Item, &id.to_string(), Status::Published.as_str())
                .await?;
            self.announce(&mut w, *id, WebhookEvent::Published, seq)
                .await?;
            w.audit_by(
                actor.by(),
                "published on schedule",
                &format!("item:{id}"),
                &item.headline,
            )
            .await?;
        }
        let expired = w.expired_items(now).await?;
        for id in expired.iter().copied() {
            let Some(item) = w.item_for_update(id).await? else {
                continue;
            };
            if !may(actor.role, Action::Unpublish, actor.scope_of(&item)) {
                return Err(NewsroomError::Forbidden);
            }
            w.set_status(id, Status::Unpublished).await?;
            w.set_unpublish_at(id, None).await?;
            let seq = w
                .append_change(Entity::Item, &id.to_string(), Status::Unpublished.as_str())
                .await?;
            self.announce(&mut w, id, WebhookEvent::Withdrawn, seq)
                .await?;
            w.audit_by(
                actor.by(),
                "withdrawn on schedule",
                &format!("item:{id}"),
                &item.headline,
            )
            .await?;
        }
        w.commit().await?;
        if !due.is_empty() || !expired.is_empty() {
            self.after_commit();
            tracing::info!(items = due.len(), "published {} scheduled items", due.len());
        }
        Ok(due)
    }
}
