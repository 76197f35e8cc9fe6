//! The one place errors become responses: a page in the site's layout, never a trace.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::strings::{self, Strings};
use super::views::Chrome;
use crate::newsroom::NewsroomError;
use crate::store::StoreError;

/// A refusal told to people in their own language: the reader's edition's, or the
/// signed-in account's in the newsroom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A `?page=` that is not a whole number from 1 to the highest given.
    PageNumber(usize),
    /// An archive day that is no real day.
    Day,
    /// A real day the calendar cannot place.
    DayOutOfRange,
    /// Percent-encoded bytes that are not UTF-8.
    NotUtf8,
    /// An address longer than the limit given, in bytes.
    UriTooLong(usize),
    /// A Host this site is not.
    Misdirected,
    /// A Host header that cannot go into links.
    BadHost,
    /// Every live news line slot is taken.
    LiveBusy,
    /// A newsroom refusal, worded in the newsroom's catalogue.
    Newsroom(super::newsroom::words::Refusal),
}

impl Problem {
    /// The refusal in `lang`.
    pub fn text(self, lang: &str) -> String {
        let p = &strings::for_language(lang).problems;
        let with = |text: &str, n: usize| text.replace("{n}", &n.to_string());
        match self {
            Self::PageNumber(max) => with(p.page_number, max),
            Self::Day => p.day.to_owned(),
            Self::DayOutOfRange => p.day_out_of_range.to_owned(),
            Self::NotUtf8 => p.not_utf8.to_owned(),
            Self::UriTooLong(max) => with(p.uri_too_long, max),
            Self::Misdirected => p.misdirected.to_owned(),
            Self::BadHost => p.bad_host.to_owned(),
            Self::LiveBusy => p.live_busy.to_owned(),
            Self::Newsroom(refusal) => refusal.text(lang),
        }
    }
}

/// What an error page says under its heading: a refusal of our own, worded in the
/// reader's language, or text that comes from the rules (a use case's refusal).
#[derive(Debug, Clone)]
pub enum Detail {
    /// Worded when the page is, in its language.
    Problem(Problem),
    /// Already worded.
    Text(String),
}

impl Detail {
    /// The detail in `lang`.
    pub fn text(&self, lang: &str) -> String {
        match self {
            Self::Problem(p) => p.text(lang),
            Self::Text(t) => t.clone(),
        }
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text("en"))
    }
}

impl From<Problem> for Detail {
    fn from(p: Problem) -> Self {
        Self::Problem(p)
    }
}

impl From<String> for Detail {
    fn from(t: String) -> Self {
        Self::Text(t)
    }
}

impl From<&str> for Detail {
    fn from(t: &str) -> Self {
        Self::Text(t.to_owned())
    }
}

/// Why a reader's request could not be answered with the page asked for.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A malformed page number, date or other parameter; the text says which.
    #[error("bad request: {0}")]
    BadRequest(Detail),
    /// Nothing exists at this address.
    #[error("not found")]
    NotFound,
    /// The signed-in account may not do this, or the form's token did not match.
    #[error("forbidden: {0}")]
    Forbidden(Detail),
    /// What was asked for was already done by someone else; the text says what.
    #[error("conflict: {0}")]
    Conflict(Detail),
    /// Too many attempts; the text says when to try again.
    #[error("too many requests: {0}")]
    TooManyRequests(Detail),
    /// Too many clients hold what this needs (streams, upload workers); the text says what.
    #[error("busy: {0}")]
    Busy(Detail),
    /// The address is longer than the site answers.
    #[error("the address is too long")]
    UriTooLong,
    /// The request names a host this site is not.
    #[error("this site does not serve that host")]
    Misdirected,
    /// The database is out of reach: a write cannot be taken now, but may be later.
    #[error("the database is unavailable")]
    Unavailable,
    /// Something failed on our side; the cause goes to the log only.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<NewsroomError> for PageError {
    fn from(err: NewsroomError) -> Self {
        match err {
            NewsroomError::Store(StoreError::Unavailable(cause)) => {
                tracing::warn!(error = %cause, "a write was refused: the database is unavailable");
                Self::Unavailable
            }
            NewsroomError::Store(other) => Self::Internal(other.into()),
            NewsroomError::Forbidden => Self::Forbidden(
                Problem::Newsroom(super::newsroom::words::Refusal::RoleForbids).into(),
            ),
            NewsroomError::NoToken(_)
            | NewsroomError::NoWebhook(_)
            | NewsroomError::NoWireCopy(_)
            | NewsroomError::NoWireFeed(_)
            | NewsroomError::NoImage(_) => Self::NotFound,
            handled @ NewsroomError::WireCopyHandled(_) => {
                Self::Conflict(handled.to_string().into())
            }
            NewsroomError::Busy => Self::Unavailable,
            NewsroomError::Random(why) => Self::Internal(anyhow::anyhow!(why)),
            refused => Self::BadRequest(refused.to_string().into()),
        }
    }
}

