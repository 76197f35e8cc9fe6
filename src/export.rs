//! The archive of record: the public site of every edition written out as static
//! files that any web server can serve from the root of a host.
//!
//! Pages are rendered in this process through the site's own router and found by
//! following links from the home pages, robots.txt, the sitemaps and the feeds. A
//! path becomes a file (`/en/news` → `en/news/index.html`, `/en/` →
//! `en/index.html`, names with an extension kept), a list's `?page=N` becomes
//! `…/page/N/` with the links to it rewritten, and a redirect becomes a small page
//! that sends the reader on. The newsroom, the API, search and the live stream are
//! not exported.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use indicatif::ProgressBar;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Pages rendered at once: half the database pool, so pages never queue for it.
const IN_FLIGHT: usize = 4;
/// Times a page answering with a server error is asked for, in all: a busy
/// database answers 503 where the next try succeeds.
const ATTEMPTS: usize = 3;

/// What an export wrote, and the links that led nowhere.
#[derive(Debug, Default)]
pub struct Exported {
    /// Files written from pages, feeds, sitemaps, media and assets.
    pub files: usize,
    /// Redirect pages written.
    pub redirects: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Same-site links whose page did not answer 200 or a redirect: the link, its
    /// status and a page that links to it.
    pub missing: Vec<(String, StatusCode, String)>,
}

#[derive(Template)]
#[template(path = "export/moved.html")]
struct MovedPage<'a> {
    to: &'a str,
}

/// Where the site's absolute links point, and the Host pages are asked for with.
struct Origin {
    /// `https://news.example`, without a trailing slash.
    base: String,
    /// `news.example`.
    host: String,
}

impl Origin {
    fn of(base_url: Option<&str>) -> Self {
        let base = base_url
            .unwrap_or("http://localhost")
            .trim_end_matches('/')
            .to_owned();
        let host = base
            .split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        Self { base, host }
    }
}

/// Writes the public site into `dir`, which must be new or empty, through a scratch
/// folder beside it renamed at the end.
pub async fn export_site(
    router: Router,
    base_url: Option<&str>,
    dir: &Path,
    progress: &ProgressBar,
) -> anyhow::Result<Exported> {
    if dir.is_file() || crate::backup::holds_anything(dir)? {
        bail!(
            "{} exists and is not empty; name a new or empty folder for the export",
            dir.display()
        );
    }
    let scratch = crate::backup::scratch_beside(dir, ".newsline-export-")?;
    let origin = Origin::of(base_url);
    let mut report = Exported::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    for start in ["/", "/robots.txt", "/sitemap.xml"] {
        seen.insert(start.to_owned());
        queue.push_back((start.to_owned(), String::new()));
    }
    progress.set_length(queue.len() as u64);
    // Written last, where no page took the file: `/en` redirects to `/en/`, and both
    // are `en/index.html`.
    let mut moved: HashMap<PathBuf, String> = HashMap::new();
    let mut written: HashSet<PathBuf> = HashSet::new();
    let mut running = JoinSet::new();
    progress.set_message("exporting");
    loop {
        while running.len() < IN_FLIGHT
            && let Some((target, from)) = queue.pop_front()
        {
            let router = router.clone();
            let host = origin.host.clone();
            running.spawn(async move {
                let mut answer = render(router.clone(), &host, &target).await;
                for _ in 1..ATTEMPTS {
                    if !matches!(&answer, Ok((status, ..)) if status.is_server_error()) {
                        break;
                    }
                    answer = render(router.clone(), &host, &target).await;
                }
                (target, from, answer)
            });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let (target, from, answer) = done.context("a page's rendering stopped")?;
        let (status, location, content_type, body) =
            answer.with_context(|| format!("cannot render {target}"))?;
        progress.inc(1);
        let mut follow = |link: String| {
            if seen.insert(link.clone()) {
                queue.push_back((link, target.clone()));
                progress.inc_length(1);
            }
        };
        if status.is_redirection() {
            let Some(to) = location.as_deref().and_then(|l| target_of(l, &origin)) else {
                continue;
            };
            if let Some(file) = file_for(&target) {
                moved.insert(file, static_link(&to));
            }
            follow(to);
            continue;
        }
        if status != StatusCode::OK {
            report.missing.push((target, status, from));
            continue;
        }
        let Some(file) = file_for(&target) else {
            continue;
        };
        let body = if content_type.starts_with("text/html") {
            let page = String::from_utf8_lossy(&body).into_owned();
            let (page, links) = rewrite_html(&page, &origin);
            links.into_iter().for_each(&mut follow);
            page.into_bytes()
        } else {
            if content_type.contains("xml") || content_type.starts_with("text/") {
                absolute_links(&String::from_utf8_lossy(&body), &origin)
                    .into_iter()
                    .for_each(&mut follow);
            }
            body
        };
        write_file(scratch.path(), &file, &body)?;
        report.files += 1;
        report.bytes += body.len() as u64;
        written.insert(file);
    }
    for (file, to) in moved {
        if written.contains(&file) {
            continue;
        }
        let page = MovedPage { to: &to }.render()?;
        write_file(scratch.path(), &file, page.as_bytes())?;
        report.redirects += 1;
        report.bytes += page.len() as u64;
    }
    report.missing.sort();
    crate::backup::move_into_place(scratch, dir)?;
    Ok(report)
}

/// One page as the site answers it: status, `Location`, `Content-Type` and body.
async fn render(
    router: Router,
    host: &str,
    target: &str,
) -> anyhow::Result<(StatusCode, Option<String>, String, Vec<u8>)> {
    let mut request = Request::get(target)
        .header(header::HOST, host)
        .body(Body::empty())?;
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 0))));
    let response = router.oneshot(request).await?;
    let (parts, body) = response.into_parts();
    let text = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = text(header::LOCATION);
    let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
    let status = parts.status;
    let body = axum::body::to_bytes(body, usize::MAX).await?.to_vec();
    Ok((status, location, content_type, body))
}

