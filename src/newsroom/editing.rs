//! Writing and editing items: drafts, review, publishing, scheduling, withdrawal,
//! corrections and revisions, each a checked step in one transaction.
//!
//! Every write of an item, from the editor, the API or an importer, comes here as an
//! [`ItemCommand`] of checked values. The use case checks the actor's role, then asks
//! the store what the command refers to (edition, section, authors, tags, related
//! item, image), and only when all of it holds does it write: new authors and tags,
//! the item, its change-log entries, its audit entries and its revision, together.

use jiff::Timestamp;
use thiserror::Error;

use super::command::{
    Draft, DraftInput, Field, FieldErrors, ItemCommand, SectionChoice, SectionRef, Step,
};
use super::form::{Button, ItemForm, Snapshot, WITHDRAW_AFTER_PUBLISHING};
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{
    Action, AuthorId, EditionCode, Item, ItemId, PersonName, Scope, Section, SectionId, Slug,
    Status, TagId, WebhookEvent, may,
};
use crate::store::{Entity, ItemExtras, ItemUpdate, NewItemRow, StoreError, Writer};

/// Why an editing step was refused; nothing was written.
#[derive(Debug, Error)]
pub enum EditError {
    /// Some fields are wrong; the form comes back with these messages.
    #[error("some fields need attention: {0}")]
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
    /// Only a draft can be deleted; this item is past that.
    #[error("only a draft can be deleted; withdraw a published item instead")]
    NotDraft,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FieldErrors> for EditError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<NewsroomError> for EditError {
    fn from(err: NewsroomError) -> Self {
        match err {
            NewsroomError::Store(e) => Self::Store(e),
            NewsroomError::Forbidden => Self::Forbidden,
            other => Self::Invalid(FieldErrors::one(Field::Form, other.to_string())),
        }
    }
}

fn refuse(field: Field, message: &str) -> EditError {
    EditError::Invalid(FieldErrors::one(field, message))
}

/// A name a draft refers to: already in the store, or to be added when it is written.
enum Found<T> {
    Existing(T),
    New { slug: Slug, name: PersonName },
}

/// What a draft's references resolve to, found before anything is written.
struct Plan {
    section: Found<(SectionId, Slug)>,
    authors: Vec<Found<AuthorId>>,
    tags: Vec<Found<TagId>>,
}

/// The ids a draft's references resolved to, new ones added.
struct Links {
    section: SectionId,
    /// The section's slug, which a revision keeps (a draft may name it otherwise).
    section_slug: Slug,
    authors: Vec<AuthorId>,
    tags: Vec<TagId>,
}

/// What an item refers to by name or id, as far as its input could be read: what the
/// store is asked about.
struct Refs<'a> {
    edition: Option<&'a EditionCode>,
    section: Option<&'a SectionChoice>,
    authors: &'a [PersonName],
    /// Unknown authors confirmed as new; `None` lets the role decide alone.
    new_authors: Option<&'a [String]>,
    tags: &'a [PersonName],
    related: Option<ItemId>,
    lead_media: Option<i64>,
}

impl<'a> Refs<'a> {
    fn of(draft: &'a Draft) -> Self {
        Self {
            edition: Some(&draft.edition),
            section: Some(&draft.section),
            authors: &draft.content.byline.authors,
            new_authors: draft.new_authors.as_deref(),
            tags: &draft.content.tags,
            related: draft.related,
            lead_media: draft.lead_media,
        }
    }
}

/// The head of the group of translations an item of `edition` joins by naming
/// `target`; `None` when it names none, or names its own group's head. `this` is the
/// item being saved, when it exists already. Groups stay one level deep, with at most
/// one item per edition.
async fn translation_head(
    w: &mut Writer,
    edition: &EditionCode,
    this: Option<ItemId>,
    target: Option<ItemId>,
) -> Result<Option<ItemId>, EditError> {
    let Some(target) = target else {
        return Ok(None);
    };
    let wrong = |message: String| Err(refuse(Field::TranslationOf, &message));
    if Some(target) == this {
        return wrong("an item cannot be a translation of itself".into());
    }
    let Some((target_edition, head)) = w.translation_facts(target).await? else {
        return wrong(format!("there is no item {target}"));
    };
    if &target_edition == edition {
        return wrong(format!(
            "item {target} is in this edition; a translation is in another one"
        ));
    }
    let head = head.unwrap_or(target);
    if Some(head) == this {
        return Ok(None);
    }
    if let Some(this) = this
        && w.translation_group(this)
            .await?
            .iter()
            .any(|(id, _)| *id != this)
    {
        return wrong(
            "other items are translations of this one: mark them as translations of that item instead"
                .into(),
        );
    }
    let group = w.translation_group(head).await?;
    if let Some((other, _)) = group
        .iter()
        .find(|(id, code)| code == edition && Some(*id) != this)
    {
        return wrong(format!(
            "item {other} is already this story's version in this edition"
        ));
    }
    Ok(Some(head))
}

