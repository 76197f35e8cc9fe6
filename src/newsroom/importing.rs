//! Imports that are one unit: a run holds one transaction, files or updates items one
//! at a time through the same use cases as an editor's (so memory does not grow with
//! the export), and stores nothing unless it is committed.

use jiff::Timestamp;

use super::command::{FieldErrors, ItemCommand, Step};
use super::editing::{EditError, same_fields};
use super::filing::Filing;
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, EditionCode, ItemId, Status};
use crate::store::Writer;

/// Where an imported item is to stand in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Published as of this time: at once when it has passed, scheduled when not.
    PublishedAsOf(Timestamp),
    /// A draft.
    Draft,
    /// Handed to the editors for review.
    InReview,
}

/// What became of one item of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stored as a new item.
    Imported(ItemId),
    /// Imported before, and changed since: saved, with a revision.
    Updated(ItemId),
    /// Imported before, and the same: left as it was, no revision.
    Unchanged(ItemId),
}

impl Outcome {
    /// The item's id.
    pub fn id(self) -> ItemId {
        match self {
            Self::Imported(id) | Self::Updated(id) | Self::Unchanged(id) => id,
        }
    }
}

/// Why one item of an import could not be filed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Its fields are refused; the rest of the import may go on without it.
    #[error("{0}")]
    Refused(FieldErrors),
    /// The store failed, or the actor may not: the import cannot go on.
    #[error(transparent)]
    Failed(#[from] NewsroomError),
    /// The item changed under the import in a way it cannot go on from.
    #[error("{0}")]
    Stopped(String),
}

impl From<EditError> for ImportError {
    fn from(err: EditError) -> Self {
        match err {
            EditError::Invalid(errors) => Self::Refused(errors),
            EditError::Store(e) => Self::Failed(NewsroomError::Store(e)),
            EditError::Forbidden => Self::Failed(NewsroomError::Forbidden),
            other => Self::Stopped(other.to_string()),
        }
    }
}

/// One import in progress: everything it writes is kept only by [`ImportRun::commit`].
pub struct ImportRun<'a> {
    pub(super) newsroom: &'a Newsroom,
    pub(super) actor: Actor,
    pub(super) w: Writer,
}

impl Newsroom {
    /// Starts an import filed as `actor`.
    pub async fn begin_import(&self, actor: Actor) -> Result<ImportRun<'_>, NewsroomError> {
        let w = self.store.begin(self.clock.now()).await?;
        Ok(ImportRun {
            newsroom: self,
            actor,
            w,
        })
    }
}

impl Newsroom {
    /// The item an old address (of an imported site) leads to, if any.
    pub async fn redirect_target(&self, path: &str) -> Result<Option<ItemId>, NewsroomError> {
        Ok(self.store.redirect(path).await?)
    }
}

/// The step that brings an item from `status` to `standing`. An item an editor
/// withdrew stays withdrawn; one the source holds back is taken back from readers.
fn step_towards(status: Option<Status>, standing: Standing) -> Step {
    match (status, standing) {
        (None, Standing::PublishedAsOf(at)) => Step::PublishAsOf(at),
        (None, Standing::Draft) => Step::Save,
        (None, Standing::InReview) => Step::Submit,
        (Some(Status::Draft | Status::Review), Standing::PublishedAsOf(at)) => {
            Step::PublishAsOf(at)
        }
        (Some(Status::Published), Standing::Draft) => Step::Unpublish,
        (Some(Status::Scheduled | Status::Review), Standing::Draft) => Step::ReturnToDraft,
        (Some(Status::Draft), Standing::InReview) => Step::Submit,
        _ => Step::Save,
    }
}

impl ImportRun<'_> {
    /// Whether the site has this edition.
    pub async fn has_edition(&mut self, code: &EditionCode) -> Result<bool, NewsroomError> {
        Ok(self.w.edition(code).await?.is_some())
    }

    /// Files `filing` standing so: a new item, or, when its source key was imported
    /// before, an update of that item made only if something changed. A `note` says
    /// why it is held back from readers, in the audit log.
    pub async fn file(
        &mut self,
        filing: &Filing,
        standing: Standing,
        note: Option<&str>,
    ) -> Result<Outcome, ImportError> {
        let mut draft = filing.draft().map_err(ImportError::Refused)?;
        let existing = match &filing.source_key {
            Some(key) => self
                .w
                .item_by_source_key(key)
                .await
                .map_err(NewsroomError::from)?,
            None => None,
        };
        let outcome = match existing {
            None => {
                let command = ItemCommand {
                    draft,
                    step: step_towards(None, standing),
                    withdraw_at: None,
                    note: None,
                };
                let id = self
                    .newsroom
                    .create_in(
                        &mut self.w,
                        &self.actor,
                        &command,
                        filing.source_key.as_deref(),
                    )
                    .await?;
                Outcome::Imported(id)
            }
            Some(id) => {
                let item = self
                    .w
                    .item_for_update(id)
                    .await
                    .map_err(NewsroomError::from)?
                    .ok_or(EditError::NotFound)?;
                // What the newsroom added (a related item, a lead image, flags) is its own;
                // the source's lead image only fills a place left empty.
                draft.related = item.related;
                draft.lead_media = item.lead_media.or(draft.lead_media);
                draft.breaking = item.breaking;
                draft.embargo = item.embargo_until;
                let step = step_towards(Some(item.status), standing);
                if step == Step::Save
                    && same_fields(&mut self.w, &self.actor, &item, &draft).await?
                {
                    return Ok(Outcome::Unchanged(id));
                }
                let command = ItemCommand {
                    draft,
                    step,
                    withdraw_at: None,
                    note: None,
                };
                self.newsroom
                    .save_in(
                        &mut self.w,
                        &self.actor,
                        id,
                        item.version,
                        &command,
                        Action::Edit,
                    )
                    .await?;
                Outcome::Updated(id)
            }
        };
        if let Some(note) = note {
            let id = outcome.id();
            self.w
                .audit_by(self.actor.by(), "held back", &format!("item:{id}"), note)
                .await
                .map_err(NewsroomError::from)?;
        }
        Ok(outcome)
    }

    /// Answers the old address `path` with a 301 to `item`.
    pub async fn redirect(&mut self, path: &str, item: ItemId) -> Result<(), NewsroomError> {
        self.w.put_redirect(path, item).await?;
        Ok(())
    }

    /// Keeps everything the run wrote.
    pub async fn commit(self) -> Result<(), NewsroomError> {
        self.w.commit().await?;
        self.newsroom.after_commit();
        Ok(())
    }

    /// Drops everything the run wrote (a dry run).
    pub fn abandon(self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_bring_items_to_where_the_source_has_them() {
        let at: Timestamp = "2024-05-21T12:00:00Z".parse().expect("time");
        let published = Standing::PublishedAsOf(at);
        assert_eq!(step_towards(None, published), Step::PublishAsOf(at));
        assert_eq!(step_towards(None, Standing::Draft), Step::Save);
        assert_eq!(step_towards(None, Standing::InReview), Step::Submit);
        assert_eq!(
            step_towards(Some(Status::Draft), published),
            Step::PublishAsOf(at)
        );
        assert_eq!(step_towards(Some(Status::Published), published), Step::Save);
        assert_eq!(
            step_towards(Some(Status::Unpublished), published),
            Step::Save
        );
        assert_eq!(
            step_towards(Some(Status::Published), Standing::Draft),
            Step::Unpublish
        );
        assert_eq!(
            step_towards(Some(Status::Scheduled), Standing::Draft),
            Step::ReturnToDraft
        );
    }
}
