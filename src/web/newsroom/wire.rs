//! The wire: agency copy waiting for the desk, taken as drafts or dismissed, and (for
//! admins) the feeds it is polled from.

use super::running;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Editor;
use super::words::{NewsroomWords, clause};
use crate::domain::{
    Action, EditionCode, FeedUrl, MAX_FEED_URL_CHARS, MAX_SOURCE_CHARS, PollInterval, Scope,
    SourceName, WireError, may, time,
};
use crate::newsroom::{FeedRequest, NewsroomError, WIRE_PAGE_SIZE, WireCopy, WireFeed};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// One story in the queue.
struct Story {
    id: i64,
    source: String,
    title: String,
    summary: String,
    link: Option<String>,
    edition: String,
    time: String,
    machine_time: String,
}

#[derive(Template)]
#[template(path = "newsroom/wire.html")]
struct WirePage {
    chrome: NewsroomChrome,
    stories: Vec<Story>,
    waiting: i64,
    may_dismiss: bool,
    previous: Option<String>,
    next: Option<String>,
    page: i64,
    pages: i64,
}

fn story(copy: WireCopy, zone: &jiff::tz::TimeZone) -> Story {
    let at = copy.published_at.unwrap_or(copy.received_at);
    Story {
        id: copy.id,
        summary: crate::domain::plain_text(&copy.summary)
            .chars()
            .take(300)
            .collect(),
        source: copy.source,
        title: copy.title,
        link: copy.link,
        edition: copy.edition,
        time: time::display(at, zone),
        machine_time: time::machine(at, zone),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    page: Option<String>,
}

/// The waiting stories, newest first, a page at a time.
pub async fn show_wire(
    State(state): State<AppState>,
    editor: Editor,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let page = super::page_number(query.page.as_deref(), &editor)?;
    let queue = state.newsroom.wire_queue(editor.actor(), page).await?;
    let pages = ((queue.waiting + WIRE_PAGE_SIZE - 1) / WIRE_PAGE_SIZE).max(1);
    if page > pages {
        return Err(PageError::NotFound);
    }
    let zone = &state.site.time_zone;
    let p = WirePage {
        chrome: NewsroomChrome::new(editor.words().wire, &editor),
        stories: queue.copy.into_iter().map(|c| story(c, zone)).collect(),
        waiting: queue.waiting,
        may_dismiss: may(editor.actor().role, Action::DismissWire, Scope::Newsroom),
        previous: (page > 1).then(|| format!("/newsroom/wire?page={}", page - 1)),
        next: (page < pages).then(|| format!("/newsroom/wire?page={}", page + 1)),
        page,
        pages,
    };
    respond::private_html(&p)
}

#[derive(Debug, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Takes a story as a new draft and opens it in the editor.
pub async fn take_wire_copy(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let item = state.newsroom.take_wire_copy(editor.actor(), id).await?;
    Ok(Redirect::to(&format!("/newsroom/items/{item}")).into_response())
}

/// Dismisses a story from the queue.
pub async fn dismiss_wire_copy(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    state.newsroom.dismiss_wire_copy(editor.actor(), id).await?;
    tracing::info!(
        user.id = editor.actor().id,
        wire.copy = id,
        "{} dismissed wire copy {id}",
        editor.actor().name
    );
    Ok(Redirect::to("/newsroom/wire").into_response())
}

/// One feed in the admins' list.
struct FeedRow {
    id: i64,
    name: String,
    url: String,
    edition: String,
    minutes: i64,
    enabled: bool,
    configured: bool,
    next_poll: String,
    last_success: String,
    failures: i64,
    last_error: Option<String>,
}

#[derive(Template)]
#[template(path = "newsroom/wire_feeds.html")]
struct FeedsPage {
    chrome: NewsroomChrome,
    feeds: Vec<FeedRow>,
    error: Option<String>,
    form_name: String,
    form_url: String,
    form_edition: String,
    form_minutes: String,
    max_url: usize,
    max_name: usize,
}

fn feed_row(f: WireFeed, zone: &jiff::tz::TimeZone) -> FeedRow {
    FeedRow {
        id: f.id,
        minutes: PollInterval::from_secs(f.interval_secs).as_minutes(),
        next_poll: if f.enabled {
            time::display(f.next_poll_at, zone)
        } else {
            String::new()
        },
        last_success: f
            .last_success_at
            .map(|t| time::display(t, zone))
            .unwrap_or_default(),
        name: f.name,
        url: f.url,
        edition: f.edition,
        enabled: f.enabled,
        configured: f.configured,
        failures: f.failures,
        last_error: f.last_error,
    }
}

async fn feeds_page(state: &AppState, editor: &Editor) -> Result<FeedsPage, PageError> {
    let feeds = state.newsroom.wire_feeds(editor.actor()).await?;
    let zone = &state.site.time_zone;
    Ok(FeedsPage {
        chrome: NewsroomChrome::new(editor.words().wire_feeds, editor),
        feeds: feeds.into_iter().map(|f| feed_row(f, zone)).collect(),
        error: None,
        form_name: String::new(),
        form_url: String::new(),
        form_edition: state.site.default_edition.to_string(),
        form_minutes: PollInterval::default().as_minutes().to_string(),
        max_url: MAX_FEED_URL_CHARS,
        max_name: MAX_SOURCE_CHARS,
    })
}

/// The agency feeds, their polling state and the form for a new one.
pub async fn show_wire_feeds(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    respond::private_html(&feeds_page(&state, &editor).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct FeedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    minutes: String,
}

impl FeedForm {
    /// The request the form asks for, or why not in the account's words.
    fn request(&self, words: &NewsroomWords) -> Result<FeedRequest, String> {
        Ok(FeedRequest {
            name: SourceName::parse(&self.name).map_err(|e| words.feed_refusal(&e))?,
            url: FeedUrl::parse(&self.url).map_err(|e| words.feed_refusal(&e))?,
            edition: EditionCode::parse(self.edition.trim())
                .map_err(|_| words.fill(words.field_edition, clause(words.field_choose_edition)))?,
            interval: self
                .minutes
                .trim()
                .parse::<i64>()
                .map_err(|_| WireError::Interval)
                .and_then(PollInterval::minutes)
                .map_err(|e| words.feed_refusal(&e))?,
        })
    }
}

/// Adds a feed, polled from now on.
pub async fn add_wire_feed(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<FeedForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    // Refused for the role before anything about the fields is said.
    let mut p = feeds_page(&state, &editor).await?;
    let outcome = match form.request(editor.words()) {
        Ok(request) => match state.newsroom.add_wire_feed(editor.actor(), &request).await {
            Ok(id) => Ok(id),
            Err(
                e @ (NewsroomError::WireFeedTaken(_)
                | NewsroomError::UnknownEdition(_)
                | NewsroomError::Wire(_)),
            ) => Err(editor.words().refusal(&e)),
            Err(other) => return Err(other.into()),
        },
        Err(message) => Err(message),
    };
    match outcome {
        Ok(id) => {
            tracing::info!(
                user.id = editor.actor().id,
                wire.feed = id,
                "{} added wire feed {id}",
                editor.actor().name
            );
            Ok(Redirect::to("/newsroom/wire/feeds").into_response())
        }
        Err(message) => {
            p.error = Some(message);
            p.form_name = form.name.chars().take(MAX_SOURCE_CHARS).collect();
            p.form_url = form.url.chars().take(MAX_FEED_URL_CHARS).collect();
            p.form_edition = form.edition.chars().take(10).collect();
            p.form_minutes = form.minutes.chars().take(10).collect();
            let mut response = respond::private_html(&p)?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct EnabledForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enabled: String,
}

/// Pauses or resumes polling a feed.
pub async fn set_wire_feed_enabled(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<EnabledForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let enabled = running(&form.enabled)?;
    state
        .newsroom
        .set_wire_feed_enabled(editor.actor(), id, enabled)
        .await?;
    Ok(Redirect::to("/newsroom/wire/feeds").into_response())
}

/// Removes a feed; what it brought stays in the queue.
pub async fn delete_wire_feed(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    state.newsroom.delete_wire_feed(editor.actor(), id).await?;
    tracing::info!(
        user.id = editor.actor().id,
        wire.feed = id,
        "{} removed wire feed {id}",
        editor.actor().name
    );
    Ok(Redirect::to("/newsroom/wire/feeds").into_response())
}
