//! Arranging an edition's front page: saved as a new version through the one write
//! path, live now or at a scheduled time.

use jiff::Timestamp;

use super::schedule::SCHEDULER;
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, Arrangement, ArrangementError, EditionCode, Scope, Status, may};
use crate::store::{Entity, FrontPageRecord};

/// How many saved versions the newsroom's history lists.
pub const FRONT_PAGE_HISTORY: i64 = 30;

/// When an arrangement is to go live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoLive {
    /// As soon as it is saved.
    Now,
    /// At this time, which must be ahead of the clock.
    At(Timestamp),
}

/// An edition's front page as the newsroom sees it: what is live, what waits, what was.
#[derive(Debug, Clone)]
pub struct FrontPageDesk {
    /// The newest version saved, which a new save must name to not overwrite anyone.
    pub version: i64,
    /// The version readers see, if any.
    pub live: Option<FrontPageRecord>,
    /// Every saved version, newest first, scheduled ones included.
    pub history: Vec<FrontPageRecord>,
}

impl Newsroom {
    /// Saves a new version of `edition`'s front page; editors and admins only.
    ///
    /// `based_on` is the version the editor started from: if anyone saved since, the
    /// save is refused with [`NewsroomError::FrontPageConflict`] rather than silently
    /// overwriting their arrangement. Writers are serialized by the store, so the check
    /// and the insert see the same newest version. Items going live now must be
    /// published; a scheduled arrangement may name items still to come, and readers only
    /// ever see those of them that are published.
    pub async fn save_front_page(
        &self,
        actor: &Actor,
        edition: &str,
        based_on: i64,
        arrangement: &Arrangement,
        go_live: GoLive,
    ) -> Result<i64, NewsroomError> {
        if !may(actor.role, Action::ArrangeFrontPage, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let code = EditionCode::parse(edition.trim())?;
        arrangement.check()?;
        let now = self.clock.now();
        let (live_at, live) = match go_live {
            GoLive::Now => (now, true),
            GoLive::At(at) if at > now => (at, false),
            GoLive::At(_) => return Err(ArrangementError::TimeNotAhead.into()),
        };
        let mut w = self.store.begin(now).await?;
        if w.edition(&code).await?.is_none() {
            return Err(NewsroomError::UnknownEdition(code.to_string()));
        }
        let current = w.front_page_version(&code).await?;
        if current != based_on {
            return Err(NewsroomError::FrontPageConflict(current));
        }
        for id in arrangement.items() {
            let item = w
                .item_for_update(id)
                .await?
                .filter(|item| item.edition == code)
                .ok_or(ArrangementError::UnknownItem(id))?;
            if live && item.status != Status::Published {
                return Err(ArrangementError::NotPublished(id).into());
            }
        }
        for block in &arrangement.sections {
            if !w.section_in_edition(&code, block.section).await? {
                return Err(ArrangementError::UnknownSection(block.section).into());
            }
        }
        let version = current + 1;
        w.insert_front_page(&code, version, arrangement, live_at, live, actor.by())
            .await?;
        let what = if live {
            w.append_change(Entity::FrontPage, code.as_ref(), "arranged")
                .await?;
            "arranged the front page"
        } else {
            "scheduled the front page"
        };
        let detail = format!(
            "version {version}, live at {}",
            crate::domain::time::display(live_at, &self.zone)
        );
        w.audit_by(actor.by(), what, &format!("front:{code}"), &detail)
            .await?;
        w.commit().await?;
        self.after_commit();
        tracing::info!(edition = %code, version, live, "front page of {code} saved as version {version}");
        Ok(version)
    }

    /// Puts live every scheduled arrangement whose time has come, as the scheduler;
    /// returns how many went live. Safe on every node at once, as [`Self::publish_due`] is.
    pub async fn front_pages_due(&self, now: Timestamp) -> Result<usize, NewsroomError> {
        if !self.store.has_due_front_pages(now).await? {
            return Ok(0);
        }
        let actor = Actor::system(SCHEDULER);
        if !may(actor.role, Action::ArrangeFrontPage, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let mut w = self.store.begin(now).await?;
        let due = w.due_front_pages(now).await?;
        for page in &due {
            w.set_front_page_live(&page.edition, page.version).await?;
            w.append_change(Entity::FrontPage, &page.edition, "arranged")
                .await?;
            w.audit_by(
                actor.by(),
                "front page went live on schedule",
                &format!("front:{}", page.edition),
                &format!("version {}", page.version),
            )
            .await?;
        }
        w.commit().await?;
        if !due.is_empty() {
            self.after_commit();
            tracing::info!(
                pages = due.len(),
                "{} scheduled front pages went live",
                due.len()
            );
        }
        Ok(due.len())
    }

    /// One saved version of `edition`'s front page, to preview; editors and admins only.
    pub async fn front_page_version(
        &self,
        actor: &Actor,
        edition: &str,
        version: i64,
    ) -> Result<Option<FrontPageRecord>, NewsroomError> {
        if !may(actor.role, Action::ArrangeFrontPage, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        Ok(self
            .store
            .primary()
            .front_page_version(edition, version)
            .await?)
    }

    /// What the newsroom's front-page desk shows for `edition`; editors and admins only.
    pub async fn front_page_desk(
        &self,
        actor: &Actor,
        edition: &str,
    ) -> Result<FrontPageDesk, NewsroomError> {
        if !may(actor.role, Action::ArrangeFrontPage, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let primary = self.store.primary();
        let history = primary
            .front_page_history(edition, FRONT_PAGE_HISTORY)
            .await?;
        let live = primary.live_front_page(edition).await?;
        Ok(FrontPageDesk {
            version: history.first().map_or(0, |r| r.version),
            live,
            history,
        })
    }
}
