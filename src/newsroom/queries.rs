//! What the newsroom's pages read: every status, always from the primary.

use jiff::SignedDuration;

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, Item, ItemId, Scope, Section, Status, may};
use crate::store::{
    AuditEntry, DeskFilter, DeskItem, DeskList, DeskNews, HandOver, MediaRecord, Revision,
};

/// Refuses when `actor` may not see `item`: a guard for reads given an item.
fn sees(actor: &Actor, item: &Item) -> Result<(), NewsroomError> {
    if may(actor.role, Action::View, actor.scope_of(item)) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// Whether items others submit are news to `actor`: they review others' work.
fn reviews(actor: &Actor) -> bool {
    may(
        actor.role,
        Action::ReturnToDraft,
        Scope::Item {
            own: false,
            status: Status::Review,
        },
    )
}

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
    /// Published with a withdrawal time, the soonest to go first.
    pub expiring: Vec<DeskItem>,
    /// Withdrawn.
    pub unpublished: Vec<DeskItem>,
    /// Whether older published items follow on the next page.
    pub more_published: bool,
}

/// How many published items one page of the desk lists.
pub const DESK_PUBLISHED_PER_PAGE: i64 = 30;

impl Newsroom {
    /// The desk's lists as `actor` may see them: reporters find their own drafts and
    /// items in review, and what is published; editors and admins everything.
    pub async fn desk(&self, actor: &Actor) -> Result<Desk, NewsroomError> {
        self.desk_page(actor, 1).await
    }

    /// The desk with the `page`th page (from 1) of what is published, newest first.
    pub async fn desk_page(&self, actor: &Actor, page: i64) -> Result<Desk, NewsroomError> {
        self.desk_filtered(actor, page, &DeskFilter::default(), None)
            .await
    }

    /// The desk narrowed by `filter`, and to the list of `status` alone when one is
    /// given, with the `page`th page of what is published.
    pub async fn desk_filtered(
        &self,
        actor: &Actor,
        page: i64,
        filter: &DeskFilter,
        status: Option<Status>,
    ) -> Result<Desk, NewsroomError> {
        let per_page = DESK_PUBLISHED_PER_PAGE;
        let offset = (page.max(1) - 1).saturating_mul(per_page);
        let wanted = |s: Status| status.is_none_or(|only| only == s);
        let list = |s: Status, limit: i64, offset: i64| async move {
            if wanted(s) {
                self.desk_list(actor, DeskList::Status(s), filter, limit, offset)
                    .await
            } else {
                Ok(Vec::new())
            }
        };
        // One more than shown tells whether there is a next page.
        let mut published = list(Status::Published, per_page + 1, offset).await?;
        let more_published = published.len() as i64 > per_page;
        published.truncate(per_page as usize);
        Ok(Desk {
            drafts: list(Status::Draft, 50, 0).await?,
            in_review: list(Status::Review, 50, 0).await?,
            scheduled: list(Status::Scheduled, 50, 0).await?,
            published,
            expiring: if wanted(Status::Published) {
                self.desk_list(actor, DeskList::Expiring, filter, 50, 0)
                    .await?
            } else {
                Vec::new()
            },
            unpublished: list(Status::Unpublished, 10, 0).await?,
            more_published,
        })
    }

    async fn desk_list(
        &self,
        actor: &Actor,
        list: DeskList,
        filter: &DeskFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<DeskItem>, NewsroomError> {
        let status = match list {
            DeskList::Status(s) => s,
            DeskList::Expiring => Status::Published,
        };
        let sees = |own| may(actor.role, Action::View, Scope::Item { own, status });
        let created_by = if sees(false) {
            None
        } else if let (true, Some(id)) = (sees(true), actor.id) {
            Some(id)
        } else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .desk(list, created_by, filter, limit, offset)
            .await?)
    }

    /// What happened to `item` (created, submitted, returned, published, corrected,
    /// restored, withdrawn...), by whom and when, newest first: for whoever may see it.
    pub async fn item_events(
        &self,
        actor: &Actor,
        item: &Item,
    ) -> Result<Vec<AuditEntry>, NewsroomError> {
        if !may(actor.role, Action::View, actor.scope_of(item)) {
            return Err(NewsroomError::Forbidden);
        }
        Ok(self.store.audit_of(&format!("item:{}", item.id)).await?)
    }

    /// Every note handed over with `item` (submitted, sent back), newest first, for
    /// whoever may see the item.
    pub async fn hand_over_notes(
        &self,
        actor: &Actor,
        item: &Item,
    ) -> Result<Vec<HandOver>, NewsroomError> {
        sees(actor, item)?;
        Ok(self.store.hand_over_notes(item.id).await?)
    }

    /// The latest hand-over of `item`, for whoever may see the item.
    pub async fn last_hand_over(
        &self,
        actor: &Actor,
        item: &Item,
    ) -> Result<Option<HandOver>, NewsroomError> {
        sees(actor, item)?;
        Ok(self.store.last_hand_over(item.id).await?)
    }

