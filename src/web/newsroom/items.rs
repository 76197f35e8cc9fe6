//! The item editor: new items, saving with a workflow step, preview, corrections,
//! history, differences between revisions and restore.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};

use super::Editor;
use super::media::Row;
use super::words::{NewsroomWords, Refusal};
use crate::domain::{Action, Item, ItemId, Scope, Status, may, render_markdown, time};
use crate::newsroom::{
    Button, EMBARGOED_UNTIL, EditError, FieldErrors, ItemCommand, ItemForm, Snapshot, random_token,
};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// How many of the latest images the lead image picker offers besides the chosen one.
const PICKER_SIZE: i64 = 24;

/// The editor form as the browser sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EditorFields {
    csrf: String,
    version: String,
    step: String,
    edition: String,
    kind: String,
    headline: String,
    slug: String,
    dek: String,
    seo_title: String,
    seo_description: String,
    body: String,
    section: String,
    authors: String,
    /// The unknown author names the editor confirmed as new, comma-separated.
    new_authors: String,
    outlet: String,
    tags: String,
    related: String,
    #[serde(default)]
    translation_of: String,
    lead_media: String,
    pinned: Option<String>,
    breaking: Option<String>,
    embargo: String,
    publish_at: String,
    unpublish_at: String,
    /// The browser's autosave slot of a form for a new item.
    draft_key: String,
    /// The note sent with submitting or sending back to draft.
    note: String,
    /// Words the lead image picker is narrowed to (sent with a preview when the page
    /// has no script to ask for them alone).
    image_q: String,
}

impl EditorFields {
    fn item_form(&self) -> ItemForm {
        ItemForm {
            edition: self.edition.clone(),
            kind: self.kind.clone(),
            headline: self.headline.clone(),
            slug: self.slug.clone(),
            dek: self.dek.clone(),
            seo_title: self.seo_title.clone(),
            seo_description: self.seo_description.clone(),
            body: self.body.clone(),
            section: self.section.clone(),
            authors: self.authors.clone(),
            new_authors: self.new_authors.clone(),
            typed: true,
            outlet: self.outlet.clone(),
            tags: self.tags.clone(),
            related: self.related.clone(),
            translation_of: self.translation_of.clone(),
            lead_media: self.lead_media.clone(),
            pinned: self.pinned.is_some(),
            breaking: self.breaking.is_some(),
            embargo: self.embargo.clone(),
            publish_at: self.publish_at.clone(),
            unpublish_at: self.unpublish_at.clone(),
            note: self.note.clone(),
        }
    }
}

/// The item as readers will see it, from the form as typed.
struct PreviewView {
    /// Asked for with the Preview button: shown on a phone too.
    asked: bool,
    html: String,
    section: String,
    byline: String,
    time: String,
}

/// The item as a link shared on a social network shows it.
struct SocialCard {
    site: String,
    title: String,
    description: String,
    image: Option<String>,
}

/// The names in `typed` (comma-separated) that no author has, apart from `own` (one
/// may always credit oneself), each with the known name nearest to it when one is a
/// likely slip (at most two letters apart).
fn unknown_authors(
    snapshot: &crate::read::Snapshot,
    typed: &str,
    own: &str,
) -> Vec<(String, Option<String>)> {
    typed
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty() && *name != own)
        .filter(|name| {
            snapshot
                .author_by_slug(crate::domain::Slug::from_text(name, "author").as_ref())
                .is_none()
        })
        .map(|name| {
            let slug = crate::domain::Slug::from_text(name, "author");
            let nearest = snapshot
                .authors()
                .into_iter()
                .map(|a| (strsim::levenshtein(a.slug.as_ref(), slug.as_ref()), a))
                .filter(|(distance, _)| *distance <= 2)
                .min_by_key(|(distance, _)| *distance)
                .map(|(_, a)| a.name.clone());
            (name.to_owned(), nearest)
        })
        .collect()
}

/// A hand-over with a note, as the newsroom says it: the step in the account's
/// words, who handed it over, when (in `zone`) and the note; none without a note.
fn noted(
    words: &NewsroomWords,
    h: crate::store::HandOver,
    zone: &jiff::tz::TimeZone,
) -> Option<(&'static str, String, String, String)> {
    let step = if h.step == "draft" {
        words.event_returned
    } else {
        words.event_submitted
    };
    let by = h.by.unwrap_or_else(|| "system".into());
    h.note
        .map(|note| (step, by, time::display(h.at, zone), note))
}