/// Checks what `draft` refers to against the store, inside the transaction that will
/// write it; reads only.
async fn resolve(w: &mut Writer, actor: &Actor, draft: &Draft) -> Result<Plan, EditError> {
    let (plan, errors) = look_up(w, actor, &Refs::of(draft)).await?;
    match plan {
        Some(plan) if errors.is_empty() => Ok(plan),
        _ if errors.is_empty() => Err(refuse(Field::Section, "choose a section")),
        _ => Err(EditError::Invalid(errors)),
    }
}

/// How a refusal of an unconfirmed new author starts; the name follows.
pub const NEW_AUTHOR: &str = "confirm that this is a new author, not a slip:";

/// Looks up every reference, reading only: a plan when the section was found, and
/// every reference that is wrong. Unknown authors and tags are planned for adding when
/// `actor` may add them, and refused next to their field when not.
async fn look_up(
    w: &mut Writer,
    actor: &Actor,
    refs: &Refs<'_>,
) -> Result<(Option<Plan>, FieldErrors), EditError> {
    let mut errors = FieldErrors::default();
    let mut code = None;
    if let Some(edition) = refs.edition {
        if w.edition(edition).await?.is_some() {
            code = Some(edition);
        } else {
            errors.add(Field::Edition, "choose an edition");
        }
    }
    let may_manage = may(actor.role, Action::ManageTaxonomy, Scope::Newsroom);
    let may_credit_self = may(actor.role, Action::ManageTaxonomy, Scope::OwnByline);
    let mut section = None;
    if let (Some(code), Some(choice)) = (code, refs.section) {
        match choice {
            SectionChoice::Slug(slug) => match w.section(code, slug.as_ref()).await? {
                Some(s) => section = Some(Found::Existing((s.id, s.slug))),
                None => errors.add(Field::Section, "choose a section of this edition"),
            },
            SectionChoice::Named(name) => {
                section = named_section(w, code, name, may_manage, &mut errors).await?;
            }
        }
    }
    let mut authors = Vec::with_capacity(refs.authors.len());
    for name in refs.authors {
        let slug = Slug::from_text(name.as_ref(), "author");
        match w.author(slug.as_ref()).await? {
            Some(a) => authors.push(Found::Existing(a.id)),
            // Editors add authors as they credit them, once a person typing has
            // confirmed the name is new rather than a slip; anyone may credit themselves.
            None if name.as_ref() == actor.name && (may_manage || may_credit_self) => {
                authors.push(Found::New {
                    slug,
                    name: name.clone(),
                });
            }
            None if may_manage => {
                let confirmed = refs.new_authors.is_none_or(|list| {
                    list.iter()
                        .any(|typed| Slug::from_text(typed, "author") == slug)
                });
                if confirmed {
                    authors.push(Found::New {
                        slug,
                        name: name.clone(),
                    });
                } else {
                    errors.add(Field::Authors, format!("{NEW_AUTHOR} '{}'", name.as_ref()));
                }
            }
            None => errors.add(
                Field::Authors,
                format!(
                    "there is no author '{}'; an editor can add one",
                    name.as_ref()
                ),
            ),
        }
    }
    let mut tags = Vec::with_capacity(refs.tags.len());
    if let Some(code) = code {
        for name in refs.tags {
            let slug = Slug::from_text(name.as_ref(), "tag");
            match w.tag(code, slug.as_ref()).await? {
                Some(t) => tags.push(Found::Existing(t.id)),
                None if may_manage => tags.push(Found::New {
                    slug,
                    name: name.clone(),
                }),
                None => errors.add(
                    Field::Tags,
                    format!("there is no tag '{}'; an editor can add one", name.as_ref()),
                ),
            }
        }
    }
    if let Some(id) = refs.related {
        let found = match code {
            Some(code) => w.item_exists(code, id).await?,
            None => false,
        };
        if !found {
            errors.add(Field::Related, "give the id of an item of the same edition");
        }
    }
    if let Some(id) = refs.lead_media
        && !w.media_exists(id).await?
    {
        errors.add(Field::LeadMedia, "choose an uploaded image");
    }
    let plan = section.map(|section| Plan {
        section,
        authors,
        tags,
    });
    Ok((plan, errors))
}