    /// `actor` looks at the desk now: what happened since they last looked (nothing
    /// the first time) and when that was, and the mark moves to now, so the next look
    /// counts from here.
    pub async fn look_at_desk(
        &self,
        actor: &Actor,
    ) -> Result<(DeskNews, Option<jiff::Timestamp>), NewsroomError> {
        let id = actor.account()?;
        let now = self.clock.now();
        let seen = self.store.desk_seen(id).await?;
        let news = match seen {
            Some(since) => self.store.desk_news(id, since, now, reviews(actor)).await?,
            None => DeskNews::default(),
        };
        self.store.mark_desk_seen(id, now).await?;
        Ok((news, seen))
    }

    /// How many items are new on the desk for `actor` since they last looked, all
    /// lists together; reads only, so the mark stays where it is.
    pub async fn desk_news(&self, actor: &Actor) -> Result<i64, NewsroomError> {
        let Some(id) = actor.id else {
            return Ok(0);
        };
        let Some(since) = self.store.desk_seen(id).await? else {
            return Ok(0);
        };
        let news = self
            .store
            .desk_news(id, since, self.clock.now(), reviews(actor))
            .await?;
        Ok(news.returned + news.submitted + news.published)
    }

    /// An item in any status, as it is now, whoever asks: for the system and tests.
    /// Pages use [`Newsroom::item_for`].
    pub async fn item(&self, id: ItemId) -> Result<Option<Item>, NewsroomError> {
        Ok(self.store.item_fresh(id).await?)
    }

    /// An item's current version, whoever asks (the item's visibility is the
    /// caller's to check): what the API's ETags name.
    pub async fn item_version(&self, id: ItemId) -> Result<Option<i64>, NewsroomError> {
        Ok(self.store.item_version_fresh(id).await?)
    }

    /// An item as it is now, if `actor` may see it; `None` also when it does not exist,
    /// so nobody learns of a colleague's draft by its number.
    pub async fn item_for(&self, actor: &Actor, id: ItemId) -> Result<Option<Item>, NewsroomError> {
        Ok(self
            .store
            .item_fresh(id)
            .await?
            .filter(|item| may(actor.role, Action::View, actor.scope_of(item))))
    }

    /// The last change-log entry, and when the first entry after `applied` was
    /// recorded: what a node's readiness is judged by.
    pub async fn change_log_position(
        &self,
        applied: i64,
    ) -> Result<(i64, Option<jiff::Timestamp>), NewsroomError> {
        Ok(self.store.position_after(applied).await?)
    }

    /// What waits: webhook deliveries to send and wire copy for an editor to take,
    /// for operators watching the node.
    pub async fn backlog(&self) -> Result<Backlog, NewsroomError> {
        Ok(Backlog {
            webhook_deliveries: self.store.pending_delivery_count().await?,
            wire_copy: self.store.waiting_wire_copy_count().await?,
        })
    }

    /// How the database's connection pools are used now.
    pub fn database_pools(&self) -> Vec<crate::store::PoolUse> {
        self.store.pool_use()
    }

    /// Every section of every edition.
    pub async fn sections(&self) -> Result<Vec<Section>, NewsroomError> {
        Ok(self.store.primary().sections().await?)
    }

    /// Every edition's code and name.
    pub async fn editions(&self) -> Result<Vec<crate::domain::Edition>, NewsroomError> {
        Ok(self.store.primary().editions().await?)
    }

    /// The revisions, newest first, of an item got from [`Newsroom::item_for`].
    pub async fn revisions(
        &self,
        actor: &Actor,
        item: &Item,
    ) -> Result<Vec<Revision>, NewsroomError> {
        sees(actor, item)?;
        Ok(self.store.revisions(item.id).await?)
    }

    /// Records that `actor` has `item` open, and says who else has.
    pub async fn open_item(
        &self,
        actor: &Actor,
        item: &Item,
    ) -> Result<Vec<String>, NewsroomError> {
        sees(actor, item)?;
        // Only accounts are shown to colleagues as having an item open.
        let id = actor.account()?;
        let now = self.clock.now();
        self.store.mark_presence(item.id, id, now).await?;
        Ok(self
            .store
            .present_on(item.id, id, now - PRESENCE_WINDOW)
            .await?)
    }

    /// The newest audit entries; admins only.
    pub async fn audit(&self, actor: &Actor, limit: i64) -> Result<Vec<AuditEntry>, NewsroomError> {
        if !may(actor.role, Action::ReadAudit, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        Ok(self.store.audit_entries(limit).await?)
    }

    /// The newest uploads.
    pub async fn media(&self, limit: i64) -> Result<Vec<MediaRecord>, NewsroomError> {
        Ok(self.store.primary().media(limit).await?)
    }

    /// The uploaded image `id`, if there is one.
    pub async fn image(&self, id: i64) -> Result<Option<MediaRecord>, NewsroomError> {
        Ok(self.store.primary().media_by_id(id).await?)
    }
}

/// What waits to be done, counted for operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    /// Webhook deliveries not yet delivered or given up on.
    pub webhook_deliveries: i64,
    /// Wire stories waiting for an editor.
    pub wire_copy: i64,
}