/// The other side of a stale save.
struct StaleView {
    version: i64,
    headline: String,
    body: String,
}

#[derive(Template)]
#[template(path = "newsroom/editor.html")]
struct EditorPage {
    chrome: NewsroomChrome,
    id: Option<ItemId>,
    version: i64,
    action_url: String,
    autosave_key: String,
    draft_key: String,
    form: ItemForm,
    errors: FieldErrors,
    embargo_error: Option<String>,
    status: Option<&'static str>,
    public_url: Option<String>,
    embargo_notice: Option<String>,
    others_here: Vec<String>,
    saved: bool,
    stale: Option<StaleView>,
    preview: PreviewView,
    card: SocialCard,
    editions: Vec<(String, String)>,
    sections: Vec<(String, String, String)>,
    media: Vec<Row>,
    /// Names in the byline that no author has yet, each with the nearest known name.
    unknown_authors: Vec<(String, Option<String>)>,
    /// The related item's headline, when the field names one.
    related_headline: Option<String>,
    /// The chosen lead image as the preview shows it: cropped as on the home page.
    lead_preview: Option<Row>,
    /// Words the picker was narrowed to.
    image_query: String,
    /// The upload limit in megabytes.
    max_mb: String,
    zone: String,
    read_only: bool,
    reading: Option<String>,
    can_flag: bool,
    can_submit: bool,
    can_publish: bool,
    can_schedule: bool,
    can_unpublish: bool,
    can_return: bool,
    can_correct: bool,
    published: bool,
    corrections: Vec<(String, String)>,
    /// The note of the item's latest hand-over: the step's words, who, when, the note.
    hand_over: Option<(&'static str, String, String, String)>,
}

impl EditorPage {
    /// The unknown author names, as the confirming checkbox sends them.
    fn unknown_authors_list(&self) -> String {
        self.unknown_authors
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What an editor page shows besides the form.
#[derive(Default)]
struct Shown {
    errors: FieldErrors,
    others_here: Vec<String>,
    saved: bool,
    stale: Option<StaleView>,
    /// Whether the editor asked for the preview (shown on a phone only then).
    preview: bool,
    /// The autosave slot a new item's form came with, kept across its re-renders.
    draft_key: Option<String>,
    /// Words the lead image picker is narrowed to.
    image_query: String,
}

/// A draft key as this editor hands them out: hex, not too long. Anything else is
/// replaced rather than echoed into the browser's storage key.
fn valid_draft_key(key: &str) -> bool {
    (1..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Datetime-local inputs want `2025-05-21T16:29`.
fn for_input(local: &str) -> String {
    local.replacen(' ', "T", 1)
}

async fn render_editor(
    state: &AppState,
    editor: &Editor,
    item: Option<&Item>,
    mut form: ItemForm,
    shown: Shown,
    status: StatusCode,
) -> Result<Response, PageError> {
    let actor = editor.actor();
    let zone = &state.site.time_zone;
    let all_editions = state.newsroom.editions().await?;
    // The use case names the embargo's end in UTC; the desk reads it in the edition's
    // own time, as its readers will.
    let embargo_error = shown
        .errors
        .get("embargo")
        .filter(|message| message.starts_with(EMBARGOED_UNTIL))
        .and_then(|_| time::parse_local(&form.embargo.replacen('T', " ", 1), zone).ok())
        .map(|until| {
            let own = all_editions
                .iter()
                .find(|e| e.code.as_ref() == form.edition)
                .and_then(|e| e.time_zone.as_deref())
                .and_then(|name| jiff::tz::TimeZone::get(name).ok());
            let w = editor.words();
            w.fill(
                w.field_embargoed,
                time::display(until, own.as_ref().unwrap_or(zone)),
            )
        });
    form.embargo = for_input(&form.embargo);
    form.publish_at = for_input(&form.publish_at);
    form.unpublish_at = for_input(&form.unpublish_at);
    let editions = all_editions
        .into_iter()
        .map(|e| (e.code.to_string(), e.name))
        .collect();
    let sections: Vec<(String, String, String)> = state
        .newsroom
        .sections()
        .await?
        .into_iter()
        .map(|s| (s.edition.to_string(), s.slug.to_string(), s.name))
        .collect();
    // A new item starts in the first section of its own edition, not of whichever
    // edition sorts first.
    if form.section.is_empty()
        && let Some((_, slug, _)) = sections.iter().find(|(e, _, _)| *e == form.edition)
    {
        form.section = slug.clone();
    }
    // The picker offers the latest images and always the chosen one; older ones are
    // found by searching.
    let chosen = match form.lead_media.trim().parse::<i64>() {
        Ok(id) if id > 0 => state.newsroom.image(id).await?,
        _ => None,
    };
    let mut media: Vec<Row> = Vec::new();
    let chosen_id = chosen.as_ref().map(|m| m.id);
    if let Some(m) = chosen.clone() {
        media.push(Row::of(m));
    }
    let offered = if shown.image_query.is_empty() {
        state.newsroom.media(PICKER_SIZE).await?
    } else {
        super::media::search_images(state, &shown.image_query, 1)
            .await?
            .0
    };
    media.extend(
        offered
            .into_iter()
            .filter(|m| Some(m.id) != chosen_id)
            .map(Row::of),
    );
    let lead_preview = chosen.map(Row::of);
    let item_status = item.map(|i| i.status);
    let hand_over = match item {
        Some(i) => state.newsroom.last_hand_over(actor, i).await?,
        None => None,
    };
    // Shown while the hand-over is what put the item where it is; the history keeps
    // every note.
    let hand_over = hand_over
        .filter(|h| {
            matches!(
                (h.step.as_str(), item_status),
                ("draft", Some(Status::Draft)) | ("submit", Some(Status::Review))
            )
        })
        .and_then(|h| noted(editor.words(), h, zone));
    let scope = item.map_or(Scope::NewItem, |i| actor.scope_of(i));
    let can = |action| may(actor.role, action, scope);
    // What the account may only read is shown as text, not as a form that ends in a 403.
    let read_only = !can(Action::Edit);
    let snapshot = state.read.snapshot();
    let public_url = item
        .filter(|i| i.status == Status::Published)
        .and_then(|i| snapshot.section(i.section))
        .zip(item)
        .map(|(section, i)| {
            crate::web::urls::item(i.edition.as_ref(), i.id, &i.slug, section.slug.as_ref())
        });
    // Each new item's form gets its own autosave slot, so text kept from one unsaved
    // draft is never offered on another; a saved item's slot is its own.
    let draft_key = match (item, shown.draft_key.filter(|k| valid_draft_key(k))) {
        (Some(_), _) => String::new(),
        (None, Some(key)) => key,
        (None, None) => random_token()?[..32].to_owned(),
    };
    let preview = PreviewView {
        asked: shown.preview,
        html: render_markdown(&form.body),
        section: sections
            .iter()
            .find(|(e, slug, _)| *e == form.edition && *slug == form.section)
            .map(|(_, _, name)| name.clone())
            .unwrap_or_default(),
        byline: match form.outlet.trim() {
            "" => form.authors.clone(),
            outlet => format!("{}//{outlet}", form.authors),
        },
        time: time::parse_local(&form.publish_at.replacen('T', " ", 1), zone)
            .ok()
            .or_else(|| item.and_then(|i| i.published_at))
            .map_or_else(
                || time::display(state.newsroom.now(), zone),
                |at| time::display(at, zone),
            ),
    };
    // Offered only where the save was refused for want of that confirmation.
    let unconfirmed = shown
        .errors
        .get("authors")
        .is_some_and(|message| message.starts_with(crate::newsroom::NEW_AUTHOR));
    let unknown_authors = if unconfirmed {
        unknown_authors(&snapshot, &form.authors, &actor.name)
    } else {
        Vec::new()
    };
    let related_headline = match form.related.trim().parse::<ItemId>() {
        Ok(id) => match snapshot.item(id) {
            Some(found) => Some(found.headline.to_string()),
            None => state
                .newsroom
                .item(id)
                .await
                .ok()
                .flatten()
                .filter(|i| may(actor.role, Action::View, actor.scope_of(i)))
                .map(|i| i.headline),
        },
        Err(_) => None,
    };
    let card = SocialCard {
        site: state
            .site
            .base_url
            .as_deref()
            .and_then(|u| u.parse::<axum::http::Uri>().ok())
            .and_then(|u| u.host().map(str::to_owned))
            .unwrap_or_else(|| state.site.name.clone()),
        title: Some(form.seo_title.trim())
            .filter(|t| !t.is_empty())
            .unwrap_or(form.headline.trim())
            .to_owned(),
        description: Some(form.seo_description.trim())
            .filter(|d| !d.is_empty())
            .unwrap_or(form.dek.trim())
            .to_owned(),
        image: lead_preview.as_ref().map(|m| m.large.clone()),
    };
    let page = EditorPage {
        chrome: NewsroomChrome::new(
            item.map_or(editor.words().new_item, |i| i.headline.as_str()),
            editor,
        ),
        id: item.map(|i| i.id),
        version: item.map_or(0, |i| i.version),
        action_url: item.map_or_else(
            || "/newsroom/items".to_owned(),
            |i| format!("/newsroom/items/{}", i.id),
        ),
        autosave_key: item.map_or_else(
            || format!("new-{draft_key}"),
            |i| format!("{}-v{}", i.id, i.version),
        ),
        draft_key,
        errors: shown.errors,
        embargo_error,
        status: item_status.map(|s| editor.words().status(s)),
        public_url,
        embargo_notice: item
            .and_then(|i| i.embargo_until)
            .filter(|e| *e > state.newsroom.now())
            .map(|e| time::display(e, zone)),
        others_here: shown.others_here,
        saved: shown.saved,
        stale: shown.stale,
        preview,
        card,
        editions,
        sections,
        media,
        unknown_authors,
        related_headline,
        lead_preview,
        image_query: shown.image_query,
        max_mb: super::media::megabytes(state.max_upload_bytes),
        zone: state.site.time_zone_name.clone(),
        read_only,
        reading: read_only.then(|| render_markdown(&form.body)),
        can_flag: can(Action::SetFlags),
        can_submit: item_status.is_none_or(|s| s == Status::Draft) && can(Action::SubmitForReview),
        can_publish: can(Action::Publish),
        can_schedule: can(Action::Schedule),
        can_unpublish: can(Action::Unpublish),
        can_return: matches!(item_status, Some(Status::Review | Status::Scheduled))
            && can(Action::ReturnToDraft),
        can_correct: item_status == Some(Status::Published) && can(Action::Correct),
        published: item_status == Some(Status::Published),
        corrections: item
            .map(|i| {
                i.corrections
                    .iter()
                    .map(|c| (time::display(c.noted_at, zone), c.note.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        hand_over,
        form,
    };
    let mut response = respond::private_html(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// A blank editor.
pub async fn new_item(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    let form = ItemForm {
        edition: state.site.default_edition.to_string(),
        kind: "article".into(),
        // Someone who may only credit themselves starts with their own byline.
        authors: if !may(editor.actor().role, Action::ManageTaxonomy, Scope::Newsroom) {
            editor.actor().name.clone()
        } else {
            String::new()
        },
        ..ItemForm::default()
    };
    render_editor(
        &state,
        &editor,
        None,
        form,
        Shown::default(),
        StatusCode::OK,
    )
    .await
}

fn button_of(fields: &EditorFields) -> Result<Option<Button>, PageError> {
    match fields.step.as_str() {
        // Searching the lead image picker without a script shows the editor again, as
        // a preview does.
        "preview" | "find-images" => Ok(None),
        raw => Button::parse(raw)
            .map(Some)
            .ok_or(PageError::BadRequest(Refusal::Step.into())),
    }
}

/// What the Preview button shows: the form again with the preview open on a phone
/// too, and the lead image picker narrowed to the words sent with it.
fn previewed(fields: &EditorFields) -> Shown {
    Shown {
        preview: true,
        image_query: fields.image_q.trim().to_owned(),
        ..Shown::default()
    }
}

/// Creates an item from the blank editor (or previews it without saving).
pub async fn create_item(
    State(state): State<AppState>,
    editor: Editor,
    Form(fields): Form<EditorFields>,
) -> Result<Response, PageError> {
    editor.check_csrf(&fields.csrf)?;
    let form = fields.item_form();
    let key = Some(fields.draft_key.clone());
    let Some(button) = button_of(&fields)? else {
        let shown = Shown {
            draft_key: key,
            ..previewed(&fields)
        };
        return render_editor(&state, &editor, None, form, shown, StatusCode::OK).await;
    };
    let command = match command_of(&state, &editor, None, &form, button).await {
        Ok(command) => command,
        Err(err) => return edit_failed(&state, &editor, None, form, err, key).await,
    };
    match state.newsroom.create_item(editor.actor(), &command).await {
        Ok(id) => Ok(Redirect::to(&format!("/newsroom/items/{id}?saved=true")).into_response()),
        Err(err) => edit_failed(&state, &editor, None, form, err, key).await,
    }
}

/// The command the form and the button make for `item` (a new item when none); when
/// the form does not parse, the refusal the use case would give: 403 or 404 when the
/// account may not do this at all, else every wrong field at once.
async fn command_of(
    state: &AppState,
    editor: &Editor,
    item: Option<&Item>,
    form: &ItemForm,
    button: Button,
) -> Result<ItemCommand, EditError> {
    let zone = &state.site.time_zone;
    match form.command(button, zone) {
        Ok(command) => Ok(command),
        Err(errors) => Err(state
            .newsroom
            .refusal(
                editor.actor(),
                item,
                button.action(),
                &form.input(zone),
                errors,
            )
            .await?),
    }
}

async fn edit_failed(
    state: &AppState,
    editor: &Editor,
    item: Option<&Item>,
    form: ItemForm,
    err: EditError,
    draft_key: Option<String>,
) -> Result<Response, PageError> {
    match err {
        EditError::Invalid(errors) => {
            let shown = Shown {
                errors,
                draft_key,
                ..Shown::default()
            };
            render_editor(
                state,
                editor,
                item,
                form,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        EditError::Stale { current } => {
            let shown = Shown {
                stale: Some(StaleView {
                    version: current.version,
                    headline: current.headline.clone(),
                    body: current.body.markdown.clone(),
                }),
                ..Shown::default()
            };
            // The form keeps what this editor typed; the version becomes the current one,
            // so saving again is a deliberate overwrite after comparing.
            render_editor(
                state,
                editor,
                Some(&current),
                form,
                shown,
                StatusCode::CONFLICT,
            )
            .await
        }
        EditError::Forbidden => Err(PageError::Forbidden(Refusal::RoleForbidsOnItem.into())),
        EditError::NotFound => Err(PageError::NotFound),
        // The editor never deletes; only the API's delete can be refused this way.
        EditError::NotDraft => Err(PageError::BadRequest(
            EditError::NotDraft.to_string().into(),
        )),
        EditError::Store(e) => Err(crate::newsroom::NewsroomError::Store(e).into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

fn item_id(raw: &str) -> Result<ItemId, PageError> {
    raw.parse::<ItemId>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(PageError::NotFound)
}

/// The item at `raw`, if it exists and the account may see it; otherwise not found.
async fn visible_item(state: &AppState, editor: &Editor, raw: &str) -> Result<Item, PageError> {
    state
        .newsroom
        .item_for(editor.actor(), item_id(raw)?)
        .await?
        .ok_or(PageError::NotFound)
}

/// The editor for an existing item; notes that this account has it open.
pub async fn edit_item(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let item = visible_item(&state, &editor, &id).await?;
    let others_here = state.newsroom.open_item(editor.actor(), &item).await?;
    let form = state.newsroom.form_of(&item).await?;
    let shown = Shown {
        others_here,
        saved: query.saved.is_some(),
        ..Shown::default()
    };
    render_editor(&state, &editor, Some(&item), form, shown, StatusCode::OK).await
}

/// Saves an item with the step the editor pressed (or previews it).
pub async fn save_item(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Form(fields): Form<EditorFields>,
) -> Result<Response, PageError> {
    editor.check_csrf(&fields.csrf)?;
    let item = visible_item(&state, &editor, &id).await?;
    let id = item.id;
    let form = fields.item_form();
    let Some(button) = button_of(&fields)? else {
        // A preview is the editor's, over text only an editor of the item can type.
        if !may(
            editor.actor().role,
            Action::Edit,
            editor.actor().scope_of(&item),
        ) {
            return Err(PageError::Forbidden(Refusal::ReadOnly.into()));
        }
        return render_editor(
            &state,
            &editor,
            Some(&item),
            form,
            previewed(&fields),
            StatusCode::OK,
        )
        .await;
    };
    let version = fields
        .version
        .parse::<i64>()
        .map_err(|_| PageError::BadRequest(Refusal::Version.into()))?;
    let command = match command_of(&state, &editor, Some(&item), &form, button).await {
        Ok(command) => command,
        Err(err) => return edit_failed(&state, &editor, Some(&item), form, err, None).await,
    };
    match state
        .newsroom
        .save_item(editor.actor(), id, version, &command)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/newsroom/items/{id}?saved=true")).into_response()),
        Err(err) => edit_failed(&state, &editor, Some(&item), form, err, None).await,
    }
}

/// After a step taken outside the editor form: back to the editor, saved or with the
/// refusal shown over the item's current form.
async fn back_to_editor(
    state: &AppState,
    editor: &Editor,
    id: ItemId,
    result: Result<(), EditError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/newsroom/items/{id}?saved=true")).into_response()),
        Err(err) => {
            let item = state
                .newsroom
                .item_for(editor.actor(), id)
                .await?
                .ok_or(PageError::NotFound)?;
            let form = state.newsroom.form_of(&item).await?;
            edit_failed(state, editor, Some(&item), form, err, None).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CorrectionForm {
    csrf: String,
    note: String,
}

/// Adds a correction to a published item.
pub async fn add_correction(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Form(fields): Form<CorrectionForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&fields.csrf)?;
    let id = item_id(&id)?;
    let result = state
        .newsroom
        .add_correction(editor.actor(), id, &fields.note)
        .await;
    back_to_editor(&state, &editor, id, result).await
}

/// An account's name, or a part of the system's, marked as such.
pub(super) fn who(account: Option<String>, system: Option<String>) -> String {
    match (account, system) {
        (Some(name), _) => name,
        (None, Some(part)) => format!("{part} (system)"),
        (None, None) => "system".to_owned(),
    }
}

#[derive(Template)]
#[template(path = "newsroom/history.html")]
struct HistoryPage {
    chrome: NewsroomChrome,
    id: ItemId,
    headline: String,
    revisions: Vec<(i64, String, String)>,
    /// What happened, newest first: when, who, what.
    events: Vec<(String, String, String)>,
    /// Notes handed over with the item, newest first: when, who, with what step, note.
    notes: Vec<(String, String, String, String)>,
}

/// Every saved version of an item, and what happened to it.
pub async fn show_history(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let item = visible_item(&state, &editor, &id).await?;
    let id = item.id;
    let zone = &state.site.time_zone;
    let revisions = state
        .newsroom
        .revisions(editor.actor(), &item)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.version,
                time::display(r.saved_at, zone),
                who(r.saved_by, r.system),
            )
        })
        .collect();
    let words = editor.words();
    let events = state
        .newsroom
        .item_events(editor.actor(), &item)
        .await?
        .into_iter()
        .map(|e| {
            (
                time::display(e.at, zone),
                who(e.user, e.system),
                words.item_event(&e.action).to_owned(),
            )
        })
        .collect();
    let notes = state
        .newsroom
        .hand_over_notes(editor.actor(), &item)
        .await?
        .into_iter()
        .filter_map(|h| {
            let (step, by, at, note) = noted(words, h, zone)?;
            Some((at, by, step.to_owned(), note))
        })
        .collect();
    respond::private_html(&HistoryPage {
        chrome: NewsroomChrome::new(editor.words().history_title, &editor),
        id,
        headline: item.headline,
        revisions,
        events,
        notes,
    })
}

#[derive(Template)]
#[template(path = "newsroom/diff.html")]
struct DiffPage {
    chrome: NewsroomChrome,
    id: ItemId,
    from: i64,
    to: i64,
    current_version: i64,
    can_restore: bool,
    fields: Vec<(&'static str, Vec<(char, String)>)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct DiffQuery {
    from: String,
    to: String,
}

/// Word-by-word differences of every field between two revisions.
fn differences(
    w: &'static NewsroomWords,
    a: &ItemForm,
    b: &ItemForm,
) -> Vec<(&'static str, Vec<(char, String)>)> {
    let flag = |v: bool| if v { w.yes.to_owned() } else { w.no.to_owned() };
    let pairs: Vec<(&'static str, String, String)> = vec![
        (w.headline, a.headline.clone(), b.headline.clone()),
        (w.standfirst, a.dek.clone(), b.dek.clone()),
        (w.body, a.body.clone(), b.body.clone()),
        (w.kind, a.kind.clone(), b.kind.clone()),
        (w.section, a.section.clone(), b.section.clone()),
        (w.authors, a.authors.clone(), b.authors.clone()),
        (w.outlet, a.outlet.clone(), b.outlet.clone()),
        (w.tags, a.tags.clone(), b.tags.clone()),
        (w.related, a.related.clone(), b.related.clone()),
        (
            w.translation_of,
            a.translation_of.clone(),
            b.translation_of.clone(),
        ),
        (w.lead_image, a.lead_media.clone(), b.lead_media.clone()),
        (w.lead_story_short, flag(a.pinned), flag(b.pinned)),
        (w.breaking, flag(a.breaking), flag(b.breaking)),
        (w.embargo, a.embargo.clone(), b.embargo.clone()),
    ];
    pairs
        .into_iter()
        .filter(|(_, x, y)| x != y)
        .map(|(name, x, y)| {
            // Word by word, so a changed word is marked rather than its whole line; a
            // long body gives up searching for the smallest diff after a moment.
            let mut words: Vec<(char, String)> = Vec::new();
            let diff = TextDiff::configure()
                .timeout(std::time::Duration::from_millis(200))
                .diff_words(&x, &y);
            for change in diff.iter_all_changes() {
                let tag = match change.tag() {
                    ChangeTag::Insert => '+',
                    ChangeTag::Delete => '-',
                    ChangeTag::Equal => ' ',
                };
                // Runs of one kind are joined, so "ministers meet" is one mark.
                match words.last_mut() {
                    Some((last, text)) if *last == tag => text.push_str(change.value()),
                    _ => words.push((tag, change.value().to_owned())),
                }
            }
            (name, words)
        })
        .collect()
}

/// Differences between two revisions, with a button to restore the older one.
pub async fn show_diff(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> Result<Response, PageError> {
    let item = visible_item(&state, &editor, &id).await?;
    let id = item.id;
    let (Ok(from), Ok(to)) = (query.from.parse::<i64>(), query.to.parse::<i64>()) else {
        return Err(PageError::BadRequest(Refusal::Compare.into()));
    };
    let revisions = state.newsroom.revisions(editor.actor(), &item).await?;
    let find = |v: i64| -> Result<ItemForm, PageError> {
        revisions
            .iter()
            .find(|r| r.version == v)
            .and_then(|r| serde_json::from_str::<Snapshot>(&r.snapshot).ok())
            .map(|s| s.form)
            .ok_or(PageError::NotFound)
    };
    let fields = differences(editor.words(), &find(from)?, &find(to)?);
    respond::private_html(&DiffPage {
        chrome: NewsroomChrome::new(editor.words().differences, &editor),
        id,
        from,
        to,
        current_version: item.version,
        can_restore: may(
            editor.actor().role,
            Action::Restore,
            editor.actor().scope_of(&item),
        ),
        fields,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RestoreForm {
    csrf: String,
    revision: String,
    version: String,
}

/// Saves an earlier revision as the newest version.
pub async fn restore_revision(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Form(fields): Form<RestoreForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&fields.csrf)?;
    let id = item_id(&id)?;
    let (Ok(revision), Ok(version)) = (
        fields.revision.parse::<i64>(),
        fields.version.parse::<i64>(),
    ) else {
        return Err(PageError::BadRequest(Refusal::Revision.into()));
    };
    let result = state
        .newsroom
        .restore_revision(editor.actor(), id, version, revision)
        .await;
    back_to_editor(&state, &editor, id, result).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PresenceForm {
    csrf: String,
}

/// Keeps this account marked as having the item open; answers who else has.
pub async fn keep_presence(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Form(fields): Form<PresenceForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&fields.csrf)?;
    let item = visible_item(&state, &editor, &id).await?;
    let others = state.newsroom.open_item(editor.actor(), &item).await?;
    let text = if others.is_empty() {
        String::new()
    } else {
        let w = editor.words();
        w.fill(w.also_open_by, others.join(", "))
    };
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], text).into_response())
}
