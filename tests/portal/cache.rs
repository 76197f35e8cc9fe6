//! The page cache never serves stale content after any kind of change, purges nothing
//! unrelated, and cannot be flooded.

use futures_util::StreamExt;
use newsline::domain::Role;
use newsline::newsroom::{Actor, Button, ItemForm};
use reqwest::StatusCode;

use crate::support::*;

fn zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Baku").expect("zone")
}

async fn editor(app: &TestApp) -> Actor {
    app.actor("cache-editor", Role::Editor).await
}

fn form(headline: &str, section: &str) -> ItemForm {
    ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: headline.into(),
        body: "Body.".into(),
        authors: "Ayla Karimova".into(),
        section: section.into(),
        ..ItemForm::default()
    }
}

/// Fetches a page twice: the second must come from the cache.
async fn warm(app: &TestApp, path: &str) -> Fetched {
    app.get(path).await;
    let second = app.get(path).await;
    assert_eq!(second.header("x-cache"), "hit", "{path} is cached");
    second
}

async fn save(app: &TestApp, actor: &Actor, id: i64, form: &ItemForm, button: Button) {
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    let command = form.command(button, &zone()).expect("a valid form");
    app.newsroom
        .save_item(actor, id, item.version, &command)
        .await
        .expect("saved");
    app.settle().await;
}

#[tokio::test]
async fn no_kind_of_change_leaves_a_stale_page_behind() {
    let app = TestApp::spawn().await;
    let actor = editor(&app).await;
    let id = app
        .newsroom
        .create_item(
            &actor,
            &form("First headline", "politics")
                .command(Button::Publish, &zone())
                .expect("a valid form"),
        )
        .await
        .expect("published");
    app.settle().await;
    let article = app.item_path(id).await;
    for path in [
        "/en/",
        "/en/news",
        "/en/politics",
        "/en/economy",
        article.as_str(),
        "/en/feed.xml",
    ] {
        warm(&app, path).await;
    }

    // Edit: the headline changes everywhere it shows.
    save(
        &app,
        &actor,
        id,
        &form("Second headline", "politics"),
        Button::Save,
    )
    .await;
    let moved = app.get(&article).await;
    assert_eq!(
        moved.status,
        StatusCode::MOVED_PERMANENTLY,
        "slug change: the old address redirects"
    );
    let article = app.item_path(id).await;
    assert_eq!(
        app.get(&article).await.texts("article h1"),
        ["Second headline"]
    );
    assert_eq!(
        app.get("/en/").await.texts(".news-line li a"),
        ["Second headline"]
    );
    assert_eq!(
        app.get("/en/politics").await.texts(".item-line a.headline"),
        ["Second headline"]
    );
    assert!(
        app.get("/en/feed.xml")
            .await
            .body
            .contains("Second headline")
    );

    // Section change: it leaves one section page and appears on the other.
    warm(&app, "/en/economy").await;
    save(
        &app,
        &actor,
        id,
        &form("Second headline", "economy"),
        Button::Save,
    )
    .await;
    assert!(app.get("/en/politics").await.texts(".item-line").is_empty());
    assert_eq!(
        app.get("/en/economy").await.texts(".item-line a.headline"),
        ["Second headline"]
    );

    // Correction: the note shows at once.
    let article = app.item_path(id).await;
    warm(&app, &article).await;
    app.newsroom
        .add_correction(&actor, id, "A date was wrong.")
        .await
        .expect("corrected");
    app.settle().await;
    assert_eq!(app.get(&article).await.texts(".correction").len(), 1);
    assert!(
        app.get("/en/corrections")
            .await
            .body
            .contains("A date was wrong.")
    );

    // Unpublish: gone from every page.
    warm(&app, "/en/news").await;
    save(
        &app,
        &actor,
        id,
        &form("Second headline", "economy"),
        Button::Unpublish,
    )
    .await;
    assert_eq!(app.get(&article).await.status, StatusCode::NOT_FOUND);
    assert!(app.get("/en/").await.texts(".news-line li a").is_empty());
    assert!(app.get("/en/news").await.texts(".item-line").is_empty());
    assert!(
        !app.get("/en/feed.xml")
            .await
            .body
            .contains("Second headline")
    );
}