fn write_file(root: &Path, file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let path = root.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The exported request target a link leads to (`/path` or `/path?page=N`), when it
/// is a same-site page the archive holds.
fn target_of(link: &str, origin: &Origin) -> Option<String> {
    let link = link.replace("&amp;", "&");
    let link = link.split('#').next().unwrap_or_default();
    let link = match link.strip_prefix(origin.base.as_str()) {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        Some(_) => return None,
        None => link,
    };
    if !link.starts_with('/') || link.starts_with("//") {
        return None;
    }
    let (path, query) = match link.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (link, None),
    };
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    let second = segments.next().unwrap_or_default();
    let live_only = matches!(first, "newsroom" | "api" | "healthz" | "readyz")
        || second == "live"
        || second.starts_with("search");
    if live_only {
        return None;
    }
    match query.map(page_number) {
        None | Some(Some(1)) => Some(path.to_owned()),
        Some(Some(n)) => Some(format!("{path}?page={n}")),
        // Any other query asks for something a file cannot answer.
        Some(None) => None,
    }
}

/// `N` of a query that is exactly `page=N`.
fn page_number(query: &str) -> Option<u32> {
    query.strip_prefix("page=")?.parse().ok().filter(|n| *n > 0)
}

/// The link to an exported target as a static server finds it.
fn static_link(target: &str) -> String {
    match target.split_once("?page=") {
        Some((path, n)) => format!("{}/page/{n}/", path.trim_end_matches('/')),
        None => target.to_owned(),
    }
}

/// The file an exported target is written to, relative to the export's root.
fn file_for(target: &str) -> Option<PathBuf> {
    let link = static_link(target);
    let mut file = PathBuf::new();
    for segment in link.trim_start_matches('/').split('/') {
        if segment.is_empty() {
            continue;
        }
        let segment = percent_decode(segment)?;
        if segment == "."
            || segment == ".."
            || segment.contains(['/', '\\', '\0'])
            || segment.starts_with('.')
        {
            return None;
        }
        file.push(&segment);
    }
    let named = !link.ends_with('/');
    let has_extension = file
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains('.'));
    if !(named && has_extension) {
        file.push("index.html");
    }
    Some(file)
}

/// A path segment with `%XX` escapes decoded, as a web server reads it; none when the
/// bytes are not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// The page with its links to `?page=N` made static, and the exported targets it
/// links to through `href`, `src` and `srcset`. Forms are left alone.
fn rewrite_html(page: &str, origin: &Origin) -> (String, Vec<String>) {
    let mut out = String::with_capacity(page.len());
    let mut links = Vec::new();
    let mut at = 0;
    for (start, end, srcset) in attribute_values(page) {
        let value = &page[start..end];
        if srcset {
            links.extend(
                value
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .filter_map(|url| target_of(url, origin)),
            );
            continue;
        }
        let Some(target) = target_of(value, origin) else {
            continue;
        };
        // Only the site's own relative links: absolute ones (the canonical address)
        // name the live site.
        if value.starts_with('/') && value.contains('?') {
            out.push_str(&page[at..start]);
            out.push_str(&static_link(&target));
            at = end;
        }
        links.push(target);
    }
    out.push_str(&page[at..]);
    (out, links)
}

