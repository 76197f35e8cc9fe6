//! `newsline export-static`: the public site as static files, every link of which
//! resolves to a file when the folder is served by a plain web server.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use newsline::newsroom::Filing;

use crate::import::newsline;
use crate::support::*;

/// Runs `export-static` on `db` into `dir`, in a scratch directory without a config.
async fn export(db: &Database, dir: &Path) -> Output {
    Cli::new()
        .args(db.flags())
        .args(["export-static".into(), dir.display().to_string()])
        .output()
        .await
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The file a plain web server answers `path` with from `root`: the file itself,
/// or a folder's `index.html`. The query is not part of the file's name.
fn served_file(root: &Path, path: &str) -> Option<PathBuf> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(path.trim_start_matches('/'));
    let mut file = root.to_owned();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        assert!(segment != "..", "{path} leaves the root");
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], s.get(i + 1..i + 3)) {
            (b'%', Some(hex)) if u8::from_str_radix(hex, 16).is_ok() => {
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// The same-site addresses a page links to through `<a href>`, `<link href>`,
/// `<img src>`, `srcset` candidates and `<script src>`.
fn links_of(html: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[href], link[href], img, source, script[src]")
        .expect("selector");
    let mut links = Vec::new();
    for element in html.select(&selector) {
        let value = element.value();
        links.extend(value.attr("href").map(str::to_owned));
        links.extend(value.attr("src").map(str::to_owned));
        if let Some(set) = value.attr("srcset") {
            links.extend(
                set.split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(str::to_owned),
            );
        }
    }
    links
        .into_iter()
        .filter_map(|l| {
            // Absolute links name the site at the address it was exported for.
            let l = l.strip_prefix("http://localhost").unwrap_or(&l).to_owned();
            (l.starts_with('/') && !l.starts_with("//")).then_some(l)
        })
        .collect()
}

/// Every page reachable from the exported home page, by the path it was reached
/// at; panics naming any link that does not resolve to a file.
fn crawl_folder(root: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut pending = vec![
        ("/".to_owned(), "the start".to_owned()),
        ("/robots.txt".to_owned(), "the start".to_owned()),
    ];
    let mut broken = Vec::new();
    while let Some((path, from)) = pending.pop() {
        let key = path.split('#').next().unwrap_or_default().to_owned();
        if !seen.insert(key.clone()) {
            continue;
        }
        let Some(file) = served_file(root, &key) else {
            broken.push(format!("{key} (linked from {from})"));
            continue;
        };
        let extension = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if extension == "html" {
            let html = std::fs::read_to_string(&file).expect("readable");
            for link in links_of(&html) {
                pending.push((link, key.clone()));
            }
        } else if extension == "xml" || extension == "txt" {
            // Feeds, sitemaps and robots.txt name pages by absolute address.
            let text = std::fs::read_to_string(&file).expect("readable");
            for (i, _) in text.match_indices("http://localhost/") {
                let rest = &text[i + "http://localhost".len()..];
                let end = rest
                    .find(|c: char| c == '<' || c == '"' || c.is_whitespace())
                    .unwrap_or(rest.len());
                pending.push((rest[..end].replace("&amp;", "&"), key.clone()));
            }
        }
        found.insert(key, file);
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    found
}

/// The demo site, with an English article carrying an uploaded image.
async fn demo_with_an_image() -> TestApp {
    let app = TestApp::spawn_with_demo().await;
    let media = app.uploaded_image().await;
    app.file(filings(vec![Filing {
        lead_media: Some(media),
        ..article(
            "Delegates gather in the hall",
            "politics",
            "2025-05-21T09:00:00Z",
            &["Ayla Karimova"],
        )
    }]))
    .await;
    app
}

#[tokio::test]
async fn the_exported_site_has_no_broken_link() {
    let app = demo_with_an_image().await;
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = scratch.path().join("archive");
    let out = export(&app.db, &dir).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !text(&out).contains("lead to no page"),
        "every link the export followed led to a page: {}",
        text(&out)
    );

    let pages = crawl_folder(&dir);
    let has = |prefix: &str| pages.keys().any(|p| p.starts_with(prefix));
    for expected in [
        "/en/",
        "/az/",
        "/ru/",
        "/en/news",
        "/en/news/2025/",
        "/en/tag/",
        "/en/author/",
        "/en/feed.xml",
        "/static/",
        "/media/",
        "/sitemap.xml",
        "/sitemaps/en/",
    ] {
        assert!(
            has(expected),
            "the crawl reaches {expected}: {:#?}",
            pages.keys()
        );
    }
    // The second page of the news list, through its rewritten link.
    assert!(
        pages.contains_key("/en/news/page/2/"),
        "{:#?}",
        pages.keys()
    );
    // Feeds, sitemaps and robots.txt are there beside the pages.
    for file in ["robots.txt", "sitemap.xml", "en/feed.xml", "en/atom.xml"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    // The image's bytes are the ones the site serves.
    let (image, file) = pages
        .iter()
        .find(|(p, _)| p.starts_with("/media/"))
        .expect("an image");
    let served = app
        .client
        .get(format!("{}{image}", app.address))
        .send()
        .await
        .expect("answered")
        .bytes()
        .await
        .expect("body");
    assert_eq!(std::fs::read(file).expect("readable"), served.to_vec());
    // The article page, written where a web server finds it, shows its image.
    let article = pages
        .iter()
        .find(|(_, f)| {
            std::fs::read_to_string(f).is_ok_and(|t| t.contains("Delegates gather in the hall"))
                && f.parent().is_some_and(|d| {
                    d.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains("delegates-gather"))
                })
        })
        .map(|(_, f)| std::fs::read_to_string(f).expect("readable"))
        .expect("the article page");
    assert!(article.contains("/media/"), "the article shows its image");
    // Nothing of the newsroom or the API is exported.
    assert!(!dir.join("newsroom").exists());
    assert!(!dir.join("api").exists());
}

#[tokio::test]
async fn export_refuses_a_folder_that_holds_anything_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "Harbour reopens",
        "economy",
        "2025-05-21T11:00:00Z",
    )]))
    .await;
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = scratch.path().join("used");
    std::fs::create_dir(&dir).expect("made");
    std::fs::write(dir.join("index.html"), "an older site").expect("written");
    let out = export(&app.db, &dir).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("index.html")).expect("kept"),
        "an older site"
    );
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 1);
    assert_eq!(std::fs::read_dir(scratch.path()).expect("dir").count(), 1);

    let out = newsline(&app.db, &["export-static"]).await;
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
    assert!(text(&out).contains("<DIR>"), "{}", text(&out));
}
