//! Errors inside the newsroom answered in the newsroom's own layout: a refused save or a
//! colleague's draft looked up by number shows the desk's frame, not the public site.

use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

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

fn words(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::FORBIDDEN => (
            "Not allowed",
            "Your account may not do this here. Nothing was changed.",
        ),
        StatusCode::NOT_FOUND => (
            "Not found",
            "There is no such item, or it is not yours to open.",
        ),
        StatusCode::BAD_REQUEST => (
            "Something was wrong with the request",
            "Nothing was changed.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("Too large", "Nothing was changed."),
        StatusCode::CONFLICT => (
            "Already done",
            "Someone got there first. Nothing was changed.",
        ),
        StatusCode::TOO_MANY_REQUESTS => ("Too many attempts", "Wait a little and try again."),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Not available right now",
            "Nothing was lost; try again in a moment.",
        ),
        _ => (
            "Something went wrong",
            "It was logged; try again, or tell the people who run the site.",
        ),
    }
}

/// Gives every newsroom error without a page of its own the newsroom's error page.
pub async fn newsroom_error_pages(mut req: Request, next: Next) -> Response {
    let slot = ChromeSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.run(req).await;
    let Some(detail) = take_pending_error(&mut response) else {
        return response;
    };
    let status = response.status();
    let (heading, text) = words(status);
    let mut chrome = slot
        .take()
        .unwrap_or_else(|| NewsroomChrome::signed_out(heading));
    chrome.title = format!("{heading} | Newsroom");
    let page = RefusedPage {
        chrome,
        heading,
        text,
        detail,
    };
    crate::web::respond::error_page(response, &page, "newsroom error page")
}
