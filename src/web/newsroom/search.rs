//! Searching from the desk: every item the signed-in account may see, in any status.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::Editor;
use crate::domain::{Status, time};
use crate::search::{DeskSearch, parse};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::search::{Choice, day_start, encode, first_value, query_pairs};
use crate::web::views::NewsroomChrome;

/// Results per page.
const PAGE_SIZE: usize = 30;

/// One result row.
struct Row {
    id: i64,
    headline: String,
    snippet: String,
    edition: String,
    status: String,
    time: String,
}

#[derive(Template)]
#[template(path = "newsroom/search.html")]
struct SearchPage {
    chrome: NewsroomChrome,
    query: String,
    statuses: Vec<Choice>,
    editions: Vec<Choice>,
    authors: Vec<Choice>,
    from: String,
    to: String,
    building: bool,
    rows: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
    page: usize,
}

/// The desk's search: words as on the site, and filters for status, edition, author
/// and date; only what the account may open is ever listed.
pub async fn show_search(
    State(state): State<AppState>,
    editor: Editor,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let pairs = query_pairs(raw.as_deref())?;
    let get = |name: &str| first_value(&pairs, name);
    let (q, status, edition, author, from, to) = (
        get("q"),
        get("status"),
        get("edition"),
        get("author"),
        get("from"),
        get("to"),
    );
    let page = get("page")
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=crate::search::max_page(PAGE_SIZE)).contains(n))
        .unwrap_or(1);
    let snapshot = state.read.snapshot();
    let zone = &state.site.time_zone;
    let parsed = parse(&q);
    let status_filter = Status::parse(&status).ok();
    let edition_filter = snapshot.any_edition(&edition).map(|e| e.code.to_string());
    let author_filter = snapshot.author_by_slug(&author).map(|a| a.id);
    let actor = editor.actor();
    let results = state
        .search
        .search_desk(&DeskSearch {
            query: &parsed,
            role: actor.role,
            user: actor.id,
            status: status_filter,
            edition: edition_filter.as_deref(),
            author: author_filter,
            from: day_start(&from, zone, false),
            until: day_start(&to, zone, true),
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
            now: state.newsroom.now(),
        })
        .map_err(|e| PageError::Internal(e.into()))?;
    let rows = results
        .hits
        .into_iter()
        .map(|hit| Row {
            id: hit.id,
            headline: hit.headline,
            snippet: hit.snippet,
            edition: hit.edition,
            // Shown in the account's words; a status this build does not know, as stored.
            status: Status::parse(&hit.status)
                .map_or(hit.status, |s| editor.words().status(s).to_owned()),
            time: jiff::Timestamp::from_microsecond(hit.time)
                .map(|t| time::display(t, zone))
                .unwrap_or_default(),
        })
        .collect();
    let href = |page: usize| {
        let mut parts = vec![format!("q={}", encode(&q))];
        for (key, value) in [
            ("status", &status),
            ("edition", &edition),
            ("author", &author),
            ("from", &from),
            ("to", &to),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        parts.push(format!("page={page}"));
        format!("/newsroom/search?{}", parts.join("&"))
    };
    let choose = |value: String, label: String, chosen: &str| Choice {
        selected: !chosen.is_empty() && value == chosen,
        value,
        label,
    };
    let keep_date = |text: &str| {
        if day_start(text, zone, false).is_some() {
            text.to_owned()
        } else {
            String::new()
        }
    };
    respond::private_html(&SearchPage {
        chrome: NewsroomChrome::new(editor.words().search, &editor),
        query: crate::search::query::clean(&q),
        statuses: Status::ALL
            .iter()
            .map(|s| {
                choose(
                    s.as_str().to_owned(),
                    editor.words().status(*s).to_owned(),
                    &status,
                )
            })
            .collect(),
        editions: snapshot
            .all_editions()
            .map(|e| choose(e.code.to_string(), e.name.clone(), &edition))
            .collect(),
        authors: snapshot
            .authors()
            .into_iter()
            .map(|a| choose(a.slug.to_string(), a.name.clone(), &author))
            .collect(),
        from: keep_date(&from),
        to: keep_date(&to),
        building: results.building,
        rows,
        previous: (page > 1).then(|| href(page - 1)),
        next: results.more.then(|| href(page + 1)),
        page,
    })
}
