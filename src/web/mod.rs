//! HTTP: the reader's pages, routed in one place.

pub mod api;
mod assets;
pub mod cache;
pub mod client;
mod error;
mod feeds;
mod headers;
pub mod health;
pub mod limits;
mod live;
mod metadata;
pub mod metrics;
pub mod newsroom;
mod pages;
pub mod purge;
pub mod ratelimit;
mod reader;
mod redirects;
pub mod reference;
pub mod request_id;
mod respond;
pub mod search;
mod sitemaps;
pub mod strings;
pub(crate) mod urls;
mod views;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Site;
use crate::read::ReadModel;
use pages::{archive, article, corrections, home, listing};

pub use error::PageError;
pub use headers::SecurityHeaders;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The read model pages are rendered from.
    pub read: Arc<ReadModel>,
    /// The search index searches are answered from.
    pub search: crate::search::SearchIndex,
    /// Site settings.
    pub site: Arc<Site>,
    /// The write path, and the newsroom's own reads.
    pub newsroom: crate::newsroom::Newsroom,
    /// Whether cookies get the Secure flag (the site is served over https).
    pub secure_cookies: bool,
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Rendered reader pages, kept ready.
    pub cache: Arc<cache::PageCache>,
    /// Proxies whose forwarding headers name the client.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// Open live streams, capped in all and per address.
    pub streams: Arc<limits::Gate>,
    /// Time to read a request's body and answer it.
    pub request_timeout: Duration,
    /// The API's request budgets on this node.
    pub api_limits: Arc<api::throttle::ApiLimits>,
    /// What this node counts and times, read at `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// Clients that may read `/metrics`.
    pub metrics_allow: Arc<[ipnet::IpNet]>,
    /// Turns true when the server begins to stop: live streams then end.
    pub closing: tokio::sync::watch::Receiver<bool>,
}

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    // Reader pages take no body; the newsroom's forms carry up to a long article.
    let reader = Router::new()
        .route("/", get(to_preferred_edition))
        .route("/healthz", get(health::show_health))
        .route("/readyz", get(health::show_readiness))
        .route("/static/{name}", get(assets::show_asset))
        .route("/media/{name}", get(show_media_file))
        .route("/{edition}", get(to_edition_home))
        .route("/{edition}/", get(home::show_home))
        .route("/{edition}/news", get(archive::list_news))
        .route("/{edition}/corrections", get(corrections::list_corrections))
        .route("/{edition}/live", get(live::stream_news_line))
        .route("/{edition}/search", get(search::show_search))
        .route("/{edition}/search.json", get(search::search_json))
        .route("/{edition}/search/suggest", get(search::suggest))
        .route(
            "/{edition}/news/{year}/{month}/{day}",
            get(archive::list_day),
        )
        .route("/{edition}/author/{slug}", get(listing::list_author))
        .route("/{edition}/tag/{slug}", get(listing::list_tag))
        .route("/{edition}/{section}", get(listing::list_section))
        .route("/{edition}/{section}/{item}", get(article::show_item))
        .merge(feeds::routes())
        .merge(sitemaps::routes())
        .layer(from_fn_with_state(state.clone(), cache::serve_from_cache))
        .layer(RequestBodyLimitLayer::new(64 * 1024));
    let newsroom = newsroom::routes(&state).layer(RequestBodyLimitLayer::new(2 * 1024 * 1024));
    // The upload handler bounds what it reads itself, field by field, so that a file over
    // the limit is refused with the form and the text typed before it, not cut off here.
    let uploads = newsroom::upload_route(&state).layer(axum::extract::DefaultBodyLimit::disable());
    reader
        .merge(newsroom)
        .merge(uploads)
        .nest(api::PREFIX, api::routes())
        // Outside the reader's routes, so never near the page cache.
        .route("/metrics", get(metrics::show_metrics))
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), redirects::old_addresses))
        // Around the fallback too, so that every answer under the API's prefix counts.
        .layer(from_fn_with_state(state.clone(), api::throttle::throttle))
        .layer(from_fn(respond::conditional_get))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }))
        .layer(from_fn_with_state(
            state.clone(),
            limits::refuse_other_hosts,
        ))
        .layer(from_fn(limits::refuse_long_uris))
        // Covers reading the body too, so a body sent byte by byte cannot hold a worker.
        // Inside the error layer, so that a 408 gets a page, or under /api a problem.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.request_timeout,
        ))
        .layer(from_fn_with_state(state.clone(), error::render_error_pages))
        .layer(TraceLayer::new_for_http().make_span_with(request_id::span_for))
        .layer(from_fn_with_state(
            Arc::new(headers::SecurityHeaders::from_site(&state.site)),
            headers::add_security_headers,
        ))
        .layer(from_fn_with_state(
            state.metrics.clone(),
            metrics::count_requests,
        ))
        // Every answer carries its request's id, errors and refusals included.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(request_id::MakeId))
        .layer(from_fn(request_id::drop_unfit_ids))
        .with_state(state)
}

