//! The front-page desk: editors arrange, preview and schedule each edition's home page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::Editor;
use super::words::{NewsroomWords, clause};
use crate::domain::{
    Arrangement, ArrangementError, MAX_BLOCK_ITEMS, MAX_SECTION_BLOCKS, MAX_TOP_STORIES,
    SectionBlock, time,
};
use crate::newsroom::{FrontPageDesk, GoLive, NewsroomError};
use crate::store::FrontPageRecord;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::reader::Reader;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// How many recent published items the pickers offer.
const CHOICES: usize = 60;
/// Empty section-block slots the form offers.
const BLOCK_SLOTS: usize = 4;

/// One item an editor may pick.
struct Choice {
    id: i64,
    label: String,
}

impl Choice {
    fn is(&self, chosen: &Option<i64>) -> bool {
        *chosen == Some(self.id)
    }
}

/// One top-story slot: its position and the item chosen in it, if any.
struct TopSlot {
    position: usize,
    chosen: Option<i64>,
}

/// One section-block slot.
struct BlockSlot {
    position: usize,
    section: Option<i64>,
    count: usize,
}

impl BlockSlot {
    fn is(&self, section: &i64) -> bool {
        self.section == Some(*section)
    }
}

/// A saved version, as the history lists it.
struct VersionRow {
    version: i64,
    state: &'static str,
    live_at: String,
    saved_by: String,
    saved_at: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "newsroom/front_page.html")]
struct FrontPageForm {
    chrome: NewsroomChrome,
    edition: String,
    version: i64,
    error: Option<String>,
    choices: Vec<Choice>,
    sections: Vec<(i64, String)>,
    lead: Option<i64>,
    top: Vec<TopSlot>,
    blocks: Vec<BlockSlot>,
    live_at: String,
    max_block_items: usize,
    live: Option<VersionRow>,
    scheduled: Vec<VersionRow>,
    history: Vec<VersionRow>,
}

#[derive(Template)]
#[template(path = "newsroom/front_pages.html")]
struct EditionsPage {
    chrome: NewsroomChrome,
    editions: Vec<(String, String)>,
}

/// The editions whose front pages can be arranged.
pub async fn list_front_pages(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    // Asked of the use case so a reporter is refused here as on the form itself.
    let default = state.site.default_edition.to_string();
    state
        .newsroom
        .front_page_desk(editor.actor(), &default)
        .await?;
    let editions = state
        .read
        .snapshot()
        .all_editions()
        .map(|e| (e.code.to_string(), e.name.clone()))
        .collect();
    respond::private_html(&EditionsPage {
        chrome: NewsroomChrome::new(editor.words().front_page, &editor),
        editions,
    })
}

/// An edition's front-page form with what is live, what is scheduled and the history.
pub async fn show_front_page(
    State(state): State<AppState>,
    editor: Editor,
    Path(edition): Path<String>,
) -> Result<Response, PageError> {
    if state.read.snapshot().any_edition(&edition).is_none() {
        return Err(PageError::NotFound);
    }
    let desk = state
        .newsroom
        .front_page_desk(editor.actor(), &edition)
        .await?;
    let current = desk
        .live
        .as_ref()
        .map(|r| r.arrangement.clone())
        .unwrap_or_default();
    render(
        &state,
        &editor,
        &edition,
        &desk,
        &current,
        String::new(),
        None,
    )
    .await
}

/// What the front-page form sent: fields in their order, since the top stories and
/// section blocks repeat.
type FormFields = Vec<(String, String)>;

/// The button pressed.
enum Intent {
    Preview,
    Save,
    Schedule,
}

/// The form's fields as a typed command.
struct Submitted {
    csrf: String,
    based_on: i64,
    intent: Intent,
    arrangement: Arrangement,
    /// As typed, to show again when refused.
    live_at_text: String,
}

fn field_error(text: &str) -> ArrangementError {
    ArrangementError::Field(text.to_owned())
}

/// A refusal of the form's own fields, worded in the account's language.
fn field_refusal(text: &str) -> ArrangementError {
    field_error(&clause(text))
}

fn number<T: std::str::FromStr>(
    words: &NewsroomWords,
    value: &str,
    what: &str,
) -> Result<T, ArrangementError> {
    value
        .trim()
        .parse()
        .map_err(|_| field_refusal(&words.fill2(words.arrangement_not_number, what, value)))
}