/// The edition's section called `name` (or with the slug that name gives), or a plan
/// to add it.
async fn named_section(
    w: &mut Writer,
    code: &EditionCode,
    name: &PersonName,
    may_manage: bool,
    errors: &mut FieldErrors,
) -> Result<Option<Found<(SectionId, Slug)>>, EditError> {
    if let Some(s) = w.section_named(code, name.as_ref()).await? {
        return Ok(Some(Found::Existing((s.id, s.slug))));
    }
    let slug = match Section::check_slug(Slug::from_text(name.as_ref(), "section").as_ref()) {
        Ok(slug) => slug,
        Err(e) => {
            errors.add(Field::Section, e.to_string());
            return Ok(None);
        }
    };
    if let Some(s) = w.section(code, slug.as_ref()).await? {
        return Ok(Some(Found::Existing((s.id, s.slug))));
    }
    if !may_manage {
        errors.add(
            Field::Section,
            format!(
                "there is no section '{}'; an editor can add one",
                name.as_ref()
            ),
        );
        return Ok(None);
    }
    Ok(Some(Found::New {
        slug,
        name: name.clone(),
    }))
}

impl Plan {
    /// Adds what the plan found missing and returns every id, in byline order, each
    /// once.
    async fn write(
        self,
        w: &mut Writer,
        actor: &Actor,
        code: &EditionCode,
    ) -> Result<Links, EditError> {
        let (section, section_slug) = match self.section {
            Found::Existing(found) => found,
            Found::New { slug, name } => (
                super::taxonomy::insert_section(w, actor, code, &slug, &name).await?,
                slug,
            ),
        };
        let mut authors = Vec::with_capacity(self.authors.len());
        for author in self.authors {
            let id = match author {
                Found::Existing(id) => id,
                Found::New { slug, name } => {
                    let id = w.insert_author(slug.as_ref(), name.as_ref()).await?;
                    w.append_change(Entity::Taxonomy, &format!("author:{slug}"), "created")
                        .await?;
                    w.audit_by(
                        actor.by(),
                        "author added",
                        &format!("author:{slug}"),
                        name.as_ref(),
                    )
                    .await?;
                    id
                }
            };
            if !authors.contains(&id) {
                authors.push(id);
            }
        }
        let mut tags = Vec::with_capacity(self.tags.len());
        for tag in self.tags {
            let id = match tag {
                Found::Existing(id) => id,
                Found::New { slug, name } => {
                    let id = w.insert_tag(code, slug.as_ref(), name.as_ref()).await?;
                    let subject = format!("tag:{code}:{slug}");
                    w.append_change(Entity::Taxonomy, &subject, "created")
                        .await?;
                    w.audit_by(actor.by(), "tag added", &subject, name.as_ref())
                        .await?;
                    id
                }
            };
            if !tags.contains(&id) {
                tags.push(id);
            }
        }
        Ok(Links {
            section,
            section_slug,
            authors,
            tags,
        })
    }
}

/// How a refusal to publish under an embargo begins, before the embargo's end.
pub const EMBARGOED_UNTIL: &str = "embargoed until";

/// Where an item stands before a step is taken.
struct Standing<'a> {
    id: ItemId,
    status: Status,
    published_at: Option<Timestamp>,
    /// When it is to be withdrawn, if that is set.
    unpublish_at: Option<Timestamp>,
    headline: &'a str,
}

impl Newsroom {
    /// Starts a new item as a draft owned by `actor`, then takes the command's step.
    pub async fn create_item(
        &self,
        actor: &Actor,
        command: &ItemCommand,
    ) -> Result<ItemId, EditError> {
        let mut w = self.store.begin(self.clock.now()).await?;
        let id = self.create_in(&mut w, actor, command, None).await?;
        w.commit().await?;
        self.after_commit();
        Ok(id)
    }

