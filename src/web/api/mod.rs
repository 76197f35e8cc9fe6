//! The JSON API under `/api/v1`: problem details for every error, bearer tokens for
//! who is calling, and an OpenAPI document generated from the handlers.

pub mod auth;
mod catalog;
mod conditional;
pub mod cursor;
mod items;
mod me;
pub mod ninjs;
pub mod openapi;
pub mod problem;
pub mod reference;
pub mod throttle;
mod writes;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tower_http::limit::RequestBodyLimitLayer;

use super::AppState;
use problem::Problem;

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// Whether a request path is the API's, whose errors are problem documents.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// A JSON answer with `cache_control`; a value that fails to serialize is a 500.
pub fn json<T: Serialize>(body: &T, cache_control: &'static str) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(cache_control),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => Problem::internal(&err).into_response(),
    }
}

/// The API's routes, to be nested under [`PREFIX`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/editions", get(catalog::list_editions))
        .route("/editions/{code}/sections", get(catalog::list_sections))
        .route("/authors", get(catalog::list_authors))
        .route("/tags", get(catalog::list_tags))
        .route("/items", get(items::list_items))
        .route("/items/{id}", get(items::show_item))
        .route("/editions/{code}/newsline", get(items::show_news_line))
        .route("/me", get(me::show_me))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(reference::show_reference))
        .merge(writes::routes())
        // A wrong method gets axum's 405 with its Allow header; the site's error
        // layer gives it a problem body, like every other bare error here.
        .fallback(not_found)
        .layer(axum::middleware::from_fn(conditional::tag_reads))
        .layer(RequestBodyLimitLayer::new(64 * 1024))
        // Added after the JSON limit: uploads are counted against the newsroom's own.
        .merge(writes::media_route())
}

async fn not_found() -> Problem {
    Problem::not_found("there is nothing at this address in the API")
}
