//! Writing and editing items in the newsroom: drafts, review, publishing, scheduling,
//! withdrawal, corrections and revisions, each a checked step in one transaction.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::queries::scope_of;
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{
    Action, DomainError, EditionCode, Item, ItemContent, ItemId, ItemKind, PersonName, Scope,
    Section, Slug, Status, may, time,
};
use crate::store::{Entity, ItemExtras, ItemUpdate, NewItemRow, StoreError, Writer};

/// Per-field messages for a form, shown next to the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// The message for one field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether no field is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why an editing step was refused; nothing was written.
#[derive(Debug, Error)]
pub enum EditError {
    /// Some fields are wrong; the form comes back with these messages.
    #[error("some fields need attention")]
    Invalid(FieldErrors),
    /// The actor's role does not allow this step on this item.
    #[error("your role does not allow this")]
    Forbidden,
    /// No such item.
    #[error("no such item")]
    NotFound,
    /// Someone saved the item since this form was loaded.
    #[error("someone else saved this item since you opened it")]
    Stale {
        /// The item as it is now.
        current: Box<Item>,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<NewsroomError> for EditError {
    fn from(err: NewsroomError) -> Self {
        match err {
            NewsroomError::Store(e) => Self::Store(e),
            NewsroomError::Forbidden => Self::Forbidden,
            other => {
                let mut errors = FieldErrors::default();
                errors.add("form", other.to_string());
                Self::Invalid(errors)
            }
        }
    }
}

/// The editor form as typed: every field as text, checked by the use case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    /// Edition code.
    pub edition: String,
    /// "article" or "brief".
    pub kind: String,
    /// Headline.
    pub headline: String,
    /// Standfirst.
    pub dek: String,
    /// Body in Markdown.
    pub body: String,
    /// Section slug.
    pub section: String,
    /// Author names, comma-separated.
    pub authors: String,
    /// Tag names, comma-separated.
    pub tags: String,
    /// Related item id.
    pub related: String,
    /// Lead image id.
    pub lead_media: String,
    /// Lead story on the home page.
    pub pinned: bool,
    /// Breaking news.
    pub breaking: bool,
    /// Embargo, local time `YYYY-MM-DD HH:MM`.
    pub embargo: String,
    /// When to publish, for scheduling, local time.
    pub publish_at: String,
    /// When to withdraw, local time.
    pub unpublish_at: String,
}

/// What the editor asked for besides saving the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Just save.
    Save,
    /// Save and hand to the editors.
    Submit,
    /// Save and make public now.
    Publish,
    /// Save and publish at the form's `publish_at`.
    Schedule,
    /// Withdraw now, or at the form's `unpublish_at` when given.
    Unpublish,
    /// Back to draft (from review or schedule).
    ReturnToDraft,
}

impl Step {
    /// Reads the button an editor pressed.
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "save" => Self::Save,
            "submit" => Self::Submit,
            "publish" => Self::Publish,
            "schedule" => Self::Schedule,
            "unpublish" => Self::Unpublish,
            "draft" => Self::ReturnToDraft,
            _ => return None,
        })
    }

    /// The permission this step needs besides changing the fields.
    pub fn action(self) -> Action {
        match self {
            Self::Save => Action::Edit,
            Self::ReturnToDraft => Action::ReturnToDraft,
            Self::Submit => Action::SubmitForReview,
            Self::Publish => Action::Publish,
            Self::Schedule => Action::Schedule,
            Self::Unpublish => Action::Unpublish,
        }
    }
}

/// The editable fields of an item as a revision keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// The form as saved.
    pub form: ItemForm,
}

fn split_names(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn optional_time(
    raw: &str,
    field: &'static str,
    zone: &TimeZone,
    errors: &mut FieldErrors,
) -> Option<Timestamp> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    // Browsers' datetime-local inputs send `2025-05-21T16:29`.
    match time::parse_local(&raw.replacen('T', " ", 1), zone) {
        Ok(at) => Some(at),
        Err(_) => {
            errors.add(field, "use a date and time such as 2025-05-21 16:29");
            None
        }
    }
}

/// A form checked against the rules and resolved to ids.
struct Checked {
    edition: EditionCode,
    content: ItemContent,
    section: Section,
    authors: Vec<i64>,
    tags: Vec<i64>,
    related: Option<ItemId>,
    lead_media: Option<i64>,
    embargo: Option<Timestamp>,
    publish_at: Option<Timestamp>,
    unpublish_at: Option<Timestamp>,
}

