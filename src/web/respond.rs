//! Turning a rendered template into a response with validators and cache headers.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::assets::digest;
use super::error::PageError;

/// How long shared caches may keep a page before asking again, in seconds.
const PAGE_MAX_AGE: &str = "public, max-age=30, stale-while-revalidate=300";

/// Renders a page template into a cacheable HTML response with an ETag.
pub fn html<T: Template>(page: &T) -> Result<Response, PageError> {
    let body = page.render().map_err(|e| PageError::Internal(e.into()))?;
    let etag = format!("\"{}\"", digest(body.as_bytes()));
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, PAGE_MAX_AGE),
        ],
        body,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    Ok(response)
}

/// Puts an error page in place of `response`'s body, keeping its status and headers
/// (`Retry-After`, security headers); never stored by any cache.
pub fn error_page<T: Template>(response: Response, page: &T, what: &str) -> Response {
    let mut parts = response.into_parts().0;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    match page.render() {
        Ok(html) => Response::from_parts(parts, html.into()),
        Err(err) => {
            tracing::error!(error = %err, "{what} failed to render");
            Response::from_parts(parts, "Error".into())
        }
    }
}

/// Renders a newsroom page: never stored by any cache, never indexed.
pub fn private_html<T: Template>(page: &T) -> Result<Response, PageError> {
    let body = page.render().map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        body,
    )
        .into_response())
}

/// A 301 to `location`: the address readers and search engines should keep from now on.
pub fn moved_permanently(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, value)]).into_response(),
        Err(_) => PageError::NotFound.into_response(),
    }
}

/// Answers a conditional GET or HEAD whose `If-None-Match` names the current ETag with 304.
pub async fn conditional_get(req: Request, next: Next) -> Response {
    let conditional = matches!(*req.method(), Method::GET | Method::HEAD)
        .then(|| req.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();
    let response = next.run(req).await;
    let (Some(wanted), StatusCode::OK) = (conditional, response.status()) else {
        return response;
    };
    let Some(etag) = response.headers().get(header::ETAG) else {
        return response;
    };
    let matches = wanted.to_str().is_ok_and(|list| {
        list.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t.as_bytes() == etag.as_bytes())
    });
    if !matches {
        return response;
    }
    let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
    for name in [header::ETAG, header::CACHE_CONTROL] {
        if let Some(v) = response.headers().get(&name) {
            not_modified.headers_mut().insert(name, v.clone());
        }
    }
    not_modified
}
