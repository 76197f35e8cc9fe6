//! The page cache: whole responses kept in memory, compressed ahead of time, each
//! recording the keys it depends on so a change purges exactly what it touched.
//!
//! Correctness under concurrency: an entry remembers the change-log position of the
//! snapshot it was rendered from, and each key the position at which it was last
//! purged. An entry is served (or stored) only while none of its keys was purged after
//! it was rendered, so a render racing a publish can never be served stale.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::metrics::counter::Counter;

use super::AppState;
use crate::read::Dependency;

/// The keys a response depends on, set by its handler; a response without it is not cached.
#[derive(Debug, Clone, Default)]
pub struct CacheKeys(pub Vec<Dependency>);

/// The time by the site's clock after which a cached response is stale whatever was
/// purged (a home page whose breaking strip shows an item only while it is fresh).
#[derive(Debug, Clone, Copy)]
pub struct CacheUntil(pub jiff::Timestamp);

/// Adds dependency keys to a response (and marks it cacheable).
pub fn with_keys(mut response: Response, keys: Vec<Dependency>) -> Response {
    response.extensions_mut().insert(CacheKeys(keys));
    response
}

/// Largest body kept, in bytes; larger responses are served but not cached.
const MAX_ENTRY: usize = 2 * 1024 * 1024;

/// Shards of the cache: a hit takes one shard's read lock, never an exclusive one.
const SHARDS: usize = 16;

/// One encoding of a cached response, its headers built once when it was stored.
struct Variant {
    body: Bytes,
    /// Every header of a 200 (or HEAD) answer, `x-cache: hit` included.
    headers: HeaderMap,
    etag: HeaderValue,
}

/// A cached response in every encoding.
pub struct CachedPage {
    /// The route template it was rendered for, which its hits are counted under.
    route: Arc<str>,
    seq: i64,
    /// Microseconds by the site's clock from which it is stale; `i64::MAX` for never.
    until: i64,
    keys: Box<[Dependency]>,
    /// The digest quoted, as a client holding any encoding may send it back.
    etag: String,
    last_modified: HeaderValue,
    identity: Variant,
    gzip: Variant,
    brotli: Variant,
    /// Set by each hit, cleared by the eviction sweep: a second chance for pages in use.
    referenced: AtomicBool,
}

impl CachedPage {
    fn size(&self) -> usize {
        self.identity.body.len() + self.gzip.body.len() + self.brotli.body.len() + 256
    }
}

/// One shard: a map per admitted host (one map when pages do not depend on Host).
#[derive(Default)]
struct Shard {
    hosts: Vec<HashMap<Box<str>, Arc<CachedPage>>>,
}

impl Shard {
    fn map(&mut self, host: usize) -> &mut HashMap<Box<str>, Arc<CachedPage>> {
        if self.hosts.len() <= host {
            self.hosts.resize_with(host + 1, HashMap::new);
        }
        &mut self.hosts[host]
    }
}