/// Reads the form; anything missing or malformed is refused with its name.
fn parse(
    fields: &FormFields,
    words: &NewsroomWords,
) -> Result<Submitted, (String, ArrangementError)> {
    let one = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let csrf = one("csrf").unwrap_or_default().to_owned();
    let fail = |e: ArrangementError| (csrf.clone(), e);
    let based_on = number(
        words,
        one("version").ok_or_else(|| fail(field_refusal(words.arrangement_no_version)))?,
        words.field_version,
    )
    .map_err(fail)?;
    let intent = match one("button") {
        Some("preview") => Intent::Preview,
        Some("save") => Intent::Save,
        Some("schedule") => Intent::Schedule,
        _ => {
            return Err(fail(field_refusal(words.arrangement_choose_button)));
        }
    };
    let lead = match one("lead").map(str::trim) {
        None | Some("") => None,
        Some(id) => Some(number(words, id, words.field_lead_story).map_err(fail)?),
    };
    let mut top = Vec::new();
    for (_, value) in fields.iter().filter(|(k, _)| k == "top") {
        if !value.trim().is_empty() {
            top.push(number(words, value, words.field_top_story).map_err(fail)?);
        }
    }
    let sections: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "block_section")
        .map(|(_, v)| v.trim())
        .collect();
    let counts: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "block_count")
        .map(|(_, v)| v.trim())
        .collect();
    if sections.len() != counts.len() {
        return Err(fail(field_refusal(words.arrangement_block_fields)));
    }
    let mut blocks = Vec::new();
    for (section, count) in sections.into_iter().zip(counts) {
        if section.is_empty() {
            continue;
        }
        blocks.push(SectionBlock {
            section: number(words, section, words.field_block_section).map_err(fail)?,
            count: number(words, count, words.field_block_count).map_err(fail)?,
        });
    }
    Ok(Submitted {
        based_on,
        intent,
        arrangement: Arrangement {
            lead,
            top,
            sections: blocks,
        },
        live_at_text: one("live_at").unwrap_or_default().trim().to_owned(),
        csrf,
    })
}

/// Previews, saves (live now) or schedules an arrangement.
pub async fn arrange_front_page(
    State(state): State<AppState>,
    editor: Editor,
    reader: Reader,
    Path(edition): Path<String>,
    Form(fields): Form<FormFields>,
) -> Result<Response, PageError> {
    let submitted = match parse(&fields, editor.words()) {
        Ok(s) => s,
        Err((csrf, why)) => {
            editor.check_csrf(&csrf)?;
            return refuse(&state, &editor, &edition, None, why.into()).await;
        }
    };
    editor.check_csrf(&submitted.csrf)?;
    let go_live = match submitted.intent {
        Intent::Preview => {
            if let Err(why) = submitted.arrangement.check() {
                return refuse(&state, &editor, &edition, Some(&submitted), why.into()).await;
            }
            // Only those allowed to arrange may see an arrangement before readers do.
            state
                .newsroom
                .front_page_desk(editor.actor(), &edition)
                .await?;
            return crate::web::pages::home::preview_home(&state, &reader, &submitted.arrangement);
        }
        Intent::Save => GoLive::Now,
        Intent::Schedule => {
            let text = submitted.live_at_text.replace('T', " ");
            if text.is_empty() {
                let why = field_refusal(editor.words().arrangement_give_time);
                return refuse(&state, &editor, &edition, Some(&submitted), why.into()).await;
            }
            match time::parse_local(&text, &state.site.time_zone) {
                Ok(at) => GoLive::At(at),
                Err(e) => {
                    return refuse(&state, &editor, &edition, Some(&submitted), e.into()).await;
                }
            }
        }
    };
    let saved = state
        .newsroom
        .save_front_page(
            editor.actor(),
            &edition,
            submitted.based_on,
            &submitted.arrangement,
            go_live,
        )
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/newsroom/front-page/{edition}")).into_response()),
        Err(err) => refuse(&state, &editor, &edition, Some(&submitted), err).await,
    }
}

