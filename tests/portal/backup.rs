//! `newsline backup` and `newsline restore`: a copy taken while the site publishes
//! restores to the same public site, and every refusal changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use newsline::backup::Manifest;
use newsline::newsroom::Filing;
use newsline::store::Store;
use reqwest::StatusCode;

use crate::import::SITE_CONFIG;
use crate::support::*;

/// Runs the `newsline` command with `args`, in a scratch directory holding the
/// site config as its `newsline.toml` (which a backup copies).
async fn cli(args: &[String]) -> Output {
    Cli::new().config(SITE_CONFIG).args(args).output().await
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn backup_args(db: &Database, dest: &Path) -> Vec<String> {
    let mut args = db.flags();
    args.extend(["backup".into(), dest.display().to_string()]);
    args
}

fn restore_args(data_dir: &Path, src: &Path) -> Vec<String> {
    vec![
        "--data-dir".into(),
        data_dir.display().to_string(),
        "restore".into(),
        src.display().to_string(),
    ]
}

async fn run(args: Vec<String>) -> Output {
    cli(&args).await
}

fn manifest_of(dir: &Path) -> Manifest {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("a manifest");
    serde_json::from_str(&text).expect("the manifest parses")
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("readable");
                found.insert(path.strip_prefix(dir).expect("inside").to_owned(), bytes);
            }
        }
    }
    found
}

/// A site with an article carrying an uploaded image, a brief, and the editor's browser.
async fn site_with_an_image() -> TestApp {
    let app = TestApp::spawn().await;
    fill_in(&app).await;
    app
}

/// The items and image every site of these tests starts with: two published.
async fn fill_in(app: &TestApp) {
    let media = app.uploaded_image().await;
    app.file(filings(vec![
        Filing {
            lead_media: Some(media),
            ..article(
                "Summit opens in Baku",
                "politics",
                "2025-05-21T10:00:00Z",
                &["Ayla Karimova"],
            )
        },
        brief("Harbour reopens", "economy", "2025-05-21T11:00:00Z"),
    ]))
    .await;
}

/// How many items [`fill_in`] publishes.
const FILLED_IN: i64 = 2;

/// The brief the writer under load files `n`th, and when it is dated.
fn nth_brief(n: usize) -> Filing {
    let at = format!("2025-05-22T{:02}:{:02}:00Z", n / 60 % 24, n % 60);
    brief(&format!("Brief {n}"), "economy", &at)
}

/// Both crawls list the same pages with the same status and bytes.
fn assert_same_site(
    original: &BTreeMap<String, (StatusCode, Vec<u8>)>,
    restored: &BTreeMap<String, (StatusCode, Vec<u8>)>,
) {
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        restored.keys().collect::<Vec<_>>()
    );
    for (path, (status, body)) in original {
        let (restored_status, restored_body) = &restored[path];
        assert_eq!(status, restored_status, "{path}");
        assert!(
            status.is_success() || status.is_redirection(),
            "{path}: {status}"
        );
        assert!(body == restored_body, "{path} differs after restoring");
    }
}

/// Whether a same-site path is one a reader's crawl follows: not the newsroom, the
/// API, the live stream or search.
fn public(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    !(first == "newsroom" || first == "api" || second == "live" || second.starts_with("search"))
}

/// Every public page, feed, sitemap and media file reachable from the home pages,
/// with its status and body; the server's own address is written `ORIGIN`.
async fn crawl(base: &str) -> BTreeMap<String, (StatusCode, Vec<u8>)> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = [
        "/",
        "/en/",
        "/en/news",
        "/en/feed.xml",
        "/en/atom.xml",
        "/robots.txt",
        "/sitemap.xml",
    ]
    .map(str::to_owned)
    .into();
    let mut pages = BTreeMap::new();
    while let Some(path) = pending.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let response = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("answered");
        let status = response.status();
        let html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let body = response.bytes().await.expect("body").to_vec();
        let body_text = String::from_utf8_lossy(&body).replace(base, "ORIGIN");
        let mut links = Vec::new();
        if html {
            links.extend(links_in_html(&body_text));
        } else {
            // Feeds and sitemaps: their absolute addresses.
            links.extend(
                body_text
                    .split("ORIGIN")
                    .skip(1)
                    .filter_map(|rest| rest.split(['<', '"', ' ', '\n']).next())
                    .map(str::to_owned),
            );
        }
        for link in links {
            let link = link.replace("&amp;", "&");
            let link = link.strip_prefix("ORIGIN").unwrap_or(&link).to_owned();
            if link.starts_with('/') && !link.starts_with("//") && public(&link) {
                let link = link.split('#').next().unwrap_or_default().to_owned();
                if !seen.contains(&link) {
                    pending.push(link);
                }
            }
        }
        pages.insert(path, (status, body_text.into_bytes()));
    }
    pages
}

/// The `href`, `src` and `srcset` addresses of a page.
fn links_in_html(body: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(body);
    let selector = scraper::Selector::parse("a[href], link[href], img, source, script[src]")
        .expect("selector");
    let mut links = Vec::new();
    for element in html.select(&selector) {
        let value = element.value();
        for attr in ["href", "src"] {
            if let Some(v) = value.attr(attr) {
                links.push(v.to_owned());
            }
        }
        if let Some(set) = value.attr("srcset") {
            links.extend(
                set.split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(str::to_owned),
            );
        }
    }
    links
}

