//! Conditional reads: every successful `GET` of the API carries a strong ETag, and a
//! client that sends it back in `If-None-Match` gets 304 without the body.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::problem::Problem;

/// Largest answer buffered to compute its ETag; API answers are far smaller.
const MAX_TAGGED_BYTES: usize = 16 * 1024 * 1024;

/// A strong ETag for `bytes`: the first 128 bits of their SHA-256, with a prefix
/// (the item's version, say) when there is one.
pub fn etag_of(bytes: &[u8], prefix: Option<&str>) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    match prefix {
        Some(prefix) => format!("\"{prefix}-{hex}\""),
        None => format!("\"{hex}\""),
    }
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn is_fresh(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t == etag)
}

/// Tags each successful `GET` answer that has no ETag yet, and answers 304 when the
/// client already holds it.
pub async fn tag_reads(request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let conditions = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::ETAG) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_TAGGED_BYTES).await {
        Ok(bytes) => bytes,
        Err(err) => return Problem::internal(&err).into_response(),
    };
    let etag = etag_of(&bytes, None);
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    if is_fresh(&conditions, &etag) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
