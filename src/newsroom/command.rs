//! Typed commands for items: the checked values every way of writing an item (the
//! editor's form, the API, the importers) hands the use cases, and the errors that
//! name the fields which are wrong.
//!
//! Checking a command is pure: [`Draft::parse`] reads no store and writes nothing.
//! What only the store can answer (does the section exist, may this account add that
//! author) is asked by the use case, inside its transaction, before it writes.

use std::collections::HashSet;

use jiff::Timestamp;
use thiserror::Error;

use crate::domain::{
    Action, Body, Byline, DomainError, EditionCode, Headline, ItemContent, ItemId, ItemKind,
    PersonName, Section, Seo, Slug,
};

/// A field of an item, as errors name it (and as forms and the API call it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The edition code.
    Edition,
    /// Article or brief.
    Kind,
    /// The headline.
    Headline,
    /// The address (slug) chosen instead of the headline's.
    Slug,
    /// The standfirst.
    Dek,
    /// The title for search engines and social cards.
    SeoTitle,
    /// The description for search engines and social cards.
    SeoDescription,
    /// The body in Markdown.
    Body,
    /// The section.
    Section,
    /// The byline's authors.
    Authors,
    /// The outlet after the byline.
    Outlet,
    /// The tags.
    Tags,
    /// The related item.
    Related,
    /// The item this one translates.
    TranslationOf,
    /// The lead image.
    LeadMedia,
    /// The embargo.
    Embargo,
    /// When to publish (scheduling).
    PublishAt,
    /// When to withdraw.
    UnpublishAt,
    /// A correction's note.
    Note,
    /// The note sent with submitting an item or sending it back to draft.
    DeskNote,
    /// The item as a whole, or the workflow step asked for.
    Form,
}

impl Field {
    /// The field's name in forms, snapshots and API payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edition => "edition",
            Self::Kind => "kind",
            Self::Headline => "headline",
            Self::Slug => "slug",
            Self::Dek => "dek",
            Self::SeoTitle => "seo_title",
            Self::SeoDescription => "seo_description",
            Self::Body => "body",
            Self::Section => "section",
            Self::Authors => "authors",
            Self::Outlet => "outlet",
            Self::Tags => "tags",
            Self::Related => "related",
            Self::TranslationOf => "translation_of",
            Self::LeadMedia => "lead_media",
            Self::Embargo => "embargo",
            Self::PublishAt => "publish_at",
            Self::UnpublishAt => "unpublish_at",
            Self::Note => "note",
            Self::DeskNote => "desk_note",
            Self::Form => "form",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field that is wrong, and why, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// Which field.
    pub field: Field,
    /// What is wrong with it.
    pub message: String,
}

/// Every field that is wrong in one request; empty when none is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Error)]
#[error("{}", list(.0))]
pub struct FieldErrors(Vec<FieldError>);

fn list(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl FieldErrors {
    /// Adds a message for `field`; a field keeps only its first message.
    pub fn add(&mut self, field: Field, message: impl Into<String>) {
        if self.for_field(field).is_none() {
            self.0.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    /// One message for one field.
    pub fn one(field: Field, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    /// Adds every message of `other` (for fields without one yet).
    pub fn extend(&mut self, other: FieldErrors) {
        for e in other.0 {
            self.add(e.field, e.message);
        }
    }

    /// The message for a field, if any.
    pub fn for_field(&self, field: Field) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The message for a field by its name, as templates ask.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field.as_str() == field)
            .map(|e| e.message.as_str())
    }

    /// Every field that is wrong, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// Whether no field is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when no field is wrong, the errors otherwise.
    fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(v) if self.is_empty() => Ok(v),
            _ if !self.is_empty() => Err(self),
            // Every check that failed also said why; this only guards against one that
            // did not.
            _ => Err(Self::one(Field::Form, "the item could not be checked")),
        }
    }
}

/// How an input names an item's section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionRef {
    /// An existing section, by slug; an unknown one is refused.
    Slug(String),
    /// A section by its display name, created when the edition has none of that name
    /// (copy from the wire names sections as readers see them).
    Named(String),
}