/// A server on a restored data directory, on the original's clock.
async fn serve_restored(
    dir: tempfile::TempDir,
    clock: Arc<newsline::domain::ManualClock>,
) -> TestApp {
    let db = Database {
        url: Store::sqlite_url(dir.path()),
        dir,
    };
    TestApp::spawn_with_clock(db, clock, |_| {}).await
}

#[tokio::test]
async fn a_backup_taken_while_publishing_restores_the_same_public_site() {
    let app = site_with_an_image().await;
    let scratch = tempfile::tempdir().expect("temp dir");
    if on_postgres() {
        let out = run(backup_args(&app.db, &scratch.path().join("b"))).await;
        assert!(!out.status.success());
        assert!(text(&out).contains("docs/DEPLOYMENT.md"), "{}", text(&out));
        assert!(!scratch.path().join("b").exists());
        return;
    }

    // A writer publishing brief after brief while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let (count, mut filed) = tokio::sync::watch::channel(0usize);
    let writer = {
        let newsroom = app.newsroom.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < 400 {
                newsroom
                    .file_batch(&importer(), &filings(vec![nth_brief(n)]))
                    .await
                    .expect("filed");
                n += 1;
                count.send_replace(n);
            }
        })
    };
    filed.wait_for(|n| *n >= 3).await.expect("the writer runs");
    let before = *filed.borrow();
    let during = scratch.path().join("during");
    let out = run(backup_args(&app.db, &during)).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        *filed.borrow() > before,
        "the site published while the backup ran"
    );
    let first = manifest_of(&during);
    assert!(first.files.iter().any(|f| f.path == "newsline.toml"));
    assert!(first.files.iter().any(|f| f.path.starts_with("media/")));
    assert_eq!(
        first.schema_version,
        newsline::store::latest_schema_version()
    );

    // The copy taken mid-stream is whole: restored, it serves what its manifest says.
    let restored = tempfile::tempdir().expect("temp dir");
    let out = run(restore_args(restored.path(), &during)).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !restored.path().join("search").exists(),
        "derived data is rebuilt"
    );
    let copy = serve_restored(restored, app.clock.clone()).await;
    assert_eq!(copy.read.snapshot().len() as i64, first.published_items);
    assert_eq!(copy.store.last_seq().await.expect("seq"), first.last_seq);
    // Every public page is the one the site served when the copy was taken: a site
    // given the same items, one transaction each, on the same clock, serves them.
    let reference = TestApp::spawn_at(app.clock.clone()).await;
    fill_in(&reference).await;
    let briefs = usize::try_from(first.published_items - FILLED_IN).expect("a count");
    for n in 0..briefs {
        reference.file(filings(vec![nth_brief(n)])).await;
    }
    reference.settle().await;
    copy.settle().await;
    let expected = crawl(&reference.address).await;
    assert!(
        expected.len() > first.published_items as usize,
        "{}",
        expected.len()
    );
    assert_same_site(&expected, &crawl(&copy.address).await);
    drop(copy);
    drop(reference);

    // With writes stopped, a second backup restores to exactly the same public site.
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("the writer ends");
    app.settle().await;
    let after = scratch.path().join("after");
    let out = run(backup_args(&app.db, &after)).await;
    assert!(out.status.success(), "{}", text(&out));
    let second = manifest_of(&after);
    assert!(second.last_seq > first.last_seq);
    let restored = tempfile::tempdir().expect("temp dir");
    let out = run(restore_args(restored.path(), &after)).await;
    assert!(out.status.success(), "{}", text(&out));
    let copy = serve_restored(restored, app.clock.clone()).await;
    let original = crawl(&app.address).await;
    let restored = crawl(&copy.address).await;
    assert!(
        original.keys().any(|p| p.starts_with("/media/")),
        "the crawl reaches the image"
    );
    assert!(
        original.len() > second.published_items as usize,
        "{}",
        original.len()
    );
    assert_same_site(&original, &restored);
    // The search index was not in the backup: the restored server built its own.
    copy.settle_search().await;
    let found = copy.get("/en/search?q=summit").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found
            .hrefs(".search-results a")
            .iter()
            .any(|h| h.ends_with("-summit-opens-in-baku")),
        "{}",
        found.body
    );
}