impl From<StoreError> for PageError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "a read failed: the database is unavailable");
                Self::Unavailable
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// What an error response tells the page renderer; the body is left empty until then.
#[derive(Debug, Clone)]
struct ErrorDetail(Option<Detail>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, detail) = match self {
            Self::BadRequest(why) => (StatusCode::BAD_REQUEST, Some(why)),
            Self::NotFound => (StatusCode::NOT_FOUND, None),
            Self::Forbidden(why) => (StatusCode::FORBIDDEN, Some(why)),
            Self::Conflict(why) => (StatusCode::CONFLICT, Some(why)),
            Self::TooManyRequests(why) => (StatusCode::TOO_MANY_REQUESTS, Some(why)),
            Self::Busy(why) => {
                let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                if let Ok(v) = HeaderValue::from_str(&super::limits::RETRY_AFTER_SECS.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
                response.extensions_mut().insert(ErrorDetail(Some(why)));
                return response;
            }
            Self::UriTooLong => (
                StatusCode::URI_TOO_LONG,
                Some(Problem::UriTooLong(super::limits::MAX_URI_BYTES).into()),
            ),
            Self::Misdirected => (
                StatusCode::MISDIRECTED_REQUEST,
                Some(Problem::Misdirected.into()),
            ),
            Self::Unavailable => {
                let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                response.extensions_mut().insert(ErrorDetail(None));
                return response;
            }
            Self::Internal(cause) => {
                tracing::error!(error = ?cause, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorDetail(detail));
        response
    }
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    text: &'a str,
    detail: Option<String>,
    home_href: String,
}

fn words(strings: &'static Strings, status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST | StatusCode::URI_TOO_LONG | StatusCode::MISDIRECTED_REQUEST => {
            strings.bad_request
        }
        StatusCode::NOT_FOUND => strings.not_found,
        StatusCode::FORBIDDEN => strings.forbidden,
        StatusCode::TOO_MANY_REQUESTS => strings.too_many,
        StatusCode::METHOD_NOT_ALLOWED => strings.not_allowed,
        StatusCode::SERVICE_UNAVAILABLE => strings.unavailable,
        _ => strings.failed,
    }
}

/// For a 4xx or 5xx response that has no page of its own yet, takes the detail to show
/// on one, leaving a response that the page renderer will fill; `None` for every other
/// response, which is left as it is.
///
/// A page that answers with its own HTML (a form sent back with its errors, 409 for a
/// stale save) or JSON (a node reporting it is not ready) keeps it; errors without a
/// page of their own get an error page.
pub fn take_pending_error(response: &mut Response) -> Option<Option<Detail>> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let detail = response.extensions_mut().remove::<ErrorDetail>();
    // A problem document of the API is a page of its own, in JSON.
    if detail.is_none() && super::api::problem::is_problem(response) {
        return None;
    }
    let own_page = detail.is_none()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| {
                v.as_bytes().starts_with(b"text/html")
                    || v.as_bytes().starts_with(b"application/json")
            });
    if own_page {
        return None;
    }
    Some(detail.and_then(|d| d.0))
}

/// Replaces the body of every 4xx and 5xx response that has no page of its own with
/// the site's error page.
///
/// Handlers, extractor rejections, the router's own 404/405 and caught panics all
/// pass through here, so no response ever carries an internal message.
pub async fn render_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let api = super::api::is_api_path(req.uri().path());
    let first_segment = req
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut response = next.run(req).await;
    let Some(detail) = take_pending_error(&mut response) else {
        return response;
    };
    // The API's clients read JSON: its errors are problem documents, never pages.
    if api {
        return super::api::problem::finish(response, detail.map(|d| d.text("en")));
    }
    let status = response.status();
    let snapshot = state.read.snapshot();
    let edition = snapshot
        .edition(&first_segment)
        .or_else(|| snapshot.edition(state.site.default_edition.as_ref()))
        .cloned();
    let code = edition.as_ref().map_or_else(
        || state.site.default_edition.to_string(),
        |e| e.code.to_string(),
    );
    let strings = strings::for_language(&code);
    let (heading, text) = words(strings, status);
    let chrome = Chrome::new(
        &state.site,
        &snapshot,
        edition.as_ref().map(Arc::as_ref),
        &code,
        heading,
        None,
    );
    let page = ErrorPage {
        chrome,
        heading,
        text,
        detail: detail.map(|d| d.text(&code)),
        home_href: super::urls::home(&code),
    };
    crate::web::respond::error_page(response, &page, "error page")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_while_the_database_is_away_is_a_503_with_retry_after() {
        let err = NewsroomError::Store(StoreError::Unavailable(sqlx::Error::PoolTimedOut));
        let response = PageError::from(err).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
    }

    #[test]
    fn a_refused_write_is_a_400_that_says_why() {
        let err = NewsroomError::UnknownEdition("xx".into());
        match PageError::from(err) {
            PageError::BadRequest(why) => assert!(why.to_string().contains("xx")),
            other => panic!("{other:?}"),
        }
    }
}