async fn check(
    w: &mut Writer,
    actor: &Actor,
    form: &ItemForm,
    zone: &TimeZone,
) -> Result<Checked, EditError> {
    let mut errors = FieldErrors::default();
    let edition = match EditionCode::parse(form.edition.trim()) {
        Ok(code) if w.edition(&code).await?.is_some() => Some(code),
        _ => {
            errors.add("edition", "choose an edition");
            None
        }
    };
    let kind = ItemKind::parse(form.kind.trim()).unwrap_or_else(|_| {
        errors.add("kind", "choose article or brief");
        ItemKind::Article
    });
    let authors = split_names(&form.authors);
    let tags = split_names(&form.tags);
    let content = match ItemContent::new(
        kind,
        &form.headline,
        Some(&form.dek),
        &form.body,
        &authors,
        None,
        &tags,
    ) {
        Ok(c) => Some(c),
        Err(e) => {
            let field = match e {
                DomainError::EmptyHeadline
                | DomainError::HeadlineTooLong(_)
                | DomainError::ControlCharacter => "headline",
                DomainError::DekTooLong(_) => "dek",
                DomainError::BodyTooLong(_) => "body",
                DomainError::MissingAuthor => "authors",
                DomainError::InvalidName => "authors",
                _ => "form",
            };
            errors.add(field, e.to_string());
            None
        }
    };
    let mut section = None;
    if let Some(code) = &edition {
        match w.section(code, form.section.trim()).await? {
            Some(s) => section = Some(s),
            None => errors.add("section", "choose a section of this edition"),
        }
    }
    let may_manage = may(actor.role, Action::ManageTaxonomy, Scope::Newsroom);
    let may_credit_self = may(actor.role, Action::ManageTaxonomy, Scope::OwnByline);
    let mut author_ids = Vec::new();
    for name in &authors {
        let Ok(name) = PersonName::parse(name) else {
            continue;
        };
        let slug = Slug::from_text(name.as_ref(), "author");
        match w.author(slug.as_ref()).await? {
            Some(a) => author_ids.push(a.id),
            // Editors add authors as they credit them; anyone may credit themselves.
            None if may_manage || (may_credit_self && name.as_ref() == actor.name) => {
                let id = w.insert_author(slug.as_ref(), name.as_ref()).await?;
                w.append_change(Entity::Taxonomy, &format!("author:{slug}"), "created")
                    .await?;
                author_ids.push(id);
            }
            None => errors.add(
                "authors",
                format!(
                    "there is no author '{}'; an editor can add one",
                    name.as_ref()
                ),
            ),
        }
    }
    author_ids.dedup();
    let mut tag_ids = Vec::new();
    if let Some(code) = &edition {
        for name in &tags {
            let Ok(name) = PersonName::parse(name) else {
                continue;
            };
            let slug = Slug::from_text(name.as_ref(), "tag");
            match w.tag(code, slug.as_ref()).await? {
                Some(t) => tag_ids.push(t.id),
                None if may_manage => {
                    let id = w.insert_tag(code, slug.as_ref(), name.as_ref()).await?;
                    w.append_change(Entity::Taxonomy, &format!("tag:{code}:{slug}"), "created")
                        .await?;
                    tag_ids.push(id);
                }
                None => errors.add(
                    "tags",
                    format!("there is no tag '{}'; an editor can add one", name.as_ref()),
                ),
            }
        }
    }
    tag_ids.dedup();
    let related = match form.related.trim() {
        "" => None,
        raw => match (raw.parse::<ItemId>(), &edition) {
            (Ok(id), Some(code)) if w.item_exists(code, id).await? => Some(id),
            _ => {
                errors.add("related", "give the id of an item of the same edition");
                None
            }
        },
    };
    let lead_media = match form.lead_media.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) if w.media_exists(id).await? => Some(id),
            _ => {
                errors.add("lead_media", "choose an uploaded image");
                None
            }
        },
    };
    let embargo = optional_time(&form.embargo, "embargo", zone, &mut errors);
    let publish_at = optional_time(&form.publish_at, "publish_at", zone, &mut errors);
    let unpublish_at = optional_time(&form.unpublish_at, "unpublish_at", zone, &mut errors);
    match (edition, content, section) {
        (Some(edition), Some(content), Some(section)) if errors.is_empty() => Ok(Checked {
            edition,
            content,
            section,
            authors: author_ids,
            tags: tag_ids,
            related,
            lead_media,
            embargo,
            publish_at,
            unpublish_at,
        }),
        _ => Err(EditError::Invalid(errors)),
    }
}

