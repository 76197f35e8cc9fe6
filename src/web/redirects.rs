//! Old addresses of imported sites (`/?p=ID`, `/?page_id=ID`, a permalink's path)
//! answered with a 301 to the item's address here. Looked up only for what would
//! otherwise be a 404, and for `/` with a `p` or `page_id` query, so that pages that
//! exist pay nothing.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::{AppState, api, respond, urls};
use crate::import::wordpress::mapping::normalize;

/// `/?p=ID` or `/?page_id=ID` from the query of a request for `/`.
fn query_key(query: Option<&str>) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        let numeric =
            !value.is_empty() && value.len() <= 18 && value.bytes().all(|b| b.is_ascii_digit());
        (numeric && matches!(key, "p" | "page_id")).then(|| format!("/?{key}={value}"))
    })
}

/// The current address of the published item `key` leads to.
async fn target(state: &AppState, key: &str) -> Option<String> {
    let id = match state.newsroom.redirect_target(key).await {
        Ok(id) => id?,
        Err(e) => {
            tracing::warn!("redirect lookup failed: {e}");
            return None;
        }
    };
    let snapshot = state.read.snapshot();
    let item = snapshot.item(id)?;
    let section = snapshot
        .section(item.section)
        .map_or_else(|| "news".to_owned(), |s| s.slug.to_string());
    Some(urls::item(&item.edition, item.id, &item.slug, &section))
}

/// Answers an old address with a 301 when an import recorded it.
pub async fn old_addresses(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    if path == "/" {
        if let Some(key) = query_key(req.uri().query())
            && let Some(to) = target(&state, &key).await
        {
            return respond::moved_permanently(&to);
        }
        return next.run(req).await;
    }
    let query = req.uri().query().map(str::to_owned);
    let response = next.run(req).await;
    if response.status() != StatusCode::NOT_FOUND || path.starts_with(api::PREFIX) {
        return response;
    }
    let path = normalize(&path);
    let mut keys = vec![path.clone()];
    if let Some(query) = query {
        keys.insert(0, format!("{path}?{query}"));
    }
    for key in keys {
        if let Some(to) = target(&state, &key).await {
            return respond::moved_permanently(&to);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numeric_post_and_page_ids_are_looked_up() {
        assert_eq!(query_key(Some("p=42")), Some("/?p=42".into()));
        assert_eq!(
            query_key(Some("preview=true&page_id=7")),
            Some("/?page_id=7".into())
        );
        assert_eq!(query_key(Some("p=abc")), None);
        assert_eq!(query_key(Some("s=news")), None);
        assert_eq!(query_key(None), None);
    }
}
