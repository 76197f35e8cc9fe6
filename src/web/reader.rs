//! What every reader page starts from: the snapshot, the edition, the site settings.

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use serde::Deserialize;

use super::AppState;
use super::error::{PageError, Problem};
use super::views::{Chrome, NewsLine, Views};
use crate::config::Site;
use crate::domain::Edition;
use crate::read::{Bodies, Dependency, Snapshot};

/// The edition a reader asked for, resolved once per request.
#[derive(Clone)]
pub struct Reader {
    /// The snapshot this request reads, whatever is published meanwhile.
    pub snapshot: Arc<Snapshot>,
    /// The edition named by the URL.
    pub edition: Arc<Edition>,
    /// Site settings.
    pub site: Arc<Site>,
    /// The request path, for canonical links and navigation.
    pub path: String,
    /// Scheme and host for absolute links: the configured base URL, else the request's Host.
    pub origin: String,
    bodies: Bodies,
    /// What the page read so far: the frame, the news line, items, listings.
    keys: Arc<Mutex<Vec<Dependency>>>,
}

/// The origin links are made absolute with; a Host header with anything but host
/// characters is not trusted.
fn origin_of(parts: &Parts, base_url: Option<&str>) -> String {
    if let Some(base) = base_url {
        return base.to_owned();
    }
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The site's settings as an edition's pages use them: in the edition's own time
/// zone when it has one.
fn site_of(site: &Arc<Site>, edition: &Edition) -> Arc<Site> {
    let zone = edition
        .time_zone
        .as_deref()
        .filter(|name| *name != site.time_zone_name)
        .and_then(|name| jiff::tz::TimeZone::get(name).ok().map(|zone| (name, zone)));
    match zone {
        Some((name, zone)) => {
            let mut own = Site::clone(site);
            own.time_zone = zone;
            name.clone_into(&mut own.time_zone_name);
            Arc::new(own)
        }
        None => site.clone(),
    }
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        let code = params
            .iter()
            .find(|(name, _)| *name == "edition")
            .map(|(_, value)| value.to_owned())
            .ok_or(PageError::NotFound)?;
        let snapshot = state.read.snapshot();
        // The newsroom's previews (behind its sign-in) show a draft edition's pages
        // before readers can see them.
        let edition = if parts.uri.path().starts_with("/newsroom/") {
            snapshot.any_edition(&code)
        } else {
            snapshot.edition(&code)
        }
        .cloned()
        .ok_or(PageError::NotFound)?;
        Ok(Self {
            origin: origin_of(parts, state.site.base_url.as_deref()),
            site: site_of(&state.site, &edition),
            snapshot,
            edition,
            path: parts.uri.path().to_owned(),
            bodies: state.read.bodies().clone(),
            keys: Arc::default(),
        })
    }
}

impl Reader {
    /// Where the bodies the snapshot leaves out are read, on a page cache miss.
    pub fn bodies(&self) -> &Bodies {
        &self.bodies
    }

    /// The edition's code.
    pub fn code(&self) -> &str {
        self.edition.code.as_ref()
    }

    /// Interface words in the edition's language.
    pub fn strings(&self) -> &'static super::strings::Strings {
        super::strings::for_language(self.code())
    }

    /// View builders bound to this request.
    pub fn views(&self) -> Views<'_> {
        Views {
            snapshot: &self.snapshot,
            code: self.code(),
            site: &self.site,
        }
    }

    /// Records that the page shows `key`, so a change to it purges the page.
    pub fn depends_on(&self, key: Dependency) {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(key);
    }

    /// The edition's code as the keys name it.
    pub fn edition_key(&self) -> Arc<str> {
        Arc::from(self.code())
    }

    /// The news line (and the page's dependency on it), `current` marked.
    pub fn news_line(&self, current: Option<crate::domain::ItemId>) -> NewsLine {
        self.depends_on(Dependency::NewsLine(self.edition_key()));
        self.views().news_line(current)
    }

    /// Marks `response` cacheable with every key the page read while it was built.
    pub fn cacheable(&self, response: axum::response::Response) -> axum::response::Response {
        let mut keys =
            std::mem::take(&mut *self.keys.lock().unwrap_or_else(PoisonError::into_inner));
        keys.sort();
        keys.dedup();
        super::cache::with_keys(response, keys)
    }

    /// The page frame, titled `heading`, with its canonical address; the page then
    /// depends on the edition's navigation.
    pub fn chrome(&self, heading: &str) -> Chrome {
        self.depends_on(Dependency::Navigation(self.edition_key()));
        let mut chrome = Chrome::new(
            &self.site,
            &self.snapshot,
            Some(&self.edition),
            self.code(),
            heading,
            Some(&self.path),
        );
        chrome.head.canonical = Some(self.absolute(&self.path));
        chrome
    }
}

/// The `?page=` of a list; anything but a whole number from 1 up is a bad request.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// Highest page number accepted; deeper lists are reached by day.
const MAX_PAGE: usize = 1_000_000;

impl PageQuery {
    /// The page number asked for, 1 when none.
    pub fn number(&self) -> Result<usize, PageError> {
        match self.page.as_deref() {
            None => Ok(1),
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n) && raw.bytes().all(|b| b.is_ascii_digit()))
                .ok_or(PageError::BadRequest(Problem::PageNumber(MAX_PAGE).into())),
        }
    }
}