#[tokio::test]
async fn restore_refuses_a_used_data_directory_and_a_damaged_backup_and_changes_nothing() {
    if on_postgres() {
        return;
    }
    let app = site_with_an_image().await;
    let scratch = tempfile::tempdir().expect("temp dir");
    let backup = scratch.path().join("backup");
    let out = run(backup_args(&app.db, &backup)).await;
    assert!(out.status.success(), "{}", text(&out));

    // A data directory with anything in it is left as it is.
    let used = tempfile::tempdir().expect("temp dir");
    std::fs::write(used.path().join("notes.txt"), "keep me").expect("written");
    let out = run(restore_args(used.path(), &backup)).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
    assert_eq!(
        files_under(used.path()).into_keys().collect::<Vec<_>>(),
        [PathBuf::from("notes.txt")]
    );

    // One changed byte in one image: nothing is written, not even the data directory.
    let manifest = manifest_of(&backup);
    let image = manifest
        .files
        .iter()
        .find(|f| f.path.starts_with("media/"))
        .expect("an image");
    let path = backup.join(&image.path);
    let mut bytes = std::fs::read(&path).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, &bytes).expect("written");
    let fresh = scratch.path().join("fresh");
    let out = run(restore_args(&fresh, &backup)).await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains(&format!("{} does not match", image.path)),
        "{}",
        text(&out)
    );
    assert!(!fresh.exists());
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path())
        .expect("readable")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers, ["backup"], "no scratch folder is left behind");

    // A manifest naming a file outside the backup's own.
    bytes[last] ^= 1;
    std::fs::write(&path, &bytes).expect("written");
    let text_of = std::fs::read_to_string(backup.join("manifest.json")).expect("read");
    std::fs::write(
        backup.join("manifest.json"),
        text_of.replace("\"media/", "\"../media/"),
    )
    .expect("written");
    let out = run(restore_args(&fresh, &backup)).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("never holds"), "{}", text(&out));
    assert!(!fresh.exists());

    // A backup from a newer schema than this build knows.
    std::fs::write(backup.join("manifest.json"), &text_of).expect("written");
    let mut newer = manifest.clone();
    newer.schema_version = newsline::store::latest_schema_version() + 1;
    std::fs::write(
        backup.join("manifest.json"),
        serde_json::to_string(&newer).expect("json"),
    )
    .expect("written");
    let out = run(restore_args(&fresh, &backup)).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("newer Newsline"), "{}", text(&out));
    assert!(!fresh.exists());

    // Restored as it is, it goes into the data directory's own database only.
    std::fs::write(backup.join("manifest.json"), &text_of).expect("written");
    let mut elsewhere = restore_args(&fresh, &backup);
    elsewhere.splice(
        0..0,
        [
            "--database-url".to_owned(),
            Store::sqlite_url(scratch.path()),
        ],
    );
    let out = run(elsewhere).await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("leave out --database-url"),
        "{}",
        text(&out)
    );
    assert!(!fresh.exists());
    let out = run(restore_args(&fresh, &backup)).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(fresh.join("newsline.db").is_file());
}

#[tokio::test]
async fn backup_refuses_a_site_whose_images_are_missing() {
    if on_postgres() {
        return;
    }
    let app = site_with_an_image().await;
    let media = app.db.dir.path().join("media");
    let original = std::fs::read_dir(&media)
        .expect("media folder")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".png") && !name.contains('-')
        })
        .expect("the original image");
    std::fs::remove_file(&original).expect("removed");
    let scratch = tempfile::tempdir().expect("temp dir");
    let dest = scratch.path().join("backup");
    let out = run(backup_args(&app.db, &dest)).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("missing"), "{}", text(&out));
    assert!(!dest.exists());
    assert_eq!(std::fs::read_dir(scratch.path()).expect("dir").count(), 0);
}

#[tokio::test]
async fn backup_refuses_a_used_destination_and_bad_flags_get_a_clear_message() {
    if on_postgres() {
        return;
    }
    let app = site_with_an_image().await;
    let scratch = tempfile::tempdir().expect("temp dir");
    let dest = scratch.path().join("used");
    std::fs::create_dir(&dest).expect("made");
    std::fs::write(dest.join("other.txt"), "not a backup").expect("written");
    let out = run(backup_args(&app.db, &dest)).await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("exists and is not empty"),
        "{}",
        text(&out)
    );
    assert_eq!(
        files_under(&dest).into_keys().collect::<Vec<_>>(),
        [PathBuf::from("other.txt")]
    );
    assert_eq!(std::fs::read_dir(scratch.path()).expect("dir").count(), 1);

    // An empty folder is fine.
    let empty = scratch.path().join("empty");
    std::fs::create_dir(&empty).expect("made");
    let out = run(backup_args(&app.db, &empty)).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(empty.join("manifest.json").is_file());

    // A data directory without a database is not made one by backing it up.
    let nothing = tempfile::tempdir().expect("temp dir");
    let out = run(vec![
        "--data-dir".into(),
        nothing.path().display().to_string(),
        "backup".into(),
        scratch.path().join("of-nothing").display().to_string(),
    ])
    .await;
    assert!(!out.status.success());
    assert!(text(&out).contains("no database"), "{}", text(&out));
    assert!(!nothing.path().join("newsline.db").exists());

    let out = run(vec!["backup".into()]).await;
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
    assert!(text(&out).contains("<DEST>"), "{}", text(&out));
    let out = run(vec!["restore".into(), "a".into(), "--no-such-flag".into()]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--no-such-flag"), "{}", text(&out));
    let out = run(vec![
        "--data-dir".into(),
        scratch.path().join("x").display().to_string(),
        "restore".into(),
        scratch.path().join("nothing-here").display().to_string(),
    ])
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("not a Newsline backup"),
        "{}",
        text(&out)
    );
}