/// A saved version (a scheduled one, most usefully) as the home page would show it now.
pub async fn preview_front_page_version(
    State(state): State<AppState>,
    editor: Editor,
    reader: Reader,
    Path((edition, version)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let record = state
        .newsroom
        .front_page_version(editor.actor(), &edition, version)
        .await?
        .ok_or(PageError::NotFound)?;
    crate::web::pages::home::preview_home(&state, &reader, &record.arrangement)
}

/// The form again with the editor's choices and why they were refused: 409 when someone
/// saved meanwhile, 422 for a choice that breaks a rule.
async fn refuse(
    state: &AppState,
    editor: &Editor,
    edition: &str,
    submitted: Option<&Submitted>,
    why: NewsroomError,
) -> Result<Response, PageError> {
    let status = match &why {
        NewsroomError::FrontPageConflict(_) => StatusCode::CONFLICT,
        NewsroomError::Arrangement(_) | NewsroomError::Invalid(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        NewsroomError::UnknownEdition(_) => return Err(PageError::NotFound),
        _ => return Err(why.into()),
    };
    if state.read.snapshot().any_edition(edition).is_none() {
        return Err(PageError::NotFound);
    }
    let desk = state
        .newsroom
        .front_page_desk(editor.actor(), edition)
        .await?;
    let (arrangement, live_at) = submitted.map_or_else(
        || (Arrangement::default(), String::new()),
        |s| (s.arrangement.clone(), s.live_at_text.clone()),
    );
    let mut response = render(
        state,
        editor,
        edition,
        &desk,
        &arrangement,
        live_at,
        Some(editor.words().refusal(&why)),
    )
    .await?;
    *response.status_mut() = status;
    Ok(response)
}

fn summary(state: &AppState, words: &NewsroomWords, arrangement: &Arrangement) -> String {
    let snapshot = state.read.snapshot();
    let headline = |id: i64| {
        snapshot
            .item(id)
            .map_or_else(|| words.fill(words.item_n, id), |i| i.headline.to_string())
    };
    let mut parts = Vec::new();
    if let Some(lead) = arrangement.lead {
        parts.push(words.fill(words.summary_lead, headline(lead)));
    }
    if !arrangement.top.is_empty() {
        parts.push(words.count(&words.top_stories, arrangement.top.len()));
    }
    if !arrangement.sections.is_empty() {
        let names: Vec<String> = arrangement
            .sections
            .iter()
            .map(|b| {
                let name = snapshot
                    .section(b.section)
                    .map_or_else(|| b.section.to_string(), |s| s.name.clone());
                format!("{name} ({})", b.count)
            })
            .collect();
        parts.push(words.fill(words.summary_sections, names.join(", ")));
    }
    parts.join("; ")
}

fn row(
    state: &AppState,
    words: &NewsroomWords,
    record: &FrontPageRecord,
    live_version: Option<i64>,
) -> VersionRow {
    let zone = &state.site.time_zone;
    VersionRow {
        version: record.version,
        state: if Some(record.version) == live_version {
            words.front_live
        } else if record.live {
            words.front_replaced
        } else {
            words.front_scheduled
        },
        live_at: time::display(record.live_at, zone),
        saved_by: record.saved_by.clone().unwrap_or_default(),
        saved_at: time::display(record.saved_at, zone),
        summary: summary(state, words, &record.arrangement),
    }
}

async fn render(
    state: &AppState,
    editor: &Editor,
    edition: &str,
    desk: &FrontPageDesk,
    shown: &Arrangement,
    live_at: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let snapshot = state.read.snapshot();
    let words = editor.words();
    let mut choices: Vec<Choice> = snapshot
        .newest(edition)
        .iter()
        .take(CHOICES)
        .map(|i| Choice {
            id: i.id,
            label: i.headline.to_string(),
        })
        .collect();
    // Items still to be published may lead a scheduled arrangement.
    let desk_items = state.newsroom.desk(editor.actor()).await?;
    choices.extend(
        desk_items
            .scheduled
            .into_iter()
            .filter(|i| i.edition == edition)
            .map(|i| Choice {
                id: i.id,
                label: words.fill(words.scheduled_choice, &i.headline),
            }),
    );
    // What the form shows chosen stays choosable, however old.
    for id in shown.items() {
        if !choices.iter().any(|c| c.id == id) {
            choices.push(Choice {
                id,
                label: snapshot
                    .item(id)
                    .map_or_else(|| words.fill(words.item_n, id), |i| i.headline.to_string()),
            });
        }
    }
    let top = (0..MAX_TOP_STORIES)
        .map(|i| TopSlot {
            position: i + 1,
            chosen: shown.top.get(i).copied(),
        })
        .collect();
    let slots = (shown.sections.len() + BLOCK_SLOTS).min(MAX_SECTION_BLOCKS);
    let blocks = (0..slots)
        .map(|i| BlockSlot {
            position: i + 1,
            section: shown.sections.get(i).map(|b| b.section),
            count: shown.sections.get(i).map_or(4, |b| b.count),
        })
        .collect();
    let live_version = desk.live.as_ref().map(|r| r.version);
    let history: Vec<VersionRow> = desk
        .history
        .iter()
        .map(|r| row(state, words, r, live_version))
        .collect();
    let failed = error.is_some();
    let mut response = respond::private_html(&FrontPageForm {
        chrome: NewsroomChrome::new(words.front_page, editor),
        edition: edition.to_owned(),
        version: desk.version,
        error,
        choices,
        sections: snapshot
            .sections_of(edition)
            .into_iter()
            .map(|s| (s.id, s.name.clone()))
            .collect(),
        lead: shown.lead,
        top,
        blocks,
        live_at,
        max_block_items: MAX_BLOCK_ITEMS,
        live: desk
            .live
            .as_ref()
            .map(|r| row(state, words, r, live_version)),
        scheduled: desk
            .history
            .iter()
            .filter(|r| !r.live)
            .map(|r| row(state, words, r, live_version))
            .collect(),
        history,
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
