//! Every request's id: the one a proxy in front sent when it is short and plain,
//! else a new one; returned in `x-request-id` and carried by the request's span, so
//! a reader's report, the proxy's log and this node's log lines can be matched.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::{MakeRequestId, RequestId};

/// The header the id travels in, both ways.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id taken from a client; a UUID or a 128-bit trace id in hex fits.
const MAX_LEN: usize = 64;

/// Whether an id sent by the client is kept: 1 to 64 letters, digits and `-_.:`, so
/// that it cannot forge log fields or grow the log.
pub fn is_plain(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// This process's part of every id it makes, drawn once: ids stay distinct across
/// nodes and restarts without a random draw per request.
static PROCESS: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 6];
    // Without randomness, the time still tells one start from another.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = jiff::Timestamp::now().as_nanosecond().to_le_bytes();
        bytes.copy_from_slice(&nanos[..6]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
});

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A new id: this process's part and a count.
pub fn new_id() -> HeaderValue {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    HeaderValue::from_str(&format!("{}-{n:x}", *PROCESS))
        .unwrap_or(HeaderValue::from_static("unnumbered"))
}

/// The id the client sent, when it sent one, once, and it is plain.
fn sent_id(headers: &axum::http::HeaderMap) -> Option<&HeaderValue> {
    let mut sent = headers.get_all(X_REQUEST_ID).iter();
    match (sent.next(), sent.next()) {
        (Some(id), None) if is_plain(id) => Some(id),
        _ => None,
    }
}

/// The id for a request with these headers: the client's when fit, else a new one.
pub fn id_for(headers: &axum::http::HeaderMap) -> HeaderValue {
    sent_id(headers).cloned().unwrap_or_else(new_id)
}

/// Makes ids for tower-http's request-id layer.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        Some(RequestId::new(new_id()))
    }
}

/// Drops an `x-request-id` that is not plain, or sent twice, so the layer after
/// this one makes a new id.
pub async fn drop_unfit_ids(mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    if headers.contains_key(X_REQUEST_ID) && sent_id(headers).is_none() {
        request.headers_mut().remove(X_REQUEST_ID);
    }
    next.run(request).await
}

/// The request's span, at INFO so that every line logged while it is answered,
/// warnings and errors included, carries its id.
pub fn span_for<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        uri = %request.uri(),
        request_id = %id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_kept() {
        for kept in [
            "abc",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "trace:1.2_3",
            &"a".repeat(64),
        ] {
            assert!(
                is_plain(&HeaderValue::from_str(kept).expect("header")),
                "{kept}"
            );
        }
        for dropped in ["", "a b", "id\"}", "é", "a/b", &"a".repeat(65)] {
            let value = HeaderValue::from_bytes(dropped.as_bytes()).expect("header");
            assert!(!is_plain(&value), "{dropped}");
        }
    }

    #[test]
    fn new_ids_are_plain_and_distinct() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert!(is_plain(&a) && is_plain(&b), "{a:?}");
    }
}
