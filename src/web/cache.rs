//! The page cache: whole responses kept in memory, compressed ahead of time, each
//! recording the keys it depends on so a change purges exactly what it touched.
//!
//! Correctness under concurrency: an entry remembers the change-log position of the
//! snapshot it was rendered from, and each key the position at which it was last
//! purged. An entry is served (or stored) only while none of its keys was purged after
//! it was rendered, so a render racing a publish can never be served stale.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lru::LruCache;

use super::AppState;

/// The keys a response depends on, set by its handler; a response without it is not cached.
#[derive(Debug, Clone, Default)]
pub struct CacheKeys(pub Vec<String>);

/// Adds dependency keys to a response (and marks it cacheable).
pub fn with_keys(mut response: Response, keys: Vec<String>) -> Response {
    response.extensions_mut().insert(CacheKeys(keys));
    response
}

/// Largest body kept, in bytes; larger responses are served but not cached.
const MAX_ENTRY: usize = 2 * 1024 * 1024;

/// A cached response in every encoding.
pub struct CachedPage {
    seq: i64,
    keys: Vec<String>,
    content_type: HeaderValue,
    cache_control: HeaderValue,
    etag: String,
    last_modified: HeaderValue,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl CachedPage {
    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.brotli.len() + 256
    }
}

struct Inner {
    pages: LruCache<String, Arc<CachedPage>>,
    bytes: usize,
    purged: HashMap<String, i64>,
    purged_all: i64,
    /// The Host headers pages are kept for, when pages depend on Host (no base URL).
    hosts: Vec<String>,
}

impl Inner {
    fn valid(&self, page: &CachedPage) -> bool {
        page.seq >= self.purged_all
            && page
                .keys
                .iter()
                .all(|k| self.purged.get(k).is_none_or(|at| page.seq >= *at))
    }
}

/// Responses kept ready, bounded in memory, least recently used evicted first.
pub struct PageCache {
    inner: Mutex<Inner>,
    max_bytes: usize,
}