/// Responses kept ready, bounded in memory; pages not read since the last sweep are
/// evicted first (CLOCK, second chance), so a hit never reorders a list.
pub struct PageCache {
    shards: Box<[RwLock<Shard>]>,
    hasher: RandomState,
    max_bytes: usize,
    bytes: AtomicUsize,
    /// Where each key was last purged.
    purged: RwLock<HashMap<Dependency, i64>>,
    /// The latest purge of any key: a page rendered after it needs no further check.
    last_purge: AtomicI64,
    purged_all: AtomicI64,
    /// The shard the next eviction sweep starts at.
    hand: AtomicUsize,
    /// The Host headers pages are kept for, when pages depend on Host (no base URL).
    hosts: RwLock<Vec<String>>,
    /// Headers every stored page carries besides its own (the site's security headers),
    /// so a hit answered before the router needs no layer to add them.
    site_headers: Vec<(HeaderName, HeaderValue)>,
    /// The site's clock, which pages kept only for a while are checked against.
    clock: Arc<dyn crate::domain::Clock>,
    /// Requests answered from the cache.
    pub(super) hits: Counter,
    /// Requests the cache was asked for and did not hold, so rendered (and kept when
    /// their answer may be).
    pub(super) misses: Counter,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

impl PageCache {
    /// A cache holding at most `max_bytes` of responses.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            hasher: RandomState::new(),
            max_bytes,
            bytes: AtomicUsize::new(0),
            purged: RwLock::default(),
            last_purge: AtomicI64::new(i64::MIN),
            purged_all: AtomicI64::new(i64::MIN),
            hand: AtomicUsize::new(0),
            hosts: RwLock::default(),
            site_headers: Vec::new(),
            clock: Arc::new(crate::domain::SystemClock),
            hits: Counter::default(),
            misses: Counter::default(),
        }
    }

    /// The same cache, telling the age of pages kept only for a while by `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn crate::domain::Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same cache, adding `headers` to every page it stores.
    pub fn with_site_headers(mut self, headers: &[(HeaderName, HeaderValue)]) -> Self {
        self.site_headers = headers.to_vec();
        self
    }

    fn shard(&self, url: &str) -> &RwLock<Shard> {
        let i = self.hasher.hash_one(url) as usize % SHARDS;
        &self.shards[i]
    }

    fn valid(&self, page: &CachedPage) -> bool {
        if page.until != i64::MAX && self.clock.now().as_microsecond() >= page.until {
            return false;
        }
        if page.seq < self.purged_all.load(Ordering::SeqCst) {
            return false;
        }
        if page.seq >= self.last_purge.load(Ordering::SeqCst) {
            return true;
        }
        let purged = read(&self.purged);
        page.keys
            .iter()
            .all(|k| purged.get(k).is_none_or(|at| page.seq >= *at))
    }

    fn get(&self, host: usize, url: &str) -> Option<Arc<CachedPage>> {
        let page = read(self.shard(url))
            .hosts
            .get(host)
            .and_then(|map| map.get(url))
            .cloned()?;
        if self.valid(&page) {
            // Only write the flag when it changes: a hot page's line stays shared.
            if !page.referenced.load(Ordering::Relaxed) {
                page.referenced.store(true, Ordering::Relaxed);
            }
            return Some(page);
        }
        let mut shard = write(self.shard(url));
        let map = shard.map(host);
        if map.get(url).is_some_and(|p| Arc::ptr_eq(p, &page))
            && let Some(stale) = map.remove(url)
        {
            self.bytes.fetch_sub(stale.size(), Ordering::SeqCst);
        }
        None
    }

    fn insert(&self, host: usize, url: &str, page: Arc<CachedPage>) {
        let size = page.size();
        if size > MAX_ENTRY || size > self.max_bytes || !self.valid(&page) {
            return;
        }
        {
            let mut shard = write(self.shard(url));
            if let Some(old) = shard.map(host).insert(url.into(), page) {
                self.bytes.fetch_sub(old.size(), Ordering::SeqCst);
            }
            self.bytes.fetch_add(size, Ordering::SeqCst);
        }
        self.evict(host, url);
    }

    /// Sweeps shards from the hand on, giving each page read since the last sweep a
    /// second chance and dropping the others, until the cache fits; the page just
    /// stored (`host`, `keep`) stays.
    fn evict(&self, host: usize, keep: &str) {
        // Two rounds: the first may only clear flags.
        for _ in 0..2 * SHARDS {
            if self.bytes.load(Ordering::SeqCst) <= self.max_bytes {
                return;
            }
            let i = self.hand.fetch_add(1, Ordering::Relaxed) % SHARDS;
            let mut shard = write(&self.shards[i]);
            for (h, map) in shard.hosts.iter_mut().enumerate() {
                map.retain(|url, page| {
                    if self.bytes.load(Ordering::SeqCst) <= self.max_bytes
                        || (h == host && &**url == keep)
                        || page.referenced.swap(false, Ordering::Relaxed)
                    {
                        return true;
                    }
                    self.bytes.fetch_sub(page.size(), Ordering::SeqCst);
                    false
                });
            }
        }
    }

    /// Forgets every page depending on `keys`, as of change-log position `seq`;
    /// `everything` forgets all pages.
    pub fn purge(&self, seq: i64, keys: &[Dependency], everything: bool) {
        if everything {
            self.purged_all.fetch_max(seq, Ordering::SeqCst);
        } else {
            let mut purged = write(&self.purged);
            for key in keys {
                purged.insert(key.clone(), seq);
            }
            drop(purged);
            self.last_purge.fetch_max(seq, Ordering::SeqCst);
        }
        // Drop what is now stale at once, so memory goes to pages that can be served.
        for shard in &self.shards {
            let mut shard = write(shard);
            for map in &mut shard.hosts {
                map.retain(|_, page| {
                    let keep = page.seq >= seq
                        || (!everything && !page.keys.iter().any(|k| keys.contains(k)));
                    if !keep {
                        self.bytes.fetch_sub(page.size(), Ordering::SeqCst);
                    }
                    keep
                });
            }
        }
    }

    /// Which host slot pages for `host` are kept in: the first few hosts seen are,
    /// others are served uncached, so a flood of invented Host headers cannot fill
    /// the cache.
    fn host_slot(&self, host: &str) -> Option<usize> {
        if let Some(i) = read(&self.hosts).iter().position(|h| h == host) {
            return Some(i);
        }
        let mut hosts = write(&self.hosts);
        if let Some(i) = hosts.iter().position(|h| h == host) {
            return Some(i);
        }
        if hosts.len() < MAX_HOSTS {
            hosts.push(host.to_owned());
            return Some(hosts.len() - 1);
        }
        None
    }

    /// The slot of a host pages are already kept for; never admits a new one.
    fn known_host_slot(&self, host: &str) -> Option<usize> {
        read(&self.hosts).iter().position(|h| h == host)
    }

    /// How many bytes the cache holds now.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// How many pages the cache holds now.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| read(s).hosts.iter().map(HashMap::len).sum::<usize>())
            .sum()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl crate::read::Invalidate for PageCache {
    fn invalidate(&self, seq: i64, keys: &[Dependency], everything: bool) {
        self.purge(seq, keys, everything);
    }
}