impl Default for SectionRef {
    fn default() -> Self {
        Self::Slug(String::new())
    }
}

/// A checked section reference: a safe slug, or a display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionChoice {
    /// An existing section of the edition.
    Slug(Slug),
    /// The edition's section of this name, created by those who may when missing.
    Named(PersonName),
}

/// An item's fields as some input gave them, before any check: what a form, an API
/// payload or a file of copy is turned into, and what [`Draft::parse`] checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftInput {
    /// Edition code.
    pub edition: String,
    /// "article" or "brief".
    pub kind: String,
    /// Headline.
    pub headline: String,
    /// The address (slug) chosen for it; empty to make it from the headline.
    pub slug: String,
    /// Standfirst; empty for none.
    pub dek: String,
    /// Title for search engines and social cards; empty for the headline.
    pub seo_title: String,
    /// Description for search engines and social cards; empty for the standfirst.
    pub seo_description: String,
    /// Body in Markdown.
    pub body: String,
    /// Section.
    pub section: SectionRef,
    /// Author names in byline order.
    pub authors: Vec<String>,
    /// The authors not yet known that the person typing confirmed as new; `None`
    /// where the names come from a program (the API, an import), whose new names are
    /// added as the role allows.
    pub new_authors: Option<Vec<String>>,
    /// Outlet after the byline; empty for the edition's own.
    pub outlet: String,
    /// Tag names.
    pub tags: Vec<String>,
    /// Related item.
    pub related: Option<ItemId>,
    /// The item of another edition this one translates.
    pub translation_of: Option<ItemId>,
    /// Lead image.
    pub lead_media: Option<i64>,
    /// Lead story on the home page.
    pub pinned: bool,
    /// Breaking news.
    pub breaking: bool,
    /// Not to be published before this time.
    pub embargo: Option<Timestamp>,
}

/// An item's editable fields as checked domain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The edition it is written for.
    pub edition: EditionCode,
    /// Its section.
    pub section: SectionChoice,
    /// Kind, headline, slug, standfirst, rendered body, byline and tags; authors and
    /// tags named twice (by the same slug) are merged, the first spelling kept.
    pub content: ItemContent,
    /// Related item, to promote under this one.
    pub related: Option<ItemId>,
    /// The item of another edition this one translates.
    pub translation_of: Option<ItemId>,
    /// Lead image.
    pub lead_media: Option<i64>,
    /// Lead story on the home page.
    pub pinned: bool,
    /// Breaking news.
    pub breaking: bool,
    /// The unknown authors the person typing confirmed as new; `None` for programs.
    pub new_authors: Option<Vec<String>>,
    /// Not to be published, by any path, before this time.
    pub embargo: Option<Timestamp>,
}

/// Checks a list of names for `field`, keeping the first of those sharing a slug.
fn names(
    raw: &[String],
    field: Field,
    fallback: &str,
    errors: &mut FieldErrors,
) -> Vec<PersonName> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for name in raw.iter().filter(|n| !n.trim().is_empty()) {
        match PersonName::parse(name) {
            // Two spellings with one slug name the same author or tag: "Ayla Karimova"
            // and "ayla  karimova" are one person, credited once.
            Ok(name) => {
                if seen.insert(Slug::from_text(name.as_ref(), fallback)) {
                    out.push(name);
                }
            }
            Err(e) => errors.add(field, format!("{e}: '{}'", name.trim())),
        }
    }
    out
}