#[tokio::test]
async fn a_change_purges_nothing_unrelated() {
    let app = TestApp::spawn().await;
    let mut batch = vec![brief(
        "Old politics story",
        "politics",
        "2020-01-01T10:00:00Z",
    )];
    for i in 0..45 {
        batch.push(brief(
            &format!("Economy {i}"),
            "economy",
            &format!("2025-05-21T10:{i:02}:00Z"),
        ));
    }
    let filed = app.file(filings(batch)).await;
    let old = app.item_path(filed[0].id()).await;
    let newest = app.item_path(filed[45].id()).await;
    warm(&app, &newest).await;
    warm(&app, "/en/economy").await;
    // An old item, far below the news line, changes: economy pages and other articles stay cached.
    let mut w = app.store.begin(app.now()).await.expect("writer");
    w.set_status(filed[0].id(), newsline::domain::Status::Unpublished)
        .await
        .expect("status");
    w.append_change(
        newsline::store::Entity::Item,
        &filed[0].id().to_string(),
        "unpublished",
    )
    .await
    .expect("logged");
    w.commit().await.expect("committed");
    app.newsroom
        .file_batch(&importer(), &newsline::newsroom::Batch::default())
        .await
        .expect("wake");
    app.settle().await;
    assert_eq!(app.get(&old).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&newest).await.header("x-cache"),
        "hit",
        "its news line did not change"
    );
    assert_eq!(app.get("/en/economy").await.header("x-cache"), "hit");
    assert_eq!(app.get("/en/politics").await.header("x-cache"), "miss");
}

#[tokio::test]
async fn responses_come_compressed_with_validators_and_surrogate_keys() {
    let app = TestApp::spawn_with_demo().await;
    let client = reqwest::Client::new();
    let url = format!("{}/en/news", app.address);
    let br = client
        .get(&url)
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("answered");
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "Accept-Encoding");
    assert!(
        br.headers()["surrogate-key"]
            .to_str()
            .unwrap_or_default()
            .contains("archive:en")
    );
    assert!(br.headers().contains_key("xkey"));
    assert!(br.headers().contains_key("last-modified"));
    let etag = br.headers()["etag"].clone();
    let gz = client
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("answered");
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let again = client
        .get(&url)
        .header("accept-encoding", "br")
        .header("if-none-match", etag)
        .send()
        .await
        .expect("answered");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let plain = app.get("/en/news").await;
    assert!(plain.header("content-encoding").is_empty());
    assert!(plain.body.contains("All news"));
}

#[tokio::test]
async fn a_flood_of_distinct_addresses_cannot_grow_the_cache() {
    let app = TestApp::spawn_with_demo().await;
    app.get("/en/news").await;
    let before = app.cache.len();
    for i in 0..300 {
        app.get(&format!("/en/news?utm={i}")).await;
        app.get(&format!("/en/no-such-page-{i}")).await;
        app.get(&format!("/en/news?page={}", 1000 + i)).await;
    }
    assert_eq!(app.cache.len(), before, "junk never becomes a cached page");
}

/// A stand-in CDN on loopback: records each request's first line and keys, and
/// refuses the very first one so the retry shows.
async fn fake_cdn() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}/purge", listener.local_addr().expect("address"));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = vec![0u8; 8192];
            let mut read = 0;
            while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") && read < buffer.len() {
                match socket.read(&mut buffer[read..]).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read += n,
                }
            }
            let head = String::from_utf8_lossy(&buffer[..read]).into_owned();
            let line = head.lines().next().unwrap_or_default().to_owned();
            let keys = head
                .lines()
                .find_map(|l| l.strip_prefix("xkey: "))
                .unwrap_or_default()
                .to_owned();
            let status = if first {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            first = false;
            let _ = socket
                .write_all(
                    format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .as_bytes(),
                )
                .await;
            let _ = tx.send((line, keys));
        }
    });
    (address, rx)
}

async fn next_purge(
    purges: &mut tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
) -> (String, String) {
    tokio::time::timeout(std::time::Duration::from_secs(5), purges.recv())
        .await
        .expect("a purge within seconds")
        .expect("the CDN is listening")
}

#[tokio::test]
async fn each_change_sends_its_keys_to_the_cdn_retrying_a_failure() {
    let (cdn, mut purges) = fake_cdn().await;
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.set("cache_purge_url", &cdn).expect("purge url");
    })
    .await;
    app.file(newsline::newsroom::Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: Vec::new(),
    })
    .await;
    let page = app.get("/en/").await;
    assert!(page.header("surrogate-key").split(' ').any(|k| k == "all"));
    // The taxonomy change above purges everything: first refused, then retried.

    let (line, keys) = next_purge(&mut purges).await;
    assert_eq!(line, "PURGE /purge HTTP/1.1");
    assert_eq!(keys, "all");
    let (_, retried) = next_purge(&mut purges).await;
    assert_eq!(retried, "all", "a refused purge is sent again");

    let filed = app
        .file(filings(vec![brief(
            "Purge me",
            "politics",
            "2025-05-21T10:00:00Z",
        )]))
        .await;
    let (_, keys) = next_purge(&mut purges).await;
    let keys: Vec<&str> = keys.split(' ').collect();
    assert!(
        keys.contains(&format!("item:{}", filed[0].id()).as_str()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"newsline:en") && keys.contains(&"archive:en"),
        "{keys:?}"
    );
}

