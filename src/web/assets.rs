//! Static files embedded in the binary, served under content-hashed names.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::PageError;

/// An embedded file and the path it is served at.
pub struct Asset {
    /// Path including the content hash.
    pub path: String,
    /// The bytes.
    pub body: &'static str,
}

/// A short hex digest of some bytes, for cache-busting names and ETags.
pub fn digest(bytes: &[u8]) -> String {
    // SipHash with fixed keys: stable for a given build, which is all a validator needs.
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// The site stylesheet.
pub static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    let body = include_str!("../../static/site.css");
    Asset {
        path: format!("/static/site.{}.css", &digest(body.as_bytes())[..12]),
        body,
    }
});

/// The newsroom's script: autosave, preview and presence, as progressive enhancement.
pub static NEWSROOM_SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    let body = include_str!("../../static/newsroom.js");
    Asset {
        path: format!("/static/newsroom.{}.js", &digest(body.as_bytes())[..12]),
        body,
    }
});

/// The publisher's logo, for structured data.
pub static LOGO: LazyLock<Asset> = LazyLock::new(|| {
    let body = include_str!("../../static/logo.svg");
    Asset {
        path: format!("/static/logo.{}.svg", &digest(body.as_bytes())[..12]),
        body,
    }
});

/// The reader pages' script that keeps the news line live.
pub static LIVE_SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    let body = include_str!("../../static/live.js");
    Asset {
        path: format!("/static/live.{}.js", &digest(body.as_bytes())[..12]),
        body,
    }
});

/// Serves a static file by its hashed name; any other name is not found.
pub async fn show_asset(Path(name): Path<String>) -> Result<Response, PageError> {
    let (asset, mime) = [
        (&*STYLESHEET, "text/css; charset=utf-8"),
        (&*NEWSROOM_SCRIPT, "text/javascript; charset=utf-8"),
        (&*LIVE_SCRIPT, "text/javascript; charset=utf-8"),
        (&*LOGO, "image/svg+xml"),
    ]
    .into_iter()
    .find(|(a, _)| a.path.strip_prefix("/static/") == Some(name.as_str()))
    .ok_or(PageError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            // The name changes with the content, so a copy never goes stale.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.body,
    )
        .into_response())
}
