//! Errors inside the newsroom answered in the newsroom's own layout: a refused save or a
//! colleague's draft looked up by number shows the desk's frame, not the public site.

use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::words::NewsroomWords;
use crate::web::AppState;
use crate::web::error::take_pending_error;
use crate::web::views::NewsroomChrome;

/// Where the [`super::Editor`] extractor leaves the signed-in frame, so that an error
/// page can show it without a second look-up of the session.
#[derive(Clone, Default)]
pub struct ChromeSlot(Arc<Mutex<Option<NewsroomChrome>>>);

impl ChromeSlot {
    /// Keeps the frame of the signed-in account.
    pub fn fill(&self, chrome: NewsroomChrome) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(chrome);
        }
    }

    fn take(&self) -> Option<NewsroomChrome> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

#[derive(Template)]
#[template(path = "newsroom/error.html")]
struct RefusedPage<'a> {
    chrome: NewsroomChrome,
    heading: &'a str,
    text: &'a str,
    detail: Option<String>,
}

fn words(w: &'static NewsroomWords, status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::FORBIDDEN => (w.not_allowed, w.not_allowed_text),
        StatusCode::NOT_FOUND => (w.not_found, w.not_found_text),
        StatusCode::BAD_REQUEST => (w.bad_request, w.nothing_changed),
        StatusCode::PAYLOAD_TOO_LARGE => (w.too_large, w.nothing_changed),
        StatusCode::CONFLICT => (w.already_done, w.someone_first),
        StatusCode::TOO_MANY_REQUESTS => (w.too_many, w.wait_and_retry),
        StatusCode::SERVICE_UNAVAILABLE => (w.unavailable, w.nothing_lost),
        _ => (w.failed, w.failed_text),
    }
}

/// Gives every newsroom error without a page of its own the newsroom's error page, in
/// the signed-in account's language (the browser's, before anyone signs in).
pub async fn newsroom_error_pages(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let signed_out = super::signed_out_language(&state, req.headers());
    let slot = ChromeSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.run(req).await;
    let Some(detail) = take_pending_error(&mut response) else {
        return response;
    };
    let status = response.status();
    let mut chrome = slot
        .take()
        .unwrap_or_else(|| NewsroomChrome::signed_out("", signed_out));
    let (heading, text) = words(chrome.words, status);
    chrome.title = format!("{heading} | {}", chrome.words.newsroom);
    let page = RefusedPage {
        detail: detail.map(|d| d.text(chrome.lang)),
        chrome,
        heading,
        text,
    };
    crate::web::respond::error_page(response, &page, "newsroom error page")
}
