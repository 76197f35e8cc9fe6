//! The editor's form as typed, and the one function that turns it into a command.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::command::{
    DeskNote, Draft, DraftInput, Field, FieldErrors, ItemCommand, SectionRef, Step,
};
use crate::domain::{Action, ItemId, time};

/// Why a withdrawal time is refused that does not come after the publication time.
pub const WITHDRAW_AFTER_PUBLISHING: &str = "withdraw after the time it is published";

/// The editor form as typed: every field as text. Revisions keep it too, as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    /// Edition code.
    pub edition: String,
    /// "article" or "brief".
    pub kind: String,
    /// Headline.
    pub headline: String,
    /// The address (slug) chosen; empty to make it from the headline.
    pub slug: String,
    /// Standfirst.
    pub dek: String,
    /// Title for search engines and social cards; empty for the headline.
    pub seo_title: String,
    /// Description for search engines and social cards; empty for the standfirst.
    pub seo_description: String,
    /// Body in Markdown.
    pub body: String,
    /// Section slug.
    pub section: String,
    /// Author names, comma-separated.
    pub authors: String,
    /// The names among `authors` confirmed as new authors, comma-separated.
    pub new_authors: String,
    /// Whether a person typed the form, so that a name no author has is added only
    /// once confirmed in `new_authors`; forms made by programs leave it off.
    #[serde(skip)]
    pub typed: bool,
    /// Outlet after the byline, when not the edition's own.
    pub outlet: String,
    /// Tag names, comma-separated.
    pub tags: String,
    /// Related item id.
    pub related: String,
    /// Id of the item of another edition this one translates.
    pub translation_of: String,
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
    /// The note for the other side, sent with submitting or sending back to draft;
    /// a hand-over, not content, so revisions do not keep it.
    #[serde(skip)]
    pub note: String,
}

/// The button an editor pressed besides the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// Save.
    Save,
    /// Submit for review.
    Submit,
    /// Publish now.
    Publish,
    /// Schedule at the form's `publish_at`.
    Schedule,
    /// Withdraw now, or at the form's `unpublish_at` when given.
    Unpublish,
    /// Back to draft.
    ReturnToDraft,
}

impl Button {
    /// The permission the button's step needs, known before the form is read.
    pub fn action(self) -> Action {
        match self {
            Self::Save => Action::Edit,
            Self::Submit => Action::SubmitForReview,
            Self::Publish => Action::Publish,
            Self::Schedule => Action::Schedule,
            Self::Unpublish => Action::Unpublish,
            Self::ReturnToDraft => Action::ReturnToDraft,
        }
    }

    /// Reads the button's value.
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
}

/// The editable fields of an item as a revision keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// The fields, in the form's shape.
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
    field: Field,
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

fn optional_id(raw: &str, field: Field, message: &str, errors: &mut FieldErrors) -> Option<i64> {
    match raw.trim() {
        "" => None,
        raw => match raw.parse::<ItemId>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.add(field, message);
                None
            }
        },
    }
}