async fn not_found() -> PageError {
    PageError::NotFound
}

/// The root sends a reader to the edition their browser's `Accept-Language` prefers,
/// else to the default one; caches keep one answer per language list.
async fn to_preferred_edition(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    let snapshot = state.read.snapshot();
    let editions: Vec<(&str, &str)> = snapshot
        .editions()
        .iter()
        .map(|e| (e.code.as_ref(), e.language.as_ref()))
        .collect();
    let wanted = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|header| preferred_edition(header, &editions))
        .unwrap_or(state.site.default_edition.as_ref());
    let mut response = Redirect::temporary(&urls::home(wanted)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("Accept-Language"),
    );
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// The code of the edition an `Accept-Language` header prefers among `editions`
/// (code, language tag): by the reader's order of preference, a language tag
/// matching exactly, else by its primary language (`ru-RU` reads the `ru` edition,
/// `az` the `az-Latn` one). `None` when none is acceptable.
pub fn preferred_edition<'a>(header: &str, editions: &[(&'a str, &str)]) -> Option<&'a str> {
    // A header is a few dozen bytes; one much longer is not worth reading.
    if header.len() > 1024 {
        return None;
    }
    let primary = |tag: &str| {
        tag.split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    for asked in accept_language::parse(header) {
        if asked == "*" {
            return None;
        }
        if let Some((code, _)) = editions
            .iter()
            .find(|(_, tag)| tag.eq_ignore_ascii_case(&asked))
        {
            return Some(code);
        }
        let language = primary(&asked);
        if let Some((code, _)) = editions
            .iter()
            .find(|(code, tag)| primary(tag) == language || code.eq_ignore_ascii_case(&language))
        {
            return Some(code);
        }
    }
    None
}

async fn to_edition_home(
    State(state): State<AppState>,
    Path(edition): Path<String>,
) -> Result<Response, PageError> {
    if state.read.snapshot().edition(&edition).is_none() {
        return Err(PageError::NotFound);
    }
    Ok(respond::moved_permanently(&urls::home(&edition)))
}

/// An uploaded image by its content-addressed name, cached for good.
async fn show_media_file(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let store = state.newsroom.media_store().ok_or(PageError::NotFound)?;
    let (bytes, mime) = store
        .get(&name)
        .await
        .map_err(|e| PageError::Internal(e.into()))?
        .ok_or(PageError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime),
            // The name is the content's hash: it never changes.
            (
                axum::http::header::CACHE_CONTROL,
                "public, max-age=31536000, immutable",
            ),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::preferred_edition;

    const EDITIONS: &[(&str, &str)] = &[("en", "en"), ("az", "az-Latn"), ("ru", "ru")];

    #[test]
    fn the_readers_first_acceptable_language_chooses_the_edition() {
        for (header, edition) in [
            ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", Some("ru")),
            ("az", Some("az")),
            ("AZ-latn", Some("az")),
            ("tr-TR, az;q=0.8, en;q=0.5", Some("az")),
            ("en-GB;q=0.2, ru;q=0.9", Some("ru")),
            ("de-DE, fr;q=0.8", None),
            ("*", None),
            ("", None),
            ("ru;q=0, en", Some("en")),
            (";;;,,,q=x", None),
        ] {
            assert_eq!(preferred_edition(header, EDITIONS), edition, "{header:?}");
        }
        assert_eq!(preferred_edition(&"en,".repeat(1000), EDITIONS), None);
    }
}