#[tokio::test]
async fn fifty_thousand_junk_addresses_and_hosts_leave_the_real_pages_cached() {
    let app = TestApp::spawn_with_demo().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let article = app.item_path(1).await;
    for path in ["/en/", article.as_str()] {
        warm(&app, path).await;
    }
    let before = app.cache.len();
    // Mostly junk spellings of real pages (answered with a redirect to the real one),
    // and some real pages asked for under invented hosts or with tracking parameters
    // (rendered, never kept).
    let junk = |i: usize| match i % 100 {
        0 => "/en/".to_owned(),
        1 => format!("{article}?utm_source={i}"),
        2..=20 => format!("/en/news?page=0{}", i + 2),
        21..=40 => format!("/%65n/news?page={}", i + 2),
        41..=60 => format!("/en/%70olitics?page=0{}", i + 2),
        61..=80 => format!("/%65n/%2F{i}"),
        _ => format!("/en/news?page=00{}", i + 2),
    };
    let client = app.client.clone();
    let address = app.address.clone();
    let answered = futures_util::stream::iter(0..50_000)
        .map(|i| {
            let request = client
                .get(format!("{address}{}", junk(i)))
                .header("host", format!("junk-{i}.example"));
            async move { request.send().await.map(|r| r.status()) }
        })
        .buffer_unordered(32)
        .filter(|status| std::future::ready(status.is_ok()))
        .count()
        .await;
    assert_eq!(answered, 50_000, "every junk request was answered");
    for path in ["/en/", article.as_str()] {
        let page = app
            .client
            .get(format!("{}{path}", app.address))
            .header("host", &host)
            .send()
            .await
            .expect("answered");
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["x-cache"], "hit", "{path} is still cached");
    }
    // At most the few admitted hosts' canonical pages were added.
    assert!(
        app.cache.len() <= before + 3 * 2,
        "{} entries after the flood, {before} before",
        app.cache.len()
    );
}

/// One kind of change and the pages it must (and must not) purge.
enum Change {
    /// A correction to an old item, far below the news line.
    CorrectOld,
    /// A new item in one section.
    PublishEconomy,
    /// A new section in the edition's navigation.
    AddSection,
    /// A new author (with the item that brings them).
    NewAuthor,
    /// A new tag (with the item that brings it).
    NewTag,
    /// An item pinned to the home page.
    Pin,
}

