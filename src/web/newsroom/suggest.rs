//! What the editor's fields offer while someone types: author and tag names, and
//! items of the edition to relate, found by their headline.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::Editor;
use crate::domain::{Slug, Status, time};
use crate::search::{DeskSearch, parse};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::search::{first_value, query_pairs};

/// At most this many suggestions: a short list to pick from, not a search page.
const LIMIT: usize = 10;

/// Longest query read, in characters; the rest is ignored.
const MAX_QUERY_CHARS: usize = 100;

/// One suggestion: what the field takes, and what the person reads.
#[derive(Debug, Serialize)]
struct Suggestion {
    value: String,
    label: String,
}

/// Whether a stored slug has a word starting with `typed` (itself folded as a slug),
/// so `yasar` finds "Yaşar Güler" (`yasar-guler`) and `gul` finds him too. Names are
/// matched by the slugs the store already keeps, not folded again on every keystroke.
fn starts_a_word(slug: &Slug, typed: &str) -> bool {
    let slug = slug.as_ref();
    slug.starts_with(typed)
        || slug
            .match_indices(typed)
            .any(|(at, _)| slug.as_bytes().get(at.wrapping_sub(1)) == Some(&b'-'))
}

/// `GET /newsroom/suggest?list=authors|tags|items&edition=CODE&q=TEXT`: JSON, at most
/// ten. Only staff reach it; items are only those the account may open.
pub async fn suggest(
    State(state): State<AppState>,
    editor: Editor,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let pairs = query_pairs(raw.as_deref())?;
    let get = |name: &str| {
        first_value(&pairs, name)
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect::<String>()
    };
    let (list, edition, q) = (get("list"), get("edition"), get("q"));
    let snapshot = state.read.snapshot();
    let typed = Slug::from_text(&q, "");
    let typed = typed.as_ref();
    let found: Vec<Suggestion> = match list.as_str() {
        _ if typed.is_empty() => Vec::new(),
        "authors" => snapshot
            .authors()
            .into_iter()
            .filter(|a| starts_a_word(&a.slug, typed))
            .take(LIMIT)
            .map(|a| Suggestion {
                value: a.name.clone(),
                label: a.name.clone(),
            })
            .collect(),
        "tags" => {
            let mut tags: Vec<&str> = snapshot
                .tags()
                .filter(|t| t.edition.as_ref() == edition && starts_a_word(&t.slug, typed))
                .map(|t| t.name.as_str())
                .collect();
            tags.sort_unstable();
            tags.into_iter()
                .take(LIMIT)
                .map(|t| Suggestion {
                    value: t.to_owned(),
                    label: t.to_owned(),
                })
                .collect()
        }
        "items" => {
            let Some(code) = snapshot.any_edition(&edition).map(|e| e.code.to_string()) else {
                return Err(PageError::BadRequest("choose an edition".into()));
            };
            let actor = editor.actor();
            let zone = &state.site.time_zone;
            let results = state
                .search
                .search_desk(&DeskSearch {
                    query: &parse(&q),
                    role: actor.role,
                    user: actor.id,
                    status: None,
                    edition: Some(&code),
                    author: None,
                    from: None,
                    until: None,
                    offset: 0,
                    limit: LIMIT,
                    now: state.newsroom.now(),
                })
                .map_err(|e| PageError::Internal(e.into()))?;
            results
                .hits
                .into_iter()
                .map(|hit| {
                    let status = Status::parse(&hit.status)
                        .map_or(hit.status.clone(), |s| editor.words().status(s).to_owned());
                    let when = jiff::Timestamp::from_microsecond(hit.time)
                        .map(|t| time::display(t, zone))
                        .unwrap_or_default();
                    // The hit's headline is HTML with the matched words marked.
                    let marked = hit.headline.replace("<mark>", "").replace("</mark>", "");
                    let headline = html_escape::decode_html_entities(&marked);
                    Suggestion {
                        value: hit.id.to_string(),
                        label: format!("{headline} ({status}, {when})"),
                    }
                })
                .collect()
        }
        _ => {
            return Err(PageError::BadRequest(
                "list must be authors, tags or items".into(),
            ));
        }
    };
    let body = serde_json::to_string(&found).map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::starts_a_word;
    use crate::domain::Slug;

    #[test]
    fn a_name_is_found_by_the_start_of_any_word_without_its_diacritics() {
        let slug = |name| Slug::from_text(name, "author");
        assert!(starts_a_word(&slug("Yaşar Güler"), "yasar"));
        assert!(starts_a_word(&slug("Yaşar Güler"), "gul"));
        assert!(starts_a_word(&slug("Azərbaycan"), "azerb"));
        assert!(!starts_a_word(&slug("Yaşar Güler"), "ler"));
    }
}