impl Draft {
    /// Checks every field of `input`, naming each one that is wrong. Reads no store and
    /// writes nothing.
    pub fn parse(input: DraftInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let edition = EditionCode::parse(input.edition.trim())
            .map_err(|_| errors.add(Field::Edition, "choose an edition"))
            .ok();
        let kind = ItemKind::parse(input.kind.trim())
            .map_err(|_| errors.add(Field::Kind, "choose article or brief"))
            .ok();
        let headline = Headline::parse(&input.headline)
            .map_err(|e| errors.add(Field::Headline, e.to_string()))
            .ok();
        let dek = ItemContent::check_dek(&input.dek)
            .map_err(|e| errors.add(Field::Dek, e.to_string()))
            .ok();
        let body = Body::from_markdown(&input.body)
            .map_err(|e| errors.add(Field::Body, e.to_string()))
            .ok();
        let seo_title = Seo::check_title(&input.seo_title)
            .map_err(|e| errors.add(Field::SeoTitle, e.to_string()))
            .ok();
        let seo_description = Seo::check_description(&input.seo_description)
            .map_err(|e| errors.add(Field::SeoDescription, e.to_string()))
            .ok();
        let section = match &input.section {
            SectionRef::Slug(slug) => Section::check_slug(slug.trim())
                .map(SectionChoice::Slug)
                .map_err(|_| errors.add(Field::Section, "choose a section of this edition"))
                .ok(),
            SectionRef::Named(name) => PersonName::parse(name)
                .map(SectionChoice::Named)
                .map_err(|e| errors.add(Field::Section, e.to_string()))
                .ok(),
        };
        let authors = names(&input.authors, Field::Authors, "author", &mut errors);
        if kind == Some(ItemKind::Article) && authors.is_empty() {
            errors.add(Field::Authors, DomainError::MissingAuthor.to_string());
        }
        let outlet = match input.outlet.trim() {
            "" => None,
            raw => PersonName::parse(raw)
                .map_err(|e| errors.add(Field::Outlet, e.to_string()))
                .ok(),
        };
        let tags = names(&input.tags, Field::Tags, "tag", &mut errors);
        if input.related.is_some_and(|id| id <= 0) {
            errors.add(Field::Related, "give the id of an item of the same edition");
        }
        if input.translation_of.is_some_and(|id| id <= 0) {
            errors.add(
                Field::TranslationOf,
                "give the id of the same story in another edition",
            );
        }
        if input.lead_media.is_some_and(|id| id <= 0) {
            errors.add(Field::LeadMedia, "choose an uploaded image");
        }
        let chosen_slug = match input.slug.trim() {
            "" => None,
            typed => match Slug::parse(typed) {
                Ok(slug) => Some(slug),
                Err(_) => {
                    errors.add(
                        Field::Slug,
                        "use lowercase letters, digits and single hyphens, at most 96",
                    );
                    None
                }
            },
        };
        let draft = (|| {
            let (headline, kind) = (headline?, kind?);
            Some(Self {
                edition: edition?,
                section: section?,
                content: ItemContent {
                    slug: chosen_slug
                        .unwrap_or_else(|| Slug::from_text(headline.as_ref(), kind.as_str())),
                    kind,
                    headline,
                    dek: dek?,
                    body: body?,
                    byline: Byline {
                        authors,
                        outlet: outlet.map(|o| o.as_ref().to_owned()),
                    },
                    tags,
                    seo: Seo {
                        title: seo_title?,
                        description: seo_description?,
                    },
                },
                new_authors: input.new_authors.clone(),
                related: input.related,
                translation_of: input.translation_of,
                lead_media: input.lead_media,
                pinned: input.pinned,
                breaking: input.breaking,
                embargo: input.embargo,
            })
        })();
        errors.finish(draft)
    }

    /// The draft's fields as plain values again, for a form, a snapshot or a payload.
    pub fn input(&self) -> DraftInput {
        let c = &self.content;
        DraftInput {
            edition: self.edition.to_string(),
            kind: c.kind.as_str().to_owned(),
            headline: c.headline.to_string(),
            // Shown only when it is not the one the headline gives, so that a slug that
            // follows the headline keeps following it.
            slug: if c.slug == Slug::from_text(c.headline.as_ref(), c.kind.as_str()) {
                String::new()
            } else {
                c.slug.to_string()
            },
            dek: c.dek.clone().unwrap_or_default(),
            seo_title: c.seo.title.clone().unwrap_or_default(),
            seo_description: c.seo.description.clone().unwrap_or_default(),
            body: c.body.markdown.clone(),
            section: match &self.section {
                SectionChoice::Slug(slug) => SectionRef::Slug(slug.to_string()),
                SectionChoice::Named(name) => SectionRef::Named(name.as_ref().to_owned()),
            },
            authors: names_of(&c.byline.authors),
            new_authors: self.new_authors.clone(),
            outlet: c.byline.outlet.clone().unwrap_or_default(),
            tags: names_of(&c.tags),
            related: self.related,
            translation_of: self.translation_of,
            lead_media: self.lead_media,
            pinned: self.pinned,
            breaking: self.breaking,
            embargo: self.embargo,
        }
    }
}