/// Routes whose pages are numbered with `?page=`; elsewhere no query is part of a page.
const PAGED_ROUTES: [&str; 6] = [
    "/{edition}/news",
    "/{edition}/news/{year}/{month}/{day}",
    "/{edition}/author/{slug}",
    "/{edition}/tag/{slug}",
    "/{edition}/{section}",
    "/sitemaps/{edition}/{file}",
];

/// Routes that are never cached and whose query means something of its own.
const UNCACHED_ROUTES: [&str; 1] = ["/{edition}/live"];

/// Distinct Host headers pages are cached for when no base URL is set.
const MAX_HOSTS: usize = 4;

/// What to do with a request, by how its address compares with the canonical one.
#[derive(Debug, PartialEq, Eq)]
enum Canonical<'a> {
    /// The address is canonical: cache under it.
    Cache(Cow<'a, str>),
    /// The same page has another, canonical address: send the client there.
    Redirect(String),
    /// Unknown parameters or a malformed address: answer it, but never cache it.
    Uncached,
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

/// The path with needless escapes decoded (`%65` is `e`); none when an escape is
/// malformed or spelled in lower case (`%2f`), which is answered but never cached.
fn normal_path(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        let hex = bytes.get(i + 1..i + 3)?;
        let text = std::str::from_utf8(hex).ok()?;
        let value = u8::from_str_radix(text, 16).ok()?;
        if is_unreserved(value) {
            out.push(char::from(value));
        } else if text.bytes().any(|b| b.is_ascii_lowercase()) {
            return None;
        } else {
            out.push('%');
            out.push_str(text);
        }
        i += 3;
    }
    Some(out)
}