fn refuse(field: &'static str, message: &str) -> EditError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    EditError::Invalid(errors)
}

impl Newsroom {
    /// Starts a new item as a draft owned by `actor`, then applies `step`.
    pub async fn create_item(
        &self,
        actor: &Actor,
        form: &ItemForm,
        step: Step,
        zone: &TimeZone,
    ) -> Result<ItemId, EditError> {
        let mut needs = vec![Action::Create, Action::Edit, step.action()];
        if form.pinned || form.breaking {
            needs.push(Action::SetFlags);
        }
        allow(actor, Scope::NewItem, &needs)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let checked = check(&mut w, actor, form, zone).await?;
        let id = w
            .insert_item(&NewItemRow {
                edition: &checked.edition,
                content: &checked.content,
                section: checked.section.id,
                authors: &checked.authors,
                tags: &checked.tags,
                related: checked.related,
                status: Status::Draft,
                pinned: form.pinned,
                published_at: None,
                source_key: None,
                extras: ItemExtras {
                    breaking: form.breaking,
                    embargo_until: checked.embargo,
                    unpublish_at: None,
                    lead_media: checked.lead_media,
                    created_by: Some(actor.id),
                },
            })
            .await?;
        self.finish_edit(w, actor, id, &checked, form, step, "created")
            .await?;
        Ok(id)
    }

    /// Saves the form over item `id` if nobody saved since `version`, then applies `step`.
    pub async fn save_item(
        &self,
        actor: &Actor,
        id: ItemId,
        version: i64,
        form: &ItemForm,
        step: Step,
        zone: &TimeZone,
    ) -> Result<(), EditError> {
        self.save(actor, id, version, form, step, Action::Edit, zone)
            .await
    }

    /// Writes `form` over item `id` as an edit or a restore (`how`), then applies `step`.
    #[allow(clippy::too_many_arguments)]
    async fn save(
        &self,
        actor: &Actor,
        id: ItemId,
        version: i64,
        form: &ItemForm,
        step: Step,
        how: Action,
        zone: &TimeZone,
    ) -> Result<(), EditError> {
        let mut w = self.store.begin(self.clock.now()).await?;
        let item = w.item_for_update(id).await?.ok_or(EditError::NotFound)?;
        let scope = scope_of(actor, &item);
        let may_flag = may(actor.role, Action::SetFlags, scope);
        let mut needs = vec![Action::Edit, how, step.action()];
        // A form without the flag boxes leaves the flags as they are; turning one on
        // needs the right to, and a restore keeps what its actor may not change.
        if how == Action::Edit
            && ((form.pinned && !item.pinned) || (form.breaking && !item.breaking))
        {
            needs.push(Action::SetFlags);
        }
        allow(actor, scope, &needs)?;
        if item.version != version {
            return Err(EditError::Stale {
                current: Box::new(item),
            });
        }
        let checked = check(&mut w, actor, form, zone).await?;
        if checked.edition != item.edition {
            return Err(refuse(
                "edition",
                "an item stays in the edition it was written for",
            ));
        }
        let (pinned, breaking) = if may_flag {
            (form.pinned, form.breaking)
        } else {
            (item.pinned, item.breaking)
        };
        w.update_item(
            id,
            &ItemUpdate {
                content: &checked.content,
                section: checked.section.id,
                related: checked.related.filter(|r| *r != id),
                pinned,
                breaking,
                embargo_until: checked.embargo,
                lead_media: checked.lead_media,
            },
        )
        .await?;
        // The byline and the tags are part of the form: a save that left them out
        // would drop an editor's change without a word.
        w.set_authors(id, &checked.authors).await?;
        w.set_tags(id, &checked.tags).await?;
        self.finish_edit(w, actor, id, &checked, form, step, "saved")
            .await
    }

