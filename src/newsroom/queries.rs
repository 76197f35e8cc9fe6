//! What the newsroom's pages read: every status, always from the primary.

use jiff::SignedDuration;

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, Item, ItemId, Section, Status, may};
use crate::store::{AuditEntry, DeskItem, MediaRecord, Revision};

/// How long an open editor counts as someone being on the item.
const PRESENCE_WINDOW: SignedDuration = SignedDuration::from_mins(2);

/// The desk: what is being written, waiting, scheduled and out.
#[derive(Debug, Clone, Default)]
pub struct Desk {
    /// Drafts.
    pub drafts: Vec<DeskItem>,
    /// Submitted for review.
    pub in_review: Vec<DeskItem>,
    /// Scheduled.
    pub scheduled: Vec<DeskItem>,
    /// Latest published.
    pub published: Vec<DeskItem>,
    /// Withdrawn.
    pub unpublished: Vec<DeskItem>,
}

impl Newsroom {
    /// The desk's lists.
    pub async fn desk(&self) -> Result<Desk, NewsroomError> {
        Ok(Desk {
            drafts: self.store.desk(Status::Draft, 50).await?,
            in_review: self.store.desk(Status::Review, 50).await?,
            scheduled: self.store.desk(Status::Scheduled, 50).await?,
            published: self.store.desk(Status::Published, 30).await?,
            unpublished: self.store.desk(Status::Unpublished, 10).await?,
        })
    }

    /// An item in any status, as it is now.
    pub async fn item(&self, id: ItemId) -> Result<Option<Item>, NewsroomError> {
        Ok(self.store.item_fresh(id).await?)
    }

    /// Every section of every edition.
    pub async fn sections(&self) -> Result<Vec<Section>, NewsroomError> {
        Ok(self.store.primary().sections().await?)
    }

    /// Every edition's code and name.
    pub async fn editions(&self) -> Result<Vec<crate::domain::Edition>, NewsroomError> {
        Ok(self.store.primary().editions().await?)
    }

    /// An item's revisions, newest first.
    pub async fn revisions(&self, id: ItemId) -> Result<Vec<Revision>, NewsroomError> {
        Ok(self.store.revisions(id).await?)
    }

    /// Records that `actor` has item `id` open, and says who else has.
    pub async fn open_item(&self, actor: &Actor, id: ItemId) -> Result<Vec<String>, NewsroomError> {
        let now = self.clock.now();
        self.store.mark_presence(id, actor.id, now).await?;
        Ok(self
            .store
            .present_on(id, actor.id, now - PRESENCE_WINDOW)
            .await?)
    }

    /// The newest audit entries; admins only.
    pub async fn audit(&self, actor: &Actor, limit: i64) -> Result<Vec<AuditEntry>, NewsroomError> {
        if !may(actor.role, Action::ReadAudit, false) {
            return Err(NewsroomError::Forbidden);
        }
        Ok(self.store.audit_entries(limit).await?)
    }

    /// The newest uploads.
    pub async fn media(&self, limit: i64) -> Result<Vec<MediaRecord>, NewsroomError> {
        Ok(self.store.primary().media(limit).await?)
    }
}