impl PageCache {
    /// A cache holding at most `max_bytes` of responses.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                pages: LruCache::unbounded(),
                bytes: 0,
                purged: HashMap::new(),
                purged_all: i64::MIN,
                hosts: Vec::new(),
            }),
            max_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, url: &str) -> Option<Arc<CachedPage>> {
        let mut inner = self.lock();
        let page = inner.pages.get(url)?.clone();
        if inner.valid(&page) {
            return Some(page);
        }
        if let Some(stale) = inner.pages.pop(url) {
            inner.bytes -= stale.size();
        }
        None
    }

    fn insert(&self, url: String, page: Arc<CachedPage>) {
        let size = page.size();
        if size > MAX_ENTRY || size > self.max_bytes {
            return;
        }
        let mut inner = self.lock();
        if !inner.valid(&page) {
            return;
        }
        if let Some(old) = inner.pages.put(url, page) {
            inner.bytes -= old.size();
        }
        inner.bytes += size;
        while inner.bytes > self.max_bytes {
            match inner.pages.pop_lru() {
                Some((_, evicted)) => inner.bytes -= evicted.size(),
                None => break,
            }
        }
    }

    /// Forgets every page depending on `keys`, as of change-log position `seq`;
    /// `everything` forgets all pages.
    pub fn purge(&self, seq: i64, keys: &[String], everything: bool) {
        let mut inner = self.lock();
        if everything {
            inner.purged_all = seq;
            inner.pages.clear();
            inner.bytes = 0;
            return;
        }
        for key in keys {
            inner.purged.insert(key.clone(), seq);
        }
    }

    /// Whether pages for `host` may be kept: the first few hosts seen are, others are
    /// served uncached, so a flood of invented Host headers cannot fill the cache.
    fn admits_host(&self, host: &str) -> bool {
        let mut inner = self.lock();
        if inner.hosts.iter().any(|h| h == host) {
            return true;
        }
        if inner.hosts.len() < MAX_HOSTS {
            inner.hosts.push(host.to_owned());
            return true;
        }
        false
    }

    /// How many bytes the cache holds now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// How many pages the cache holds now.
    pub fn len(&self) -> usize {
        self.lock().pages.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl crate::read::Invalidate for PageCache {
    fn invalidate(&self, seq: i64, keys: &[String], everything: bool) {
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
enum Canonical {
    /// The address is canonical: cache under it.
    Cache(String),
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
fn canonical(path: &str, query: Option<&str>, paged: bool) -> Canonical {
    // `//host` or `/\host` would be read by browsers as another site in a Location.
    if path.starts_with("//") || path.starts_with("/\\") || !path.is_ascii() {
        return Canonical::Uncached;
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
        Canonical::Cache(target)
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
    let (body, coding, suffix) = if accepts(headers, "br") {
        (page.brotli.clone(), Some("br"), "-br")
    } else if accepts(headers, "gzip") {
        (page.gzip.clone(), Some("gzip"), "-gz")
    } else {
        (page.identity.clone(), None, "")
    };
    let etag = format!("\"{}{suffix}\"", page.etag);
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|list| {
            list.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == etag || t == format!("\"{}\"", page.etag))
        })
        || (headers.get(header::IF_NONE_MATCH).is_none()
            && headers.get(header::IF_MODIFIED_SINCE) == Some(&page.last_modified));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if head {
        let mut r = Response::new(Body::empty());
        if let Ok(v) = HeaderValue::from_str(&body.len().to_string()) {
            r.headers_mut().insert(header::CONTENT_LENGTH, v);
        }
        r
    } else {
        Response::new(Body::from(body))
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, page.content_type.clone());
    h.insert(header::CACHE_CONTROL, page.cache_control.clone());
    h.insert(header::LAST_MODIFIED, page.last_modified.clone());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(c) = coding
        && !not_modified
    {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    // The same keys for a CDN or Varnish in front, to purge by.
    let keys = format!("{} {}", page.keys.join(" "), super::purge::ALL);
    if let Ok(v) = HeaderValue::from_str(keys.trim_start()) {
        h.insert("surrogate-key", v.clone());
        h.insert("xkey", v);
    }
    response
}

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
    // With a base URL, pages do not depend on Host (others are refused with 421); without
    // one, absolute links follow Host, so it is part of the key, for a few hosts only.
    let url = if state.site.base_url.is_some() {
        path
    } else {
        let host = host_of(request.headers());
        if !state.cache.admits_host(host) {
            return next.run(request).await;
        }
        format!("{host}{path}")
    };
    let headers = request.headers().clone();
    if let Some(page) = state.cache.get(&url) {
        return mark(respond(&page, &headers, head), "hit");
    }
    // The position before rendering: if anything is purged meanwhile, this render is
    // older than the purge and will not be kept.
    let seq = state.read.snapshot().applied_seq;
    let response = next.run(request).await;
    let Some(CacheKeys(keys)) = response.extensions().get::<CacheKeys>().cloned() else {
        return response;
    };
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
    let (gzip, brotli) = compress(&bytes);
    let page = Arc::new(CachedPage {
        seq,
        keys,
        content_type: header(header::CONTENT_TYPE, "text/html; charset=utf-8"),
        cache_control: header(header::CACHE_CONTROL, "public, max-age=30"),
        etag: super::assets::digest(&bytes),
        last_modified: HeaderValue::from_str(
            &jiff::Timestamp::now()
                .strftime("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
        )
        .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
        identity: bytes,
        gzip,
        brotli,
    });
    state.cache.insert(url, page.clone());
    mark(respond(&page, &headers, head), "miss")
}

/// Says whether a response came from the cache, for operators and tests.
fn mark(mut response: Response, how: &'static str) -> Response {
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static(how));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(seq: i64, keys: &[&str], size: usize) -> Arc<CachedPage> {
        Arc::new(CachedPage {
            seq,
            keys: keys.iter().map(|k| k.to_string()).collect(),
            content_type: HeaderValue::from_static("text/html"),
            cache_control: HeaderValue::from_static("public"),
            etag: "x".into(),
            last_modified: HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
            identity: Bytes::from(vec![b'a'; size]),
            gzip: Bytes::new(),
            brotli: Bytes::new(),
        })
    }

    #[test]
    fn a_purge_drops_exactly_the_pages_that_depend_on_its_keys() {
        let cache = PageCache::new(1 << 20);
        cache.insert("/a".into(), page(1, &["item:1", "newsline:en"], 10));
        cache.insert("/b".into(), page(1, &["item:2"], 10));
        cache.purge(2, &["item:1".into()], false);
        assert!(cache.get("/a").is_none());
        assert!(cache.get("/b").is_some(), "unrelated pages stay");
    }

    #[test]
    fn a_render_older_than_a_purge_is_never_kept() {
        let cache = PageCache::new(1 << 20);
        cache.purge(5, &["item:1".into()], false);
        cache.insert("/a".into(), page(4, &["item:1"], 10));
        assert!(cache.get("/a").is_none());
        cache.insert("/a".into(), page(5, &["item:1"], 10));
        assert!(cache.get("/a").is_some());
    }

    #[test]
    fn memory_stays_within_the_bound_evicting_the_least_recently_used() {
        let cache = PageCache::new(3 * (100 + 256));
        for i in 0..10 {
            cache.insert(format!("/{i}"), page(1, &[], 100));
            let _ = cache.get("/0");
        }
        assert!(cache.bytes() <= 3 * (100 + 256));
        assert!(cache.get("/0").is_some(), "recently used survives");
        assert!(cache.get("/1").is_none());
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
            assert!(cache.admits_host(&format!("host{i}")));
        }
        assert!(cache.admits_host("host0"), "a known host stays admitted");
        assert!(!cache.admits_host("another.example"));
    }
}