/// The canonical address of a request for `path` and `query`; `paged` says whether the
/// route takes `?page=`.
///
/// Only canonical addresses are cached, so junk spellings of a page (`?page=01`,
/// `/%65n/news`, `?utm=…`) cannot crowd real pages out.
fn canonical<'a>(path: &'a str, query: Option<&str>, paged: bool) -> Canonical<'a> {
    // `//host` or `/\host` would be read by browsers as another site in a Location.
    if path.starts_with("//") || path.starts_with("/\\") || !path.is_ascii() {
        return Canonical::Uncached;
    }
    // The common case, already canonical: kept without a copy.
    if query.is_none() && !path.contains('%') {
        return Canonical::Cache(Cow::Borrowed(path));
    }
    let Some(normal) = normal_path(path) else {
        return Canonical::Uncached;
    };
    if normal.starts_with("//") || normal.starts_with("/\\") {
        return Canonical::Uncached;
    }
    let mut page = None;
    for pair in query.unwrap_or_default().split('&') {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| value.parse::<u32>().ok())
            .flatten()
            .filter(|n| *n >= 1 && value.len() <= 9);
        match (key, number) {
            ("page", Some(n)) if paged && page.is_none() => page = Some(n),
            _ => return Canonical::Uncached,
        }
    }
    let target = match page {
        Some(n) if n > 1 => format!("{normal}?page={n}"),
        _ => normal,
    };
    let asked = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    if target == asked {
        Canonical::Cache(Cow::Owned(target))
    } else {
        Canonical::Redirect(target)
    }
}

/// The Host pages are rendered for when no base URL is set, checked as the reader's
/// origin checks it (anything else renders as `localhost`).
fn host_of(headers: &HeaderMap) -> &str {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost")
}

fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|part| {
                let mut it = part.trim().split(';');
                let name = it.next().unwrap_or_default().trim();
                let refused = it.any(|p| p.trim().replace(' ', "") == "q=0");
                name.eq_ignore_ascii_case(coding) && !refused
            })
        })
}

fn respond(page: &CachedPage, headers: &HeaderMap, head: bool) -> Response {
    let variant = if accepts(headers, "br") {
        &page.brotli
    } else if accepts(headers, "gzip") {
        &page.gzip
    } else {
        &page.identity
    };
    let not_modified = match headers.get(header::IF_NONE_MATCH) {
        Some(value) => value.to_str().is_ok_and(|list| {
            list.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || variant.etag == t || t == page.etag)
        }),
        None => headers.get(header::IF_MODIFIED_SINCE) == Some(&page.last_modified),
    };
    if not_modified {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        let h = response.headers_mut();
        for (name, value) in &variant.headers {
            if name != header::CONTENT_LENGTH && name != header::CONTENT_ENCODING {
                h.insert(name, value.clone());
            }
        }
        return response;
    }
    let body = if head {
        Body::empty()
    } else {
        Body::from(variant.body.clone())
    };
    let mut response = Response::new(body);
    *response.headers_mut() = variant.headers.clone();
    response
}

/// The headers of one encoding of a page, built once when it is stored.
fn variant(body: Bytes, coding: Option<&'static str>, digest: &str, common: &HeaderMap) -> Variant {
    let suffix = match coding {
        Some("br") => "-br",
        Some(_) => "-gz",
        None => "",
    };
    let etag = HeaderValue::from_str(&format!("\"{digest}{suffix}\""))
        .unwrap_or(HeaderValue::from_static("\"\""));
    let mut headers = common.clone();
    headers.insert(header::ETAG, etag.clone());
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    if let Some(c) = coding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    headers.insert(X_CACHE, HeaderValue::from_static("hit"));
    Variant {
        body,
        headers,
        etag,
    }
}

/// Says whether a response came from the cache, for operators and tests.
const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

fn compress(body: &[u8]) -> (Bytes, Bytes) {
    // Mid levels: nearly the size of the best, at a fraction of the time a miss waits.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let gzip = gz
        .write_all(body)
        .and_then(|()| gz.finish())
        .unwrap_or_default();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        ..Default::default()
    };
    let brotli = match brotli::BrotliCompress(&mut &body[..], &mut br, &params) {
        Ok(_) => br,
        Err(_) => Vec::new(),
    };
    (Bytes::from(gzip), Bytes::from(brotli))
}