    /// Logs and audits a save, applies the workflow step, records the revision and
    /// commits: the part every edit shares.
    #[allow(clippy::too_many_arguments)]
    async fn finish_edit(
        &self,
        mut w: Writer,
        actor: &Actor,
        id: ItemId,
        checked: &Checked,
        form: &ItemForm,
        step: Step,
        what: &str,
    ) -> Result<(), EditError> {
        let change = if what == "created" {
            "created"
        } else {
            "updated"
        };
        w.append_change(Entity::Item, &id.to_string(), change)
            .await?;
        w.audit(
            Some(actor.id),
            what,
            &format!("item:{id}"),
            checked.content.headline.as_ref(),
        )
        .await?;
        let item = w.item_for_update(id).await?.ok_or(EditError::NotFound)?;
        self.take_step(&mut w, actor, &item, checked, step).await?;
        self.record_revision(&mut w, actor, id, form).await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    async fn take_step(
        &self,
        w: &mut Writer,
        actor: &Actor,
        item: &Item,
        checked: &Checked,
        step: Step,
    ) -> Result<(), EditError> {
        let now = w.now();
        let id = item.id;
        let (status, published_at, audit) = match step {
            Step::Save => return Ok(()),
            Step::Submit => {
                if item.status != Status::Draft {
                    return Err(refuse("form", "only a draft can be submitted for review"));
                }
                (Status::Review, item.published_at, "submitted for review")
            }
            Step::ReturnToDraft => {
                if !matches!(item.status, Status::Review | Status::Scheduled) {
                    return Err(refuse(
                        "form",
                        "only an item in review or scheduled can go back to draft",
                    ));
                }
                (Status::Draft, None, "returned to draft")
            }
            Step::Publish => {
                if let Some(embargo) = checked.embargo.filter(|e| *e > now) {
                    return Err(refuse(
                        "embargo",
                        &format!(
                            "embargoed until {}; it cannot be published before then",
                            embargo
                        ),
                    ));
                }
                if item.status == Status::Published {
                    return Err(refuse("form", "this item is already published"));
                }
                (Status::Published, Some(now), "published")
            }
            Step::Schedule => {
                let Some(at) = checked.publish_at else {
                    return Err(refuse("publish_at", "give the time to publish at"));
                };
                if at <= now {
                    return Err(refuse(
                        "publish_at",
                        "give a time in the future, or publish now",
                    ));
                }
                if checked.embargo.is_some_and(|e| at < e) {
                    return Err(refuse("publish_at", "that is before the embargo ends"));
                }
                if item.status == Status::Published {
                    return Err(refuse("form", "this item is already published"));
                }
                (Status::Scheduled, Some(at), "scheduled")
            }
            Step::Unpublish => {
                if item.status != Status::Published {
                    return Err(refuse("form", "only a published item can be withdrawn"));
                }
                if let Some(at) = checked.unpublish_at {
                    if at <= now {
                        return Err(refuse(
                            "unpublish_at",
                            "give a time in the future, or withdraw now",
                        ));
                    }
                    w.set_unpublish_at(id, Some(at)).await?;
                    w.append_change(Entity::Item, &id.to_string(), "expiry set")
                        .await?;
                    w.audit(
                        Some(actor.id),
                        "withdrawal scheduled",
                        &format!("item:{id}"),
                        &at.to_string(),
                    )
                    .await?;
                    return Ok(());
                }
                (Status::Unpublished, item.published_at, "unpublished")
            }
        };
        w.set_publication(id, status, published_at).await?;
        if status == Status::Unpublished {
            w.set_unpublish_at(id, None).await?;
        }
        w.append_change(Entity::Item, &id.to_string(), status.as_str())
            .await?;
        w.audit(Some(actor.id), audit, &format!("item:{id}"), &item.headline)
            .await?;
        Ok(())
    }

    async fn record_revision(
        &self,
        w: &mut Writer,
        actor: &Actor,
        id: ItemId,
        form: &ItemForm,
    ) -> Result<(), EditError> {
        let item = w.item_for_update(id).await?.ok_or(EditError::NotFound)?;
        let mut form = form.clone();
        // The flags as they now stand, which a form without the boxes does not say.
        form.pinned = item.pinned;
        form.breaking = item.breaking;
        // A revision records content, not one-off instructions.
        form.publish_at.clear();
        form.unpublish_at.clear();
        let snapshot = serde_json::to_string(&Snapshot { form }).unwrap_or_default();
        w.insert_revision(id, item.version, &snapshot, Some(actor.id))
            .await?;
        Ok(())
    }

    /// Adds a dated correction to a published item.
    pub async fn add_correction(
        &self,
        actor: &Actor,
        id: ItemId,
        note: &str,
    ) -> Result<(), EditError> {
        let mut w = self.store.begin(self.clock.now()).await?;
        let item = w.item_for_update(id).await?.ok_or(EditError::NotFound)?;
        allow(actor, scope_of(actor, &item), &[Action::Correct])?;
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.is_empty() || note.chars().count() > 2000 {
            return Err(refuse(
                "note",
                "write the correction (up to 2000 characters)",
            ));
        }
        if item.status != Status::Published {
            return Err(refuse("note", "only a published item takes corrections"));
        }
        w.insert_correction(id, &note).await?;
        w.append_change(Entity::Item, &id.to_string(), "corrected")
            .await?;
        w.audit(Some(actor.id), "corrected", &format!("item:{id}"), &note)
            .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Saves an earlier revision's fields as the newest version.
    pub async fn restore_revision(
        &self,
        actor: &Actor,
        id: ItemId,
        version: i64,
        revision: i64,
        zone: &TimeZone,
    ) -> Result<(), EditError> {
        let revisions = self.store.revisions(id).await?;
        let Some(old) = revisions.iter().find(|r| r.version == revision) else {
            return Err(EditError::NotFound);
        };
        let snapshot: Snapshot =
            serde_json::from_str(&old.snapshot).map_err(|_| EditError::NotFound)?;
        self.save(
            actor,
            id,
            version,
            &snapshot.form,
            Step::Save,
            Action::Restore,
            zone,
        )
        .await
    }

    /// The form as it stands for item `id`, from its newest revision or its fields.
    pub async fn form_of(&self, item: &Item, zone: &TimeZone) -> Result<ItemForm, NewsroomError> {
        if let Some(newest) = self.store.revisions(item.id).await?.first()
            && let Ok(snapshot) = serde_json::from_str::<Snapshot>(&newest.snapshot)
            && newest.version == item.version
        {
            return Ok(snapshot.form);
        }
        self.form_from_fields(item, zone).await
    }

    async fn form_from_fields(
        &self,
        item: &Item,
        zone: &TimeZone,
    ) -> Result<ItemForm, NewsroomError> {
        let taxonomy_authors = self.store.authors().await?;
        let taxonomy_tags = self.store.tags().await?;
        let sections = self.store.sections().await?;
        let names = |ids: &[i64], all: &[(i64, String)]| {
            ids.iter()
                .filter_map(|id| all.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let authors: Vec<(i64, String)> = taxonomy_authors
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let tags: Vec<(i64, String)> = taxonomy_tags.into_iter().map(|t| (t.id, t.name)).collect();
        let local = |t: Option<Timestamp>| {
            t.map(|t| {
                t.to_zoned_datetime(zone.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
        };
        Ok(ItemForm {
            edition: item.edition.to_string(),
            kind: item.kind.as_str().to_owned(),
            headline: item.headline.clone(),
            dek: item.dek.clone().unwrap_or_default(),
            body: item.body.markdown.clone(),
            section: sections
                .iter()
                .find(|s| s.id == item.section)
                .map(|s| s.slug.to_string())
                .unwrap_or_default(),
            authors: names(&item.authors, &authors),
            tags: names(&item.tags, &tags),
            related: item.related.map(|r| r.to_string()).unwrap_or_default(),
            lead_media: item.lead_media.map(|m| m.to_string()).unwrap_or_default(),
            pinned: item.pinned,
            breaking: item.breaking,
            embargo: local(item.embargo_until),
            publish_at: String::new(),
            unpublish_at: local(item.unpublish_at),
        })
    }
}

/// Refuses unless `actor` may take every one of `actions` on `scope`; an existing item
/// the actor may not even see is not found, as if it did not exist.
fn allow(actor: &Actor, scope: Scope, actions: &[Action]) -> Result<(), EditError> {
    if matches!(scope, Scope::Item { .. }) && !may(actor.role, Action::View, scope) {
        return Err(EditError::NotFound);
    }
    if actions.iter().all(|a| may(actor.role, *a, scope)) {
        Ok(())
    } else {
        Err(EditError::Forbidden)
    }
}