    /// Creates an item inside `w`: the one way every item comes to be, alone or as
    /// part of an import's batch. `source_key` names it in the copy it came from.
    pub(super) async fn create_in(
        &self,
        w: &mut Writer,
        actor: &Actor,
        command: &ItemCommand,
        source_key: Option<&str>,
    ) -> Result<ItemId, EditError> {
        let draft = &command.draft;
        let step = command.step.action(w.now());
        may_attempt(
            actor,
            None,
            step,
            Action::Edit,
            draft.pinned,
            draft.breaking,
        )?;
        let translation_of =
            translation_head(w, &draft.edition, None, draft.translation_of).await?;
        let links = resolve(w, actor, draft)
            .await?
            .write(w, actor, &draft.edition)
            .await?;
        let id = w
            .insert_item(&NewItemRow {
                edition: &draft.edition,
                content: &draft.content,
                section: links.section,
                authors: &links.authors,
                tags: &links.tags,
                related: draft.related,
                translation_of,
                status: Status::Draft,
                pinned: draft.pinned,
                published_at: None,
                source_key,
                extras: ItemExtras {
                    breaking: draft.breaking,
                    embargo_until: draft.embargo,
                    unpublish_at: None,
                    lead_media: draft.lead_media,
                    created_by: actor.id,
                },
            })
            .await?;
        let headline = draft.content.headline.as_ref();
        w.append_change(Entity::Item, &id.to_string(), "created")
            .await?;
        w.audit_by(actor.by(), "created", &format!("item:{id}"), headline)
            .await?;
        let standing = Standing {
            id,
            status: Status::Draft,
            published_at: None,
            unpublish_at: None,
            headline,
        };
        self.take_step(w, actor, &standing, draft.embargo, command)
            .await?;
        self.record_revision(w, actor, id, draft, &links.section_slug)
            .await?;
        Ok(id)
    }

    /// Saves the command's fields over item `id` if nobody saved since `version`, then
    /// takes its step.
    pub async fn save_item(
        &self,
        actor: &Actor,
        id: ItemId,
        version: i64,
        command: &ItemCommand,
    ) -> Result<(), EditError> {
        self.save(actor, id, version, command, Action::Edit).await
    }