#[tokio::test]
async fn every_kind_of_change_purges_what_shows_it_and_nothing_else() {
    let app = TestApp::spawn().await;
    let actor = editor(&app).await;
    let mut batch = vec![brief("Old story", "politics", "2020-01-01T10:00:00Z")];
    for i in 0..45 {
        batch.push(brief(
            &format!("Economy {i}"),
            "economy",
            &format!("2025-05-21T10:{i:02}:00Z"),
        ));
    }
    batch.push(article(
        "Politics lead",
        "politics",
        "2025-05-21T11:00:00Z",
        &["Ayla Karimova"],
    ));
    let filed = app.file(filings(batch)).await;
    let mut to_pin = form("Pinned later", "economy");
    let pin_id = app
        .newsroom
        .create_item(
            &actor,
            &to_pin
                .command(Button::Publish, &zone())
                .expect("a valid form"),
        )
        .await
        .expect("published");
    app.settle().await;
    let old_id = filed[0].id();
    let old = app.item_path(old_id).await;
    let lead = app.item_path(filed[46].id()).await;
    let (home, news, politics, economy) = ("/en/", "/en/news", "/en/politics", "/en/economy");
    let (author, corrections) = ("/en/author/ayla-karimova", "/en/corrections");
    let (feed, sitemap, robots) = ("/en/feed.xml", "/sitemap.xml", "/robots.txt");
    let table: Vec<(Change, Vec<&str>, Vec<&str>)> = vec![
        (
            // The home page's politics block shows the old story, one of the section's
            // two items; the economy block and the news line do not reach it.
            Change::CorrectOld,
            vec![
                old.as_str(),
                home,
                politics,
                corrections,
                news,
                feed,
                sitemap,
            ],
            vec![economy, lead.as_str(), author, robots],
        ),
        (
            Change::PublishEconomy,
            vec![home, news, economy, lead.as_str(), feed, sitemap],
            vec![politics, author, robots],
        ),
        (
            Change::AddSection,
            vec![
                home,
                news,
                economy,
                politics,
                author,
                lead.as_str(),
                old.as_str(),
            ],
            vec![feed, sitemap, robots],
        ),
        (
            Change::NewAuthor,
            vec![home, news, economy, feed, sitemap],
            vec![politics, author, robots],
        ),
        (
            Change::NewTag,
            vec![home, news, economy, feed, sitemap],
            vec![politics, author, robots],
        ),
        (
            // The pinned item is by the same author as the politics lead.
            Change::Pin,
            vec![home, news, economy, author, feed, sitemap],
            vec![politics, robots],
        ),
    ];
    for (change, purged, kept) in table {
        for path in purged.iter().chain(&kept) {
            warm(&app, path).await;
        }
        let name = match change {
            Change::CorrectOld => {
                app.newsroom
                    .add_correction(&actor, old_id, "The year was wrong.")
                    .await
                    .expect("corrected");
                "a correction"
            }
            Change::PublishEconomy => {
                app.file(filings(vec![brief(
                    "Economy news",
                    "economy",
                    "2025-05-21T12:00:00Z",
                )]))
                .await;
                "a new item"
            }
            Change::AddSection => {
                app.newsroom
                    .add_section(&actor, "en", "culture", "Culture")
                    .await
                    .expect("added");
                "a new section"
            }
            Change::NewAuthor => {
                app.file(filings(vec![article(
                    "Markets open",
                    "economy",
                    "2025-05-21T13:00:00Z",
                    &["Rauf Aliyev"],
                )]))
                .await;
                "a new author"
            }
            Change::NewTag => {
                let mut tagged = brief("Budget passed", "economy", "2025-05-21T14:00:00Z");
                tagged.tags = vec!["Budget".into()];
                app.file(filings(vec![tagged])).await;
                "a new tag"
            }
            Change::Pin => {
                to_pin.pinned = true;
                save(&app, &actor, pin_id, &to_pin, Button::Save).await;
                "a pin"
            }
        };
        app.settle().await;
        for path in &purged {
            let page = app.get(path).await;
            assert_eq!(page.header("x-cache"), "miss", "{name} purges {path}");
        }
        for path in &kept {
            let page = app.get(path).await;
            assert_eq!(page.header("x-cache"), "hit", "{name} leaves {path} cached");
        }
        // And what changed shows at once.
        match change {
            Change::CorrectOld => {
                assert!(
                    app.get(corrections)
                        .await
                        .body
                        .contains("The year was wrong.")
                );
            }
            Change::PublishEconomy => {
                assert!(app.get(economy).await.body.contains("Economy news"));
            }
            Change::AddSection => {
                assert!(
                    app.get(economy)
                        .await
                        .texts("nav.sections a")
                        .contains(&"Culture".to_owned())
                );
            }
            Change::NewAuthor => {
                assert_eq!(
                    app.get("/en/author/rauf-aliyev").await.status,
                    StatusCode::OK
                );
            }
            Change::NewTag => {
                assert_eq!(app.get("/en/tag/budget").await.status, StatusCode::OK);
            }
            Change::Pin => {
                assert!(app.get(home).await.body.contains("Pinned later"));
            }
        }
    }
}

/// Hits are answered before the router; they must carry everything a miss does.
#[tokio::test]
async fn a_hit_answered_before_the_router_keeps_every_header_and_check() {
    let app = TestApp::spawn_with_demo().await;
    let miss = app.get("/en/").await;
    assert_eq!(miss.header("x-cache"), "miss");
    let hit = warm(&app, "/en/").await;
    assert_eq!(hit.body, miss.body);
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "x-frame-options",
        "content-type",
        "cache-control",
        "etag",
        "last-modified",
        "vary",
        "surrogate-key",
    ] {
        assert!(!hit.header(name).is_empty(), "a hit carries {name}");
        assert_eq!(hit.header(name), miss.header(name), "{name} as on the miss");
    }

    let head = app.request(reqwest::Method::HEAD, "/en/").await;
    assert_eq!(head.header("x-cache"), "hit");
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(head.header("etag"), hit.header("etag"));

    let not_modified = app
        .client
        .get(format!("{}/en/", app.address))
        .header("if-none-match", hit.header("etag"))
        .send()
        .await
        .expect("answered");
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert!(
        not_modified
            .headers()
            .contains_key("content-security-policy")
    );

    // Other methods, other spellings and other queries of the same page are not hits.
    let post = app.request(reqwest::Method::POST, "/en/").await;
    assert_ne!(post.header("x-cache"), "hit");
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    let junk = app.get("/en/?utm_source=x").await;
    assert_ne!(junk.header("x-cache"), "hit");
    let escaped = app.get("/%65n/").await;
    assert_ne!(escaped.header("x-cache"), "hit");
}