fn names_of(names: &[PersonName]) -> Vec<String> {
    names.iter().map(|n| n.as_ref().to_owned()).collect()
}

/// A workflow step taken with a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Just save.
    Save,
    /// Save and hand to the editors (a draft only).
    Submit,
    /// Save and send back to draft (from review or schedule).
    ReturnToDraft,
    /// Save and make public now.
    Publish,
    /// Save and publish at this (future) time.
    Schedule(Timestamp),
    /// Save and publish with this publication time: at once when it has passed, as
    /// scheduled when it has not. How copy from elsewhere keeps its dates.
    PublishAsOf(Timestamp),
    /// Withdraw a published item now.
    Unpublish,
    /// Withdraw a published item at this (future) time.
    UnpublishAt(Timestamp),
}

impl Step {
    /// The permission this step needs besides changing the fields, at `now`.
    pub fn action(self, now: Timestamp) -> Action {
        match self {
            Self::Save => Action::Edit,
            Self::Submit => Action::SubmitForReview,
            Self::ReturnToDraft => Action::ReturnToDraft,
            Self::Publish => Action::Publish,
            Self::Schedule(_) => Action::Schedule,
            Self::PublishAsOf(at) if at > now => Action::Schedule,
            Self::PublishAsOf(_) => Action::Publish,
            Self::Unpublish | Self::UnpublishAt(_) => Action::Unpublish,
        }
    }
}

/// Everything one write of an item asks for: its fields and the step to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCommand {
    /// The fields, checked.
    pub draft: Draft,
    /// What to do besides saving them.
    pub step: Step,
    /// When to withdraw the item again, given with publishing or scheduling it.
    pub withdraw_at: Option<Timestamp>,
    /// The note for the other side, sent with submitting or sending back to draft.
    pub note: Option<DeskNote>,
}

/// Why a desk note is refused.
pub const DESK_NOTE_TOO_LONG: &str = "keep the note to 1000 characters";

/// A plain-text note handed over with a workflow step: trimmed, never empty, at most
/// [`DeskNote::MAX_CHARS`] characters; line breaks kept, other control characters
/// dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskNote(String);

impl DeskNote {
    /// Longest note accepted, in characters.
    pub const MAX_CHARS: usize = 1000;

    /// The note typed, `None` when nothing was, or why it is refused.
    pub fn parse(raw: &str) -> Result<Option<Self>, FieldErrors> {
        let kept: String = raw
            .replace("\r\n", "\n")
            .chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .collect();
        let note = kept.trim();
        if note.is_empty() {
            return Ok(None);
        }
        if note.chars().count() > Self::MAX_CHARS {
            return Err(FieldErrors::one(Field::DeskNote, DESK_NOTE_TOO_LONG));
        }
        Ok(Some(Self(note.to_owned())))
    }
}

impl AsRef<str> for DeskNote {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DraftInput {
        DraftInput {
            edition: "en".into(),
            kind: "article".into(),
            headline: "Ministers meet".into(),
            body: "Text.".into(),
            section: SectionRef::Slug("politics".into()),
            authors: vec!["Ayla Karimova".into()],
            ..DraftInput::default()
        }
    }

