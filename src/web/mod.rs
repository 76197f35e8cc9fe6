//! HTTP: the reader's pages, routed in one place.

pub mod api;
mod assets;
pub mod cache;
pub mod client;
mod error;
mod feeds;
mod headers;
pub mod limits;
mod live;
mod metadata;
pub mod newsroom;
mod pages;
pub mod purge;
pub mod ratelimit;
mod reader;
mod redirects;
pub mod reference;
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
}

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    // Reader pages take no body; the newsroom's forms carry up to a long article.
    let reader = Router::new()
        .route("/", get(to_default_edition))
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
    // The form's other fields and multipart framing come on top of the file itself.
    let uploads = newsroom::upload_route(&state)
        .layer(RequestBodyLimitLayer::new(
            state.max_upload_bytes + 64 * 1024,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable());
    reader
        .merge(newsroom)
        .merge(uploads)
        .nest(api::PREFIX, api::routes())
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
        .layer(TraceLayer::new_for_http())
        .layer(from_fn_with_state(
            Arc::new(headers::SecurityHeaders::from_site(&state.site)),
            headers::add_security_headers,
        ))
        .with_state(state)
}

async fn not_found() -> PageError {
    PageError::NotFound
}

async fn to_default_edition(State(state): State<AppState>) -> Response {
    Redirect::temporary(&urls::home(state.site.default_edition.as_ref())).into_response()
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
