//! The benchmark's yardstick: a bare axum handler returning fixed bytes from memory.
//!
//! `scripts/bench` runs it beside the portal in the same run, so the cached portal is
//! compared with the least an axum server can do for the same response, on the same
//! noisy machine, at the same moment.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// One response body, plain and gzip-compressed, as the portal sends it.
#[derive(Clone)]
pub struct FixedPage {
    /// The body as sent without compression.
    pub identity: Bytes,
    /// The same body gzip-compressed, sent when the client accepts gzip.
    pub gzip: Bytes,
    /// Its media type.
    pub content_type: HeaderValue,
}

/// Serves `page` at every path until the process ends.
pub async fn serve_fixed(address: SocketAddr, page: FixedPage) -> std::io::Result<()> {
    let page = Arc::new(page);
    let app = Router::new().fallback(get(move |headers: HeaderMap| {
        let page = page.clone();
        async move { answer(&page, &headers) }
    }));
    let listener = tokio::net::TcpListener::bind(address).await?;
    axum::serve(listener, app).await
}

fn answer(page: &FixedPage, headers: &HeaderMap) -> Response {
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .is_some_and(|v| v.as_bytes().windows(4).any(|w| w == b"gzip"));
    let body = if gzip {
        page.gzip.clone()
    } else {
        page.identity.clone()
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, page.content_type.clone());
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yardstick_answers_gzip_only_to_clients_that_take_it() {
        let page = FixedPage {
            identity: Bytes::from_static(b"plain"),
            gzip: Bytes::from_static(b"zipped"),
            content_type: HeaderValue::from_static("text/html"),
        };
        let mut headers = HeaderMap::new();
        let plain = answer(&page, &headers);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("br, gzip"),
        );
        let zipped = answer(&page, &headers);
        assert_eq!(
            zipped.headers().get(header::CONTENT_ENCODING),
            Some(&HeaderValue::from_static("gzip"))
        );
    }
}