/// Serves reader pages from the cache, filling it on a miss.
pub async fn serve_from_cache(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let head = request.method() == Method::HEAD;
    // A cache of size zero is off: pages are rendered for every request, uncompressed
    // (how the benchmark measures the cost of a render alone).
    if !(request.method() == Method::GET || head) || state.cache.max_bytes == 0 {
        return next.run(request).await;
    }
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or_default();
    if UNCACHED_ROUTES.contains(&route) {
        return next.run(request).await;
    }
    let paged = PAGED_ROUTES.contains(&route);
    let path = match canonical(request.uri().path(), request.uri().query(), paged) {
        Canonical::Cache(path) => path,
        Canonical::Redirect(to) => return super::respond::moved_permanently(&to),
        Canonical::Uncached => return next.run(request).await,
    };
    // With a base URL, pages do not depend on Host (others are refused with 421);
    // without one, absolute links follow Host, so pages are kept per host, for a few
    // hosts only.
    let slot = if state.site.base_url.is_some() {
        Some(0)
    } else {
        state.cache.host_slot(host_of(request.headers()))
    };
    let Some(slot) = slot else {
        return next.run(request).await;
    };
    if let Some(page) = state.cache.get(slot, &path) {
        state.cache.hits.inc();
        return respond(&page, request.headers(), head);
    }
    state.cache.misses.inc();
    let url: Box<str> = path.into();
    let route = Arc::from(route);
    fill(&state, request, next, (slot, &url, route), head).await
}