fn local(at: Option<Timestamp>, zone: &TimeZone) -> String {
    at.map(|t| {
        t.to_zoned_datetime(zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

impl ItemForm {
    /// Checks the form with the button pressed, its times read in `zone`: the command,
    /// or every field that is wrong. Reads no store and writes nothing.
    pub fn command(&self, button: Button, zone: &TimeZone) -> Result<ItemCommand, FieldErrors> {
        let mut errors = FieldErrors::default();
        let (input, publish_at, unpublish_at) = self.read(zone, &mut errors);
        let draft = Draft::parse(input);
        let step = match button {
            Button::Save => Some(Step::Save),
            Button::Submit => Some(Step::Submit),
            Button::Publish => Some(Step::Publish),
            Button::ReturnToDraft => Some(Step::ReturnToDraft),
            Button::Schedule => match publish_at {
                Some(at) => Some(Step::Schedule(at)),
                None => {
                    errors.add(Field::PublishAt, "give the time to publish at");
                    None
                }
            },
            Button::Unpublish => match unpublish_at {
                Some(at) => Some(Step::UnpublishAt(at)),
                None if self.unpublish_at.trim().is_empty() => Some(Step::Unpublish),
                None => None,
            },
        };
        // Publishing or scheduling keeps the withdrawal time typed with it; the other
        // steps leave an expiry as it stands.
        let withdraw_at = match button {
            Button::Publish | Button::Schedule => unpublish_at,
            _ => None,
        };
        if let (Some(Step::Schedule(at)), Some(until)) = (step, withdraw_at)
            && until <= at
        {
            errors.add(Field::UnpublishAt, WITHDRAW_AFTER_PUBLISHING);
        }
        // A note goes with a hand-over only; the other buttons leave it unread.
        let note = match button {
            Button::Submit | Button::ReturnToDraft => DeskNote::parse(&self.note)
                .map_err(|e| errors.extend(e))
                .ok()
                .flatten(),
            _ => None,
        };
        match draft {
            Ok(draft) if errors.is_empty() => match step {
                Some(step) => Ok(ItemCommand {
                    draft,
                    step,
                    withdraw_at,
                    note,
                }),
                None => Err(FieldErrors::one(Field::Form, "choose what to do")),
            },
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }

    /// The form's fields as a draft's input, its times read in `zone`; a value that
    /// cannot be read (an id that is no number) is left out. For asking the store about
    /// a form that did not parse ([`super::Newsroom::refusal`]).
    pub fn input(&self, zone: &TimeZone) -> DraftInput {
        self.read(zone, &mut FieldErrors::default()).0
    }

    /// Reads the fields that are not plain text, noting those that cannot be read.
    fn read(
        &self,
        zone: &TimeZone,
        errors: &mut FieldErrors,
    ) -> (DraftInput, Option<Timestamp>, Option<Timestamp>) {
        let related = optional_id(
            &self.related,
            Field::Related,
            "give the id of an item of the same edition",
            errors,
        );
        let translation_of = optional_id(
            &self.translation_of,
            Field::TranslationOf,
            "give the id of the same story in another edition",
            errors,
        );
        let lead_media = optional_id(
            &self.lead_media,
            Field::LeadMedia,
            "choose an uploaded image",
            errors,
        );
        let embargo = optional_time(&self.embargo, Field::Embargo, zone, errors);
        let publish_at = optional_time(&self.publish_at, Field::PublishAt, zone, errors);
        let unpublish_at = optional_time(&self.unpublish_at, Field::UnpublishAt, zone, errors);
        let input = DraftInput {
            edition: self.edition.clone(),
            kind: self.kind.clone(),
            headline: self.headline.clone(),
            slug: self.slug.clone(),
            dek: self.dek.clone(),
            seo_title: self.seo_title.clone(),
            seo_description: self.seo_description.clone(),
            body: self.body.clone(),
            section: SectionRef::Slug(self.section.clone()),
            authors: split_names(&self.authors),
            new_authors: self.typed.then(|| split_names(&self.new_authors)),
            outlet: self.outlet.clone(),
            tags: split_names(&self.tags),
            related,
            translation_of,
            lead_media,
            pinned: self.pinned,
            breaking: self.breaking,
            embargo,
        };
        (input, publish_at, unpublish_at)
    }

    /// The form showing `input`, its times in `zone`; nothing to publish or withdraw at.
    pub fn from_input(input: &DraftInput, zone: &TimeZone) -> Self {
        Self {
            edition: input.edition.clone(),
            kind: input.kind.clone(),
            headline: input.headline.clone(),
            slug: input.slug.clone(),
            dek: input.dek.clone(),
            seo_title: input.seo_title.clone(),
            seo_description: input.seo_description.clone(),
            body: input.body.clone(),
            section: match &input.section {
                SectionRef::Slug(s) | SectionRef::Named(s) => s.clone(),
            },
            authors: input.authors.join(", "),
            new_authors: input
                .new_authors
                .as_deref()
                .map(|names| names.join(", "))
                .unwrap_or_default(),
            typed: input.new_authors.is_some(),
            outlet: input.outlet.clone(),
            tags: input.tags.join(", "),
            related: input.related.map(|r| r.to_string()).unwrap_or_default(),
            translation_of: input
                .translation_of
                .map(|r| r.to_string())
                .unwrap_or_default(),
            lead_media: input.lead_media.map(|m| m.to_string()).unwrap_or_default(),
            pinned: input.pinned,
            breaking: input.breaking,
            embargo: local(input.embargo, zone),
            publish_at: String::new(),
            unpublish_at: String::new(),
            note: String::new(),
        }
    }

    /// The form showing a draft, its times in `zone`.
    pub fn from_draft(draft: &Draft, zone: &TimeZone) -> Self {
        Self::from_input(&draft.input(), zone)
    }

    /// The same form with the time an item is (or is to be) published at.
    pub(super) fn publishing_at(mut self, at: Option<Timestamp>, zone: &TimeZone) -> Self {
        self.publish_at = local(at, zone);
        self
    }

    /// The same form with the time a published item is to be withdrawn at.
    pub(super) fn withdrawing_at(mut self, at: Option<Timestamp>, zone: &TimeZone) -> Self {
        self.unpublish_at = local(at, zone);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baku() -> TimeZone {
        TimeZone::get("Asia/Baku").expect("bundled")
    }

    fn form() -> ItemForm {
        ItemForm {
            edition: "en".into(),
            kind: "article".into(),
            headline: "Ministers meet".into(),
            body: "Text.".into(),
            section: "politics".into(),
            authors: "Ayla Karimova, Rauf Aliyev".into(),
            tags: "Energy".into(),
            ..ItemForm::default()
        }
    }

    #[test]
    fn a_form_becomes_a_command_with_its_times_read_in_the_zone() {
        let command = ItemForm {
            embargo: "2025-05-21T16:00".into(),
            publish_at: "2025-05-21 16:29".into(),
            related: " 12 ".into(),
            ..form()
        }
        .command(Button::Schedule, &baku())
        .expect("valid");
        assert_eq!(
            command.step,
            Step::Schedule("2025-05-21T12:29:00Z".parse().expect("time"))
        );
        assert_eq!(
            command.draft.embargo.map(|t| t.to_string()).as_deref(),
            Some("2025-05-21T12:00:00Z")
        );
        assert_eq!(command.draft.related, Some(12));
        assert_eq!(command.draft.content.byline.authors.len(), 2);
    }

    #[test]
    fn scheduling_without_a_time_and_bad_values_are_named() {
        let errors = ItemForm {
            headline: String::new(),
            related: "twelve".into(),
            lead_media: "0".into(),
            embargo: "tomorrow".into(),
            ..form()
        }
        .command(Button::Schedule, &baku())
        .expect_err("invalid");
        for field in ["headline", "related", "lead_media", "embargo", "publish_at"] {
            assert!(errors.get(field).is_some(), "{field}: {errors}");
        }
        assert_eq!(
            errors.get("publish_at"),
            Some("give the time to publish at")
        );
    }

    #[test]
    fn withdrawing_with_or_without_a_time() {
        let now = form().command(Button::Unpublish, &baku()).expect("valid");
        assert_eq!(now.step, Step::Unpublish);
        let later = ItemForm {
            unpublish_at: "2025-05-22 09:00".into(),
            ..form()
        }
        .command(Button::Unpublish, &baku())
        .expect("valid");
        assert_eq!(
            later.step,
            Step::UnpublishAt("2025-05-22T05:00:00Z".parse().expect("time"))
        );
    }

    #[test]
    fn a_withdrawal_typed_with_a_schedule_comes_with_it_and_must_come_after() {
        let scheduled = ItemForm {
            publish_at: "2025-05-22 09:00".into(),
            unpublish_at: "2025-05-23 09:00".into(),
            ..form()
        };
        let command = scheduled.command(Button::Schedule, &baku()).expect("valid");
        assert_eq!(
            command.withdraw_at,
            Some("2025-05-23T05:00:00Z".parse().expect("time"))
        );
        let too_early = ItemForm {
            unpublish_at: "2025-05-22 09:00".into(),
            ..scheduled
        };
        let errors = too_early
            .command(Button::Schedule, &baku())
            .expect_err("invalid");
        assert_eq!(errors.get("unpublish_at"), Some(WITHDRAW_AFTER_PUBLISHING));
        // Saving leaves the expiry as it stands.
        let saved = too_early.command(Button::Save, &baku()).expect("valid");
        assert_eq!(saved.withdraw_at, None);
    }

    #[test]
    fn a_note_goes_with_a_hand_over_and_a_long_one_is_refused_with_the_fields() {
        let typed = ItemForm {
            note: " Please check the quote ".into(),
            ..form()
        };
        let submitted = typed.command(Button::Submit, &baku()).expect("valid");
        assert_eq!(
            submitted.note.as_ref().map(AsRef::as_ref),
            Some("Please check the quote")
        );
        assert_eq!(
            typed.command(Button::Save, &baku()).expect("valid").note,
            None
        );
        let errors = ItemForm {
            note: "x".repeat(DeskNote::MAX_CHARS + 1),
            headline: String::new(),
            ..form()
        }
        .command(Button::ReturnToDraft, &baku())
        .expect_err("too long");
        assert!(errors.get("desk_note").is_some(), "{errors}");
        assert!(errors.get("headline").is_some(), "{errors}");
    }

    #[test]
    fn a_form_round_trips_through_its_draft() {
        let command = form().command(Button::Save, &baku()).expect("valid");
        assert_eq!(ItemForm::from_draft(&command.draft, &baku()), form());
    }
}