    #[test]
    fn a_valid_input_becomes_a_draft_and_back() {
        let draft = Draft::parse(input()).expect("valid");
        assert_eq!(draft.content.headline.as_ref(), "Ministers meet");
        assert_eq!(draft.content.slug.as_ref(), "ministers-meet");
        assert_eq!(
            draft.section,
            SectionChoice::Slug(Slug::parse("politics").expect("slug"))
        );
        assert_eq!(draft.input(), input());
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let errors = Draft::parse(DraftInput {
            edition: "english".into(),
            kind: "video".into(),
            headline: " ".into(),
            dek: "x".repeat(401),
            section: SectionRef::Slug("Not a slug".into()),
            authors: Vec::new(),
            tags: vec!["x".repeat(121)],
            outlet: "\u{7}".into(),
            related: Some(0),
            lead_media: Some(-1),
            ..input()
        })
        .expect_err("invalid");
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::Edition,
                Field::Kind,
                Field::Headline,
                Field::Dek,
                Field::Section,
                Field::Outlet,
                Field::Tags,
                Field::Related,
                Field::LeadMedia,
            ]
        );
        assert_eq!(errors.get("headline"), Some("the headline is empty"));
    }

    #[test]
    fn an_article_needs_an_author_and_a_brief_does_not() {
        let errors = Draft::parse(DraftInput {
            authors: vec![" ".into()],
            ..input()
        })
        .expect_err("no author");
        assert_eq!(
            errors.for_field(Field::Authors),
            Some("an article needs at least one author")
        );
        let brief = Draft::parse(DraftInput {
            kind: "brief".into(),
            authors: Vec::new(),
            ..input()
        });
        assert!(brief.is_ok(), "{brief:?}");
    }

    #[test]
    fn authors_and_tags_named_twice_are_merged_by_their_slug() {
        let draft = Draft::parse(DraftInput {
            authors: vec![
                "Ayla Karimova".into(),
                "Rauf Aliyev".into(),
                "ayla  KARIMOVA".into(),
                "Ayla-Karimova".into(),
            ],
            tags: vec![
                "Energy".into(),
                "energy".into(),
                "ENERGY ".into(),
                "Şuşa".into(),
                "susa".into(),
            ],
            ..input()
        })
        .expect("duplicates are not an error");
        let authors: Vec<&str> = draft
            .content
            .byline
            .authors
            .iter()
            .map(AsRef::as_ref)
            .collect();
        assert_eq!(authors, ["Ayla Karimova", "Rauf Aliyev"]);
        let tags: Vec<&str> = draft.content.tags.iter().map(AsRef::as_ref).collect();
        assert_eq!(tags, ["Energy", "Şuşa"]);
    }

    #[test]
    fn steps_need_the_permission_of_what_they_do() {
        let now: Timestamp = "2025-05-21T12:00:00Z".parse().expect("time");
        let later: Timestamp = "2025-05-21T13:00:00Z".parse().expect("time");
        let earlier: Timestamp = "2025-05-21T11:00:00Z".parse().expect("time");
        assert_eq!(Step::PublishAsOf(earlier).action(now), Action::Publish);
        assert_eq!(Step::PublishAsOf(later).action(now), Action::Schedule);
        assert_eq!(Step::Schedule(later).action(now), Action::Schedule);
        assert_eq!(Step::UnpublishAt(later).action(now), Action::Unpublish);
    }

    #[test]
    fn a_desk_note_is_trimmed_kept_to_its_length_and_may_be_left_out() {
        assert_eq!(DeskNote::parse("  \r\n "), Ok(None));
        let note = DeskNote::parse(" Check the\r\nfigures\u{7} ")
            .expect("valid")
            .expect("given");
        assert_eq!(note.as_ref(), "Check the\nfigures");
        assert!(DeskNote::parse(&"é".repeat(DeskNote::MAX_CHARS)).is_ok());
        let errors = DeskNote::parse(&"é".repeat(DeskNote::MAX_CHARS + 1)).expect_err("long");
        assert_eq!(errors.for_field(Field::DeskNote), Some(DESK_NOTE_TOO_LONG));
    }

    #[test]
    fn field_errors_keep_the_first_message_of_a_field_and_say_all() {
        let mut errors = FieldErrors::one(Field::Headline, "first");
        errors.add(Field::Headline, "second");
        errors.add(Field::Section, "choose one");
        assert_eq!(errors.get("headline"), Some("first"));
        assert_eq!(errors.to_string(), "headline: first; section: choose one");
    }
}