/// Answers a request from the cache before it reaches the router, when the cache holds
/// a page stored under exactly its target; `None` sends it down the whole stack.
///
/// Sound without routing: a page is stored only under its canonical target, the
/// target of the very request that rendered it, so a request spelling it byte for
/// byte is a request for that page. Every check a hit needs from the outer layers is
/// made here: the method, the target's length (414), the Host (421 with a base URL);
/// the security headers were stored with the page.
pub fn answer_hit<B>(state: &AppState, request: &axum::http::Request<B>) -> Option<Response> {
    let head = match *request.method() {
        Method::GET => false,
        Method::HEAD => true,
        _ => return None,
    };
    if state.cache.max_bytes == 0 {
        return None;
    }
    let target = request.uri().path_and_query()?.as_str();
    if target.len() > super::limits::MAX_URI_BYTES {
        return None;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let slot = match state.site.base_url.as_deref() {
        Some(base) => super::limits::serves_host(Some(base), host).then_some(0)?,
        None => state.cache.known_host_slot(host_of(request.headers()))?,
    };
    let page = state.cache.get(slot, target)?;
    state.cache.hits.inc();
    let mut response = respond(&page, request.headers(), head);
    response
        .extensions_mut()
        .insert(super::metrics::RouteOfHit(page.route.clone()));
    Some(response)
}

/// Renders a page the cache did not have, and keeps it in `slot` under `url`, for
/// `route`.
async fn fill(
    state: &AppState,
    request: Request,
    next: Next,
    (slot, url, route): (usize, &str, Arc<str>),
    head: bool,
) -> Response {
    let headers = request.headers().clone();
    // The position before rendering: if anything is purged meanwhile, this render is
    // older than the purge and will not be kept.
    let seq = state.read.snapshot().applied_seq;
    let response = next.run(request).await;
    let Some(CacheKeys(keys)) = response.extensions().get::<CacheKeys>().cloned() else {
        return response;
    };
    let until = response
        .extensions()
        .get::<CacheUntil>()
        .map_or(i64::MAX, |u| u.0.as_microsecond());
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ENTRY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let header = |name: header::HeaderName, default: &'static str| {
        parts
            .headers
            .get(&name)
            .cloned()
            .unwrap_or(HeaderValue::from_static(default))
    };
    let last_modified = HeaderValue::from_str(
        &jiff::Timestamp::now()
            .strftime("%a, %d %b %Y %H:%M:%S GMT")
            .to_string(),
    )
    .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
    let mut common = HeaderMap::new();
    for (name, value) in &state.cache.site_headers {
        common.insert(name, value.clone());
    }
    common.insert(
        header::CONTENT_TYPE,
        header(header::CONTENT_TYPE, "text/html; charset=utf-8"),
    );
    common.insert(
        header::CACHE_CONTROL,
        header(header::CACHE_CONTROL, "public, max-age=30"),
    );
    common.insert(header::LAST_MODIFIED, last_modified.clone());
    common.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // The same keys for a CDN or Varnish in front, to purge by.
    let mut surrogate = String::new();
    for key in &keys {
        surrogate.push_str(&key.to_string());
        surrogate.push(' ');
    }
    surrogate.push_str(super::purge::ALL);
    if let Ok(v) = HeaderValue::from_str(&surrogate) {
        common.insert("surrogate-key", v.clone());
        common.insert("xkey", v);
    }
    let digest = super::assets::digest(&bytes);
    let (gzip, brotli) = compress(&bytes);
    let page = Arc::new(CachedPage {
        route,
        seq,
        until,
        keys: keys.into(),
        etag: format!("\"{digest}\""),
        last_modified,
        identity: variant(bytes, None, &digest, &common),
        gzip: variant(gzip, Some("gzip"), &digest, &common),
        brotli: variant(brotli, Some("br"), &digest, &common),
        referenced: AtomicBool::new(false),
    });
    state.cache.insert(slot, url, page.clone());
    let mut response = respond(&page, &headers, head);
    response
        .headers_mut()
        .insert(X_CACHE, HeaderValue::from_static("miss"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(seq: i64, keys: &[Dependency], size: usize) -> Arc<CachedPage> {
        let common = HeaderMap::new();
        Arc::new(CachedPage {
            route: Arc::from("/test"),
            seq,
            until: i64::MAX,
            keys: keys.into(),
            etag: "\"x\"".into(),
            last_modified: HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
            identity: variant(Bytes::from(vec![b'a'; size]), None, "x", &common),
            gzip: variant(Bytes::new(), Some("gzip"), "x", &common),
            brotli: variant(Bytes::new(), Some("br"), "x", &common),
            referenced: AtomicBool::new(false),
        })
    }

    fn en() -> Arc<str> {
        Arc::from("en")
    }

    #[test]
    fn a_purge_drops_exactly_the_pages_that_depend_on_its_keys() {
        let cache = PageCache::new(1 << 20);
        let item = Dependency::Item;
        cache.insert(0, "/a", page(1, &[item(1), Dependency::NewsLine(en())], 10));
        cache.insert(0, "/b", page(1, &[item(2)], 10));
        cache.insert(0, "/c", page(1, &[item(1)], 10));
        cache.purge(2, &[item(1)], false);
        assert!(cache.get(0, "/a").is_none());
        assert!(cache.get(0, "/b").is_some(), "unrelated pages stay");
        assert_eq!(
            cache.len(),
            1,
            "purged pages give their memory back at once"
        );
        assert_eq!(cache.bytes(), 10 + 256);
    }

    #[test]
    fn a_render_older_than_a_purge_is_never_kept() {
        let cache = PageCache::new(1 << 20);
        cache.purge(5, &[Dependency::Item(1)], false);
        cache.insert(0, "/a", page(4, &[Dependency::Item(1)], 10));
        assert!(cache.get(0, "/a").is_none());
        cache.insert(0, "/a", page(5, &[Dependency::Item(1)], 10));
        assert!(cache.get(0, "/a").is_some());
    }

    #[test]
    fn memory_stays_within_the_bound_evicting_pages_not_read_first() {
        let cache = PageCache::new(3 * (100 + 256));
        for i in 0..10 {
            cache.insert(0, &format!("/{i}"), page(1, &[], 100));
            let _ = cache.get(0, "/0");
        }
        assert!(cache.bytes() <= 3 * (100 + 256));
        assert!(cache.get(0, "/0").is_some(), "a page in use survives");
        assert!(
            cache.get(0, "/9").is_some(),
            "the page just stored survives"
        );
        assert!(cache.get(0, "/1").is_none());
    }

    #[test]
    fn everything_purged_empties_the_cache() {
        let cache = PageCache::new(1 << 20);
        cache.insert(0, "/a", page(1, &[Dependency::Sitemap], 10));
        cache.purge(2, &[], true);
        assert!(cache.is_empty());
        assert_eq!(cache.bytes(), 0);
        cache.insert(0, "/a", page(1, &[Dependency::Sitemap], 10));
        assert!(
            cache.get(0, "/a").is_none(),
            "a render older than the purge"
        );
    }

    #[test]
    fn a_hit_answers_with_the_headers_built_when_the_page_was_stored() {
        let p = page(1, &[], 10);
        let mut asked = HeaderMap::new();
        asked.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        let r = respond(&p, &asked, false);
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(r.headers()[header::ETAG], "\"x-gz\"");
        assert_eq!(r.headers()[X_CACHE], "hit");
        asked.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x-gz\""));
        let r = respond(&p, &asked, false);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert!(r.headers().get(header::CONTENT_ENCODING).is_none());
        let r = respond(&p, &HeaderMap::new(), true);
        assert_eq!(r.headers()[header::CONTENT_LENGTH], "10");
    }

    #[test]
    fn only_canonical_addresses_are_cached_and_junk_spellings_redirect() {
        use Canonical::*;
        let c = |path, query, paged| canonical(path, query, paged);
        assert_eq!(c("/en/news", None, true), Cache("/en/news".into()));
        assert_eq!(
            c("/en/news", Some("page=2"), true),
            Cache("/en/news?page=2".into())
        );
        assert_eq!(
            c("/en/news", Some("page=02"), true),
            Redirect("/en/news?page=2".into())
        );
        assert_eq!(
            c("/en/news", Some("page=01"), true),
            Redirect("/en/news".into())
        );
        assert_eq!(
            c("/en/news", Some("page=1"), true),
            Redirect("/en/news".into())
        );
        assert_eq!(c("/en/news", Some(""), true), Redirect("/en/news".into()));
        assert_eq!(c("/%65n/news", None, true), Redirect("/en/news".into()));
        assert_eq!(c("/en/%c3%a9", None, false), Uncached);
        assert_eq!(c("/media/..%2f..%2fx", None, false), Uncached);
        assert_eq!(c("/en/%C3%A9", None, false), Cache("/en/%C3%A9".into()));
        assert_eq!(c("/en/news", Some("utm_source=x"), true), Uncached);
        assert_eq!(c("/en/news", Some("page=2&page=3"), true), Uncached);
        assert_eq!(c("/en/news", Some("page=0"), true), Uncached);
        assert_eq!(c("/en/news", Some("page=abc"), true), Uncached);
        assert_eq!(c("/en/politics/1-a", Some("page=2"), false), Uncached);
        assert_eq!(c("/en/news/%zz", None, true), Uncached);
        assert_eq!(
            c("/%2F%65vil.example/x", None, false),
            Redirect("/%2Fevil.example/x".into())
        );
        assert_eq!(c("//evil.example/x", None, false), Uncached);
        assert_eq!(
            c("/%2F%2Fevil.example", None, false),
            Cache("/%2F%2Fevil.example".into())
        );
    }

    #[test]
    fn pages_are_kept_for_a_few_hosts_only() {
        let cache = PageCache::new(1 << 20);
        for i in 0..MAX_HOSTS {
            assert_eq!(cache.host_slot(&format!("host{i}")), Some(i));
        }
        assert_eq!(
            cache.host_slot("host0"),
            Some(0),
            "a known host stays admitted"
        );
        assert_eq!(cache.host_slot("another.example"), None);
    }
}
