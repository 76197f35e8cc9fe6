//! HTTP: the reader's pages, routed in one place.

mod assets;
mod error;
mod pages;
mod reader;
mod respond;
mod strings;
mod urls;
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
use pages::{archive, article, home, listing};

pub use error::PageError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The read model pages are rendered from.
    pub read: Arc<ReadModel>,
    /// Site settings.
    pub site: Arc<Site>,
}

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(to_default_edition))
        .route("/static/{name}", get(assets::show_asset))
        .route("/{edition}", get(to_edition_home))
        .route("/{edition}/", get(home::show_home))
        .route("/{edition}/news", get(archive::list_news))
        .route(
            "/{edition}/news/{year}/{month}/{day}",
            get(archive::list_day),
        )
        .route("/{edition}/author/{slug}", get(listing::list_author))
        .route("/{edition}/tag/{slug}", get(listing::list_tag))
        .route("/{edition}/{section}", get(listing::list_section))
        .route("/{edition}/{section}/{item}", get(article::show_item))
        .fallback(not_found)
        .layer(from_fn(respond::conditional_get))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }))
        .layer(from_fn_with_state(state.clone(), error::render_error_pages))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        // Reader pages take no body; this bounds what a client can make us buffer.
        .layer(RequestBodyLimitLayer::new(64 * 1024))
        .layer(TraceLayer::new_for_http())
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