    /// Writes `command` over item `id` as an edit or a restore (`how`).
    async fn save(
        &self,
        actor: &Actor,
        id: ItemId,
        version: i64,
        command: &ItemCommand,
        how: Action,
    ) -> Result<(), EditError> {
        let mut w = self.store.begin(self.clock.now()).await?;
        self.save_in(&mut w, actor, id, version, command, how)
            .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Writes `command` over item `id` inside `w`: the one way every item changes,
    /// alone or as part of an import.
    pub(super) async fn save_in(
        &self,
        w: &mut Writer,
        actor: &Actor,
        id: ItemId,
        version: i64,
        command: &ItemCommand,
        how: Action,
    ) -> Result<(), EditError> {
        let item = w.item_for_update(id).await?.ok_or(EditError::NotFound)?;
        let may_flag = may(actor.role, Action::SetFlags, actor.scope_of(&item));
        let draft = &command.draft;
        let step = command.step.action(w.now());
        may_attempt(actor, Some(&item), step, how, draft.pinned, draft.breaking)?;
        if item.version != version {
            return Err(EditError::Stale {
                current: Box::new(item),
            });
        }
        if draft.edition != item.edition {
            return Err(refuse(
                Field::Edition,
                "an item stays in the edition it was written for",
            ));
        }
        let translation_of =
            translation_head(w, &draft.edition, Some(id), draft.translation_of).await?;
        let links = resolve(w, actor, draft)
            .await?
            .write(w, actor, &draft.edition)
            .await?;
        let mut stored = draft.clone();
        if !may_flag {
            stored.pinned = item.pinned;
            stored.breaking = item.breaking;
        }
        stored.related = stored.related.filter(|r| *r != id);
        w.update_item(
            id,
            &ItemUpdate {
                content: &stored.content,
                section: links.section,
                related: stored.related,
                translation_of,
                pinned: stored.pinned,
                breaking: stored.breaking,
                embargo_until: stored.embargo,
                lead_media: stored.lead_media,
            },
        )
        .await?;
        w.set_authors(id, &links.authors).await?;
        w.set_tags(id, &links.tags).await?;
        let headline = stored.content.headline.as_ref();
        let seq = w
            .append_change(Entity::Item, &id.to_string(), "updated")
            .await?;
        // A withdrawal is announced as such, not as an update before it.
        if item.status == Status::Published && !matches!(command.step, Step::Unpublish) {
            self.announce(w, id, WebhookEvent::Updated, seq).await?;
        }
        let action = if how == Action::Restore {
            "restored"
        } else {
            "saved"
        };
        w.audit_by(actor.by(), action, &format!("item:{id}"), headline)
            .await?;
        let standing = Standing {
            id,
            status: item.status,
            published_at: item.published_at,
            unpublish_at: item.unpublish_at,
            headline,
        };
        self.take_step(w, actor, &standing, stored.embargo, command)
            .await?;
        self.record_revision(w, actor, id, &stored, &links.section_slug)
            .await?;
        Ok(())
    }

    async fn take_step(
        &self,
        w: &mut Writer,
        actor: &Actor,
        item: &Standing<'_>,
        embargo: Option<Timestamp>,
        command: &ItemCommand,
    ) -> Result<(), EditError> {
        let step = command.step;
        let now = w.now();
        let id = item.id;
        let embargoed = |at: Timestamp| embargo.filter(|e| *e > at);
        let publish = |at: Timestamp| {
            if let Some(until) = embargoed(at) {
                return Err(refuse(
                    Field::Embargo,
                    &format!("{EMBARGOED_UNTIL} {until}; it cannot be published before then"),
                ));
            }
            if item.status == Status::Published {
                return Err(refuse(Field::Form, "this item is already published"));
            }
            Ok(())
        };
        let (status, published_at, audit) = match step {
            Step::Save => return Ok(()),
            Step::Submit => {
                if item.status != Status::Draft {
                    return Err(refuse(
                        Field::Form,
                        "only a draft can be submitted for review",
                    ));
                }
                (Status::Review, item.published_at, "submitted for review")
            }
            Step::ReturnToDraft => {
                if !matches!(item.status, Status::Review | Status::Scheduled) {
                    return Err(refuse(
                        Field::Form,
                        "only an item in review or scheduled can go back to draft",
                    ));
                }
                (Status::Draft, None, "returned to draft")
            }
            Step::Publish => {
                publish(now)?;
                (Status::Published, Some(now), "published")
            }
            Step::PublishAsOf(at) if at <= now => {
                // Its own time has passed; what matters is whether it may go out now.
                publish(now)?;
                (Status::Published, Some(at), "published")
            }
            Step::Schedule(at) | Step::PublishAsOf(at) => {
                if at <= now {
                    return Err(refuse(
                        Field::PublishAt,
                        "give a time in the future, or publish now",
                    ));
                }
                if embargoed(at).is_some() {
                    return Err(refuse(Field::PublishAt, "that is before the embargo ends"));
                }
                if item.status == Status::Published {
                    return Err(refuse(Field::Form, "this item is already published"));
                }
                (Status::Scheduled, Some(at), "scheduled")
            }
            Step::Unpublish | Step::UnpublishAt(_) if item.status != Status::Published => {
                return Err(refuse(
                    Field::Form,
                    "only a published item can be withdrawn",
                ));
            }
            Step::UnpublishAt(at) => {
                if at <= now {
                    return Err(refuse(
                        Field::UnpublishAt,
                        "give a time in the future, or withdraw now",
                    ));
                }
                w.set_unpublish_at(id, Some(at)).await?;
                w.append_change(Entity::Item, &id.to_string(), "expiry set")
                    .await?;
                w.audit_by(
                    actor.by(),
                    "withdrawal scheduled",
                    &format!("item:{id}"),
                    &at.to_string(),
                )
                .await?;
                return Ok(());
            }
            Step::Unpublish => (Status::Unpublished, item.published_at, "unpublished"),
        };
        // The expiry typed with publishing or scheduling; refused before anything of
        // this step is written when it would come no later than the publication.
        let withdraw_at = command
            .withdraw_at
            .filter(|_| matches!(status, Status::Published | Status::Scheduled));
        if let Some(until) = withdraw_at
            && published_at.is_some_and(|at| until <= at)
        {
            return Err(refuse(Field::UnpublishAt, WITHDRAW_AFTER_PUBLISHING));
        }
        w.set_publication(id, status, published_at).await?;
        if status == Status::Unpublished {
            w.set_unpublish_at(id, None).await?;
        }
        // An expiry left from an earlier schedule must not withdraw the item the moment
        // it goes out: one that no longer comes after the publication is dropped.
        let outdated = item.unpublish_at.is_some()
            && withdraw_at.is_none()
            && (status == Status::Draft
                || published_at.is_some_and(|at| item.unpublish_at.is_some_and(|u| u <= at)));
        if outdated {
            w.set_unpublish_at(id, None).await?;
        }
        if let Some(until) = withdraw_at {
            w.set_unpublish_at(id, Some(until)).await?;
            w.audit_by(
                actor.by(),
                "withdrawal scheduled",
                &format!("item:{id}"),
                &until.to_string(),
            )
            .await?;
        }
        let seq = w
            .append_change(Entity::Item, &id.to_string(), status.as_str())
            .await?;
        match status {
            Status::Published => self.announce(w, id, WebhookEvent::Published, seq).await?,
            Status::Unpublished => self.announce(w, id, WebhookEvent::Withdrawn, seq).await?,
            _ => {}
        }
        // A hand-over keeps its note with it, so the other side reads why.
        let hand_over = match step {
            Step::Submit => Some("submit"),
            Step::ReturnToDraft => Some("draft"),
            _ => None,
        };
        let note = command
            .note
            .as_ref()
            .filter(|_| hand_over.is_some())
            .map(AsRef::as_ref);
        if let Some(kind) = hand_over {
            w.insert_hand_over(id, kind, note, actor.by()).await?;
        }
        let detail = match note {
            Some(note) => format!("{}; note: {note}", item.headline),
            None => item.headline.to_owned(),
        };
        w.audit_by(actor.by(), audit, &format!("item:{id}"), &detail)
            .await?;
        Ok(())
    }

    /// Records the item's fields as they now stand, under its current version, in
    /// `section` (which the draft may have named by its display name).
    async fn record_revision(
        &self,
        w: &mut Writer,
        actor: &Actor,
        id: ItemId,
        stored: &Draft,
        section: &Slug,
    ) -> Result<(), EditError> {
        let version = w.item_version(id).await?.ok_or(EditError::NotFound)?;
        // A revision records content, not one-off instructions such as when to publish.
        let snapshot = Snapshot {
            form: ItemForm {
                section: section.to_string(),
                ..ItemForm::from_draft(stored, &self.zone)
            },
        };
        let snapshot = serde_json::to_string(&snapshot).unwrap_or_default();
        w.insert_revision(id, version, &snapshot, actor.by())
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
        allow(actor, actor.scope_of(&item), &[Action::Correct])?;
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.is_empty() || note.chars().count() > 2000 {
            return Err(refuse(
                Field::Note,
                "write the correction (up to 2000 characters)",
            ));
        }
        if item.status != Status::Published {
            return Err(refuse(
                Field::Note,
                "only a published item takes corrections",
            ));
        }
        w.insert_correction(id, &note).await?;
        let seq = w
            .append_change(Entity::Item, &id.to_string(), "corrected")
            .await?;
        self.announce(&mut w, id, WebhookEvent::Corrected, seq)
            .await?;
        w.audit_by(actor.by(), "corrected", &format!("item:{id}"), &note)
            .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Deletes a draft, if nobody saved it since `version` (when given). Only drafts go:
    /// anything that was in review, scheduled or public is withdrawn, never erased.
    /// Deleting is for those who may edit the draft: its reporter, editors and admins.
    pub async fn delete_draft(
        &self,
        actor: &Actor,
        id: ItemId,
        version: Option<i64>,
    ) -> Result<(), EditError> {
        let mut w = self.store.begin(self.clock.now()).await?;
        let item = w.item_for_update(id).await?.ok_or(EditError::NotFound)?;
        allow(actor, actor.scope_of(&item), &[Action::Edit])?;
        if version.is_some_and(|v| v != item.version) {
            return Err(EditError::Stale {
                current: Box::new(item),
            });
        }
        if item.status != Status::Draft {
            return Err(EditError::NotDraft);
        }
        let relating = w.delete_item(id).await?;
        // The read models and the search index drop an item whose change finds no row.
        w.append_change(Entity::Item, &id.to_string(), "deleted")
            .await?;
        for other in relating {
            w.append_change(Entity::Item, &other.to_string(), "updated")
                .await?;
        }
        w.audit_by(actor.by(), "deleted", &format!("item:{id}"), &item.headline)
            .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Saves an earlier revision's fields as the newest version, if nobody saved since
    /// `version`.
    pub async fn restore_revision(
        &self,
        actor: &Actor,
        id: ItemId,
        version: i64,
        revision: i64,
    ) -> Result<(), EditError> {
        let revisions = self.store.revisions(id).await?;
        let Some(old) = revisions.iter().find(|r| r.version == revision) else {
            return Err(EditError::NotFound);
        };
        let snapshot: Snapshot =
            serde_json::from_str(&old.snapshot).map_err(|_| EditError::NotFound)?;
        let command = match snapshot.form.command(Button::Save, &self.zone) {
            Ok(command) => command,
            Err(errors) => {
                // A revision today's rules refuse: refused as any restore would be
                // first, for whoever may not restore it at all.
                let item = self
                    .store
                    .item_fresh(id)
                    .await?
                    .ok_or(EditError::NotFound)?;
                may_attempt(
                    actor,
                    Some(&item),
                    Action::Edit,
                    Action::Restore,
                    false,
                    false,
                )?;
                return Err(EditError::Invalid(errors));
            }
        };
        self.save(actor, id, version, &command, Action::Restore)
            .await
    }

    /// Why an input that did not parse is refused, as the use case would say it: not
    /// found or forbidden when `actor` may not take `step` on `item` (a new item when
    /// none) at all, whatever the fields; otherwise every wrong field at once, `errors`
    /// and those only the store can name. Writes nothing.
    ///
    /// `step` is the permission the step asked for needs (see [`Step::action`]), as the
    /// step itself may be what did not parse (scheduling without a time).
    pub async fn refusal(
        &self,
        actor: &Actor,
        item: Option<&Item>,
        step: Action,
        input: &DraftInput,
        mut errors: FieldErrors,
    ) -> Result<EditError, StoreError> {
        if let Err(refused) = may_attempt(
            actor,
            item,
            step,
            Action::Edit,
            input.pinned,
            input.breaking,
        ) {
            return Ok(refused);
        }
        errors.extend(self.reference_errors(actor, input).await?);
        Ok(EditError::Invalid(errors))
    }

    /// What only the store can say is wrong with `input` as `actor` would write it: an
    /// edition, section, related item or image that does not exist, an author or tag
    /// the actor may not add. Reads only, in a transaction that is never committed.
    ///
    /// For an input that did not parse, so that every wrong field is shown at once;
    /// the parts that did not parse are left out, as their errors are said already.
    async fn reference_errors(
        &self,
        actor: &Actor,
        input: &DraftInput,
    ) -> Result<FieldErrors, StoreError> {
        let edition = EditionCode::parse(input.edition.trim()).ok();
        let section = match &input.section {
            SectionRef::Slug(slug) => Section::check_slug(slug.trim())
                .ok()
                .map(SectionChoice::Slug),
            SectionRef::Named(name) => PersonName::parse(name).ok().map(SectionChoice::Named),
        };
        let names = |raw: &[String]| -> Vec<PersonName> {
            raw.iter()
                .filter_map(|n| PersonName::parse(n).ok())
                .collect()
        };
        let (authors, tags) = (names(&input.authors), names(&input.tags));
        let refs = Refs {
            edition: edition.as_ref(),
            section: section.as_ref(),
            authors: &authors,
            new_authors: input.new_authors.as_deref(),
            tags: &tags,
            related: input.related.filter(|id| *id > 0),
            lead_media: input.lead_media.filter(|id| *id > 0),
        };
        let mut w = self.store.begin(self.clock.now()).await?;
        match look_up(&mut w, actor, &refs).await {
            Ok((_, errors)) => Ok(errors),
            Err(EditError::Store(e)) => Err(e),
            Err(_) => Ok(FieldErrors::default()),
        }
        // `w` is dropped here uncommitted: nothing it could have written is kept.
    }

    /// The editor's form for `item`: its newest revision when that is its current
    /// version, else its fields; with the times it is published and withdrawn at, if any.
    pub async fn form_of(&self, item: &Item) -> Result<ItemForm, NewsroomError> {
        let form = match self.store.revisions(item.id).await?.first() {
            Some(newest) if newest.version == item.version => {
                serde_json::from_str::<Snapshot>(&newest.snapshot)
                    .ok()
                    .map(|s| s.form)
            }
            _ => None,
        };
        let form = match form {
            Some(form) => form,
            None => ItemForm::from_input(&self.input_of(item).await?, &self.zone),
        };
        // The times are the item's own, not in its revisions: shown as stored, so a
        // save does not look as if it dropped them.
        Ok(form
            .publishing_at(item.published_at, &self.zone)
            .withdrawing_at(item.unpublish_at, &self.zone))
    }

    /// The item's fields as a draft, to change and save back (an API's partial
    /// update); refused when stored fields break today's rules.
    pub async fn draft_of(&self, item: &Item) -> Result<Draft, EditError> {
        Ok(Draft::parse(self.input_of(item).await?)?)
    }

    /// The item's fields as plain values, with names for its ids.
    async fn input_of(&self, item: &Item) -> Result<DraftInput, NewsroomError> {
        let primary = self.store.primary();
        let authors = primary.authors().await?;
        let tags = primary.tags().await?;
        let sections = primary.sections().await?;
        Ok(DraftInput {
            new_authors: None,
            edition: item.edition.to_string(),
            kind: item.kind.as_str().to_owned(),
            headline: item.headline.clone(),
            slug: if item.slug
                == crate::domain::Slug::from_text(&item.headline, item.kind.as_str()).as_ref()
            {
                String::new()
            } else {
                item.slug.clone()
            },
            dek: item.dek.clone().unwrap_or_default(),
            seo_title: item.seo.title.clone().unwrap_or_default(),
            seo_description: item.seo.description.clone().unwrap_or_default(),
            body: item.body.markdown.clone(),
            section: SectionRef::Slug(
                sections
                    .iter()
                    .find(|s| s.id == item.section)
                    .map(|s| s.slug.to_string())
                    .unwrap_or_default(),
            ),
            authors: item
                .authors
                .iter()
                .filter_map(|id| authors.iter().find(|a| a.id == *id))
                .map(|a| a.name.clone())
                .collect(),
            outlet: item.outlet.clone().unwrap_or_default(),
            tags: item
                .tags
                .iter()
                .filter_map(|id| tags.iter().find(|t| t.id == *id))
                .map(|t| t.name.clone())
                .collect(),
            related: item.related,
            translation_of: item.translation_of,
            lead_media: item.lead_media,
            pinned: item.pinned,
            breaking: item.breaking,
            embargo: item.embargo_until,
        })
    }
}

/// Refuses unless `actor` may write `item` (a new item when none) with a step needing
/// `step`, as an edit or a restore (`how`), turning on the flags asked for.
fn may_attempt(
    actor: &Actor,
    item: Option<&Item>,
    step: Action,
    how: Action,
    pinned: bool,
    breaking: bool,
) -> Result<(), EditError> {
    match item {
        None => {
            let mut needs = vec![Action::Create, Action::Edit, step];
            if pinned || breaking {
                needs.push(Action::SetFlags);
            }
            allow(actor, Scope::NewItem, &needs)
        }
        Some(item) => {
            let mut needs = vec![Action::Edit, how, step];
            // A form without the flag boxes leaves the flags as they are; turning one
            // on needs the right to, and a restore keeps what its actor may not change.
            if how == Action::Edit && ((pinned && !item.pinned) || (breaking && !item.breaking)) {
                needs.push(Action::SetFlags);
            }
            allow(actor, actor.scope_of(item), &needs)
        }
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

/// Whether writing `draft` over `item` would change nothing it stores: the same
/// content, section, byline, tags and flags. Reads only, inside `w`.
pub(super) async fn same_fields(
    w: &mut Writer,
    actor: &Actor,
    item: &Item,
    draft: &Draft,
) -> Result<bool, EditError> {
    let content = &draft.content;
    let plain = item.kind == content.kind
        && item.headline == content.headline.as_ref()
        && item.slug == content.slug.as_ref()
        && item.dek == content.dek
        && item.seo == content.seo
        && item.body.markdown == content.body.markdown
        && item.outlet == content.byline.outlet
        && item.pinned == draft.pinned
        && item.breaking == draft.breaking
        && item.related == draft.related
        && item.translation_of == draft.translation_of
        && item.lead_media == draft.lead_media
        && item.embargo_until == draft.embargo;
    if !plain {
        return Ok(false);
    }
    let plan = resolve(w, actor, draft).await?;
    let existing = |found: &Found<_>| match found {
        Found::Existing(id) => Some(*id),
        Found::New { .. } => None,
    };
    let section = match &plan.section {
        Found::Existing((id, _)) => Some(*id),
        Found::New { .. } => None,
    };
    let authors: Option<Vec<AuthorId>> = plan.authors.iter().map(existing).collect();
    let tags: Option<Vec<TagId>> = plan.tags.iter().map(existing).collect();
    Ok(section == Some(item.section)
        && authors.as_deref() == Some(item.authors.as_slice())
        && tags.as_deref() == Some(item.tags.as_slice()))
}