/// Where the values of every `href`, `src` and `srcset` attribute are (start, end,
/// whether it is a srcset), in order.
fn attribute_values(page: &str) -> Vec<(usize, usize, bool)> {
    let bytes = page.as_bytes();
    let mut found = Vec::new();
    for name in ["href=", "src=", "srcset="] {
        let mut from = 0;
        while let Some(i) = page[from..].find(name) {
            let at = from + i;
            from = at + name.len();
            if at == 0 || !bytes[at - 1].is_ascii_whitespace() {
                continue;
            }
            let Some(&quote) = bytes.get(from) else {
                break;
            };
            if quote != b'"' && quote != b'\'' {
                continue;
            }
            let start = from + 1;
            let Some(len) = page[start..].find(quote as char) else {
                break;
            };
            found.push((start, start + len, name == "srcset="));
        }
    }
    found.sort();
    found
}

/// The exported targets of the site's absolute addresses in a feed, sitemap or
/// robots.txt.
fn absolute_links(text: &str, origin: &Origin) -> Vec<String> {
    text.match_indices(origin.base.as_str())
        .filter_map(|(i, _)| {
            let rest = &text[i..];
            let end = rest
                .find(|c: char| c == '<' || c == '"' || c == '\'' || c.is_whitespace())
                .unwrap_or(rest.len());
            target_of(&rest[..end], origin)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin::of(Some("https://news.example/"))
    }

    #[test]
    fn a_path_becomes_a_file_a_web_server_finds_for_it() {
        let cases = [
            ("/", "index.html"),
            ("/en/", "en/index.html"),
            ("/en", "en/index.html"),
            ("/en/news", "en/news/index.html"),
            ("/en/news?page=3", "en/news/page/3/index.html"),
            ("/en/feed.xml", "en/feed.xml"),
            ("/static/site.0123.css", "static/site.0123.css"),
            ("/media/ab12-320.webp", "media/ab12-320.webp"),
            ("/en/tag/t%C3%BCrkiye", "en/tag/türkiye/index.html"),
        ];
        for (target, file) in cases {
            assert_eq!(file_for(target), Some(PathBuf::from(file)), "{target}");
        }
        for outside in ["/../etc/passwd", "/en/%2e%2e/x", "/en/.hidden", "/a/%2F/b"] {
            assert_eq!(file_for(outside), None, "{outside}");
        }
    }

    #[test]
    fn only_same_site_reader_pages_are_followed() {
        let o = origin();
        assert_eq!(target_of("/en/news#top", &o), Some("/en/news".into()));
        assert_eq!(
            target_of("https://news.example/en/news?page=2", &o),
            Some("/en/news?page=2".into())
        );
        assert_eq!(target_of("/en/news?page=1", &o), Some("/en/news".into()));
        for not_ours in [
            "https://elsewhere.example/en/",
            "https://news.example.org/en/",
            "//elsewhere.example/x",
            "mailto:desk@news.example",
            "#content",
            "/newsroom/login",
            "/api/v1/items",
            "/en/live",
            "/en/search?q=baku",
            "/en/news?page=2&sort=old",
            "/en/news?page=x",
        ] {
            assert_eq!(target_of(not_ours, &o), None, "{not_ours}");
        }
    }

    #[test]
    fn links_to_later_pages_of_a_list_are_made_static_and_the_rest_kept() {
        let page = r#"<link rel="canonical" href="https://news.example/en/news?page=2">
<a href="/en/news?page=3">Older</a> <a href="/en/politics">P</a>
<img src="/media/ab.png" srcset="/media/ab-320.webp 320w, /media/ab.webp 640w" alt="">
<form action="/en/search"><input name="q"></form>"#;
        let (out, links) = rewrite_html(page, &origin());
        assert!(out.contains(r#"href="https://news.example/en/news?page=2""#));
        assert!(out.contains(r#"<a href="/en/news/page/3/">Older</a>"#));
        assert!(out.contains(r#"action="/en/search""#));
        assert_eq!(
            links,
            [
                "/en/news?page=2",
                "/en/news?page=3",
                "/en/politics",
                "/media/ab.png",
                "/media/ab-320.webp",
                "/media/ab.webp",
            ]
        );
    }
}
