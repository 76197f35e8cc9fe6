//! The wire queue end to end: agency feeds served on a local port, polled with
//! conditional requests, backed off when they fail, polled once by two nodes, imported
//! from the command line, and taken as drafts or dismissed on the desk by the roles
//! that may.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::SignedDuration;
use newsline::domain::{EditionCode, Role, SourceName, Status};
use newsline::import::feed;
use newsline::newsroom::{Actor, WireFeed};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::*;

/// RSS with the given items.
fn rss(items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title)| {
            format!(
                "<item><title>{title}</title><guid isPermaLink=\"false\">{guid}</guid>\
                 <link>https://wire.example/{guid}</link>\
                 <pubDate>Thu, 21 May 2026 12:29:00 +0400</pubDate>\
                 <description>&lt;p&gt;Text of {guid}.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Caspian Wire</title>\
         <link>https://wire.example/</link><description>News</description>{items}</channel></rss>"
    )
}

/// Atom with the given entries.
fn atom(entries: &[(&str, &str)]) -> String {
    let entries: String = entries
        .iter()
        .map(|(id, title)| {
            format!(
                "<entry><title>{title}</title><id>{id}</id>\
                 <link href=\"https://atom.example/{id}\"/>\
                 <updated>2026-05-21T11:00:00Z</updated><summary>Summary of {id}.</summary></entry>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom Agency</title>\
         <id>urn:atom-agency</id><updated>2026-05-21T11:00:00Z</updated>{entries}</feed>"
    )
}

/// How the feed server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    /// 200 with this body, its ETag and Last-Modified; 304 to a request whose
    /// validators match.
    Feed(String),
    /// 500.
    Fail,
}

/// A feed server on 127.0.0.1 that records every request's headers.
#[derive(Clone)]
struct FeedServer {
    url: String,
    answer: Arc<Mutex<Answer>>,
    requests: Arc<Mutex<Vec<HashMap<String, String>>>>,
}

/// The validators of a body: an ETag made from its length and a fixed date.
fn etag_of(body: &str) -> String {
    format!("\"v{}\"", body.len())
}

const LAST_MODIFIED: &str = "Thu, 21 May 2026 08:30:00 GMT";

impl FeedServer {
    async fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let port = listener.local_addr().expect("address").port();
        let server = Self {
            url: format!("http://127.0.0.1:{port}/feed.xml"),
            answer: Arc::new(Mutex::new(answer)),
            requests: Arc::default(),
        };
        let serving = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().reply(stream));
            }
        });
        server
    }

    fn set(&self, answer: Answer) {
        *self.answer.lock().expect("answer") = answer;
    }

    fn requests(&self) -> Vec<HashMap<String, String>> {
        self.requests.lock().expect("requests").clone()
    }

    async fn reply(self, mut stream: TcpStream) {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        while !data.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        }
        let head = String::from_utf8_lossy(&data).into_owned();
        let headers: HashMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        self.requests
            .lock()
            .expect("requests")
            .push(headers.clone());
        let answer = self.answer.lock().expect("answer").clone();
        let reply = match answer {
            Answer::Fail => {
                "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\noops"
                    .to_owned()
            }
            Answer::Feed(body) => {
                let etag = etag_of(&body);
                let fresh_tag = headers.get("if-none-match") == Some(&etag);
                let fresh_date =
                    headers.get("if-modified-since").map(String::as_str) == Some(LAST_MODIFIED);
                if fresh_tag && fresh_date {
                    format!(
                        "HTTP/1.1 304 Not Modified\r\netag: {etag}\r\nconnection: close\r\n\r\n"
                    )
                } else {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\netag: {etag}\r\n\
                         last-modified: {LAST_MODIFIED}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                }
            }
        };
        let _ = stream.write_all(reply.as_bytes()).await;
        let _ = stream.shutdown().await;
    }
}

/// Polls `app`'s due feeds at once and waits (bounded) until `feed` shows a poll at the
/// clock's time, whichever node's poller took it.
async fn poll(app: &TestApp, feed: &str) -> WireFeed {
    app.wire.poll_due().await.expect("feeds are polled");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let found = the_feed(app, feed).await;
        if found.last_polled_at == Some(app.now()) {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "feed {feed} was not polled at {}: {found:?}",
            app.now()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn the_feed(app: &TestApp, name: &str) -> WireFeed {
    app.newsroom
        .wire_feeds(&Actor::system("test"))
        .await
        .expect("feeds")
        .into_iter()
        .find(|f| f.name == name)
        .expect("the feed exists")
}

/// Adds a feed from the admins' page.
async fn add_feed(admin: &Browser, name: &str, url: &str, minutes: &str) -> Fetched {
    admin
        .submit(
            "/newsroom/wire/feeds",
            "/newsroom/wire/feeds",
            &[
                ("name", name),
                ("url", url),
                ("edition", "en"),
                ("minutes", minutes),
            ],
        )
        .await
}

async fn waiting_titles(app: &TestApp) -> Vec<String> {
    app.newsroom
        .wire_queue(&Actor::system("test"), 1)
        .await
        .expect("queue")
        .copy
        .into_iter()
        .map(|c| c.title)
        .collect()
}

async fn total_copy(app: &TestApp) -> i64 {
    app.store.wire_copy_total().await.expect("count")
}

#[tokio::test]
async fn a_polled_feed_is_filed_once_and_asked_again_with_its_validators() {
    let app = TestApp::spawn().await;
    let server = FeedServer::start(Answer::Feed(rss(&[("w1", "Ferry service resumes")]))).await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let added = add_feed(&admin, "Caspian Wire", &server.url, "5").await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);

    let polled = poll(&app, "Caspian Wire").await;
    assert_eq!(polled.failures, 0, "{polled:?}");
    let first = &server.requests()[0];
    assert!(!first.contains_key("if-none-match"), "{first:?}");
    assert!(!first.contains_key("if-modified-since"), "{first:?}");
    assert_eq!(waiting_titles(&app).await, ["Ferry service resumes"]);

    // Not due before its interval is over: nothing is asked.
    app.clock.advance(SignedDuration::from_mins(4));
    assert!(app.wire.poll_due().await.expect("polled").is_empty());

    app.clock.advance(SignedDuration::from_mins(1));
    poll(&app, "Caspian Wire").await;
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let body = rss(&[("w1", "Ferry service resumes")]);
    assert_eq!(requests[1].get("if-none-match"), Some(&etag_of(&body)));
    assert_eq!(
        requests[1].get("if-modified-since").map(String::as_str),
        Some(LAST_MODIFIED)
    );
    assert_eq!(total_copy(&app).await, 1, "a 304 files nothing");

    // The feed changes: only its new story is filed, the old one once still.
    server.set(Answer::Feed(rss(&[
        ("w2", "Grain deal signed"),
        ("w1", "Ferry service resumes"),
    ])));
    app.clock.advance(SignedDuration::from_mins(5));
    poll(&app, "Caspian Wire").await;
    assert_eq!(
        waiting_titles(&app).await,
        ["Grain deal signed", "Ferry service resumes"]
    );
    assert_eq!(total_copy(&app).await, 2);

    // The desk sees it with its source and original link, the text cleaned.
    let editor = app.signed_in("desk", Role::Editor).await;
    let page = editor.get("/newsroom/wire").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts(".wire-title"),
        ["Grain deal signed", "Ferry service resumes"]
    );
    assert_eq!(page.texts(".wire-source")[0], "Caspian Wire");
    assert_eq!(page.hrefs(".wire-original")[0], "https://wire.example/w2");
    assert!(!page.body.contains("alert(1)"), "{}", page.body);
    let audit = admin.get("/newsroom/audit").await;
    assert!(audit.body.contains("wire copy filed"), "{}", audit.body);
    assert!(audit.body.contains("wire feed added"), "{}", audit.body);
}

#[tokio::test]
async fn a_failing_feed_backs_off_doubling_and_shows_its_error_to_admins() {
    let app = TestApp::spawn().await;
    let server = FeedServer::start(Answer::Fail).await;
    let admin = app.signed_in("chief", Role::Admin).await;
    add_feed(&admin, "Caspian Wire", &server.url, "5").await;

    let failed = poll(&app, "Caspian Wire").await;
    assert_eq!(failed.failures, 1);
    assert_eq!(
        failed.last_error.as_deref(),
        Some("the feed's server answered 500")
    );
    let page = admin.get("/newsroom/wire/feeds").await;
    assert!(
        page.texts(".last-error")[0].contains("answered 500 (1 in a row)"),
        "{}",
        page.body
    );

    // Twice the interval after one failure: not at five minutes, at ten.
    app.clock.advance(SignedDuration::from_mins(5));
    assert!(app.wire.poll_due().await.expect("polled").is_empty());
    assert_eq!(server.requests().len(), 1);
    server.set(Answer::Feed(
        "<rss version=\"2.0\"><channel><item><title>cut".into(),
    ));
    app.clock.advance(SignedDuration::from_mins(5));
    let malformed = poll(&app, "Caspian Wire").await;
    assert_eq!(malformed.failures, 2);
    assert!(
        malformed
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("the RSS feed is malformed")),
        "{malformed:?}"
    );
    assert_eq!(total_copy(&app).await, 0, "nothing of a bad feed is stored");

    // Then twenty minutes; a good answer clears the failures.
    app.clock.advance(SignedDuration::from_mins(19));
    assert!(app.wire.poll_due().await.expect("polled").is_empty());
    server.set(Answer::Feed(rss(&[("w1", "Back again")])));
    app.clock.advance(SignedDuration::from_mins(1));
    let recovered = poll(&app, "Caspian Wire").await;
    assert_eq!(recovered.failures, 0);
    assert_eq!(recovered.last_error, None);
    assert_eq!(waiting_titles(&app).await, ["Back again"]);
}

#[tokio::test]
async fn two_nodes_on_one_database_poll_a_feed_once() {
    let first = TestApp::spawn().await;
    let second = first.another_node().await;
    let server = FeedServer::start(Answer::Feed(atom(&[("urn:a:1", "Atom story")]))).await;
    let admin = first.signed_in("chief", Role::Admin).await;
    add_feed(&admin, "Atom Agency", &server.url, "5").await;

    for round in 1..=3 {
        let (a, b) = tokio::join!(first.wire.poll_due(), second.wire.poll_due());
        let claimed = a.expect("polled").len() + b.expect("polled").len();
        assert!(claimed <= 1, "round {round}: both nodes polled");
        poll(&first, "Atom Agency").await;
        assert_eq!(server.requests().len(), round, "round {round}");
        first.clock.advance(SignedDuration::from_mins(5));
    }
    assert_eq!(waiting_titles(&second).await, ["Atom story"]);
    assert_eq!(total_copy(&second).await, 1);
}

#[tokio::test]
async fn feeds_in_the_site_config_are_polled_and_marked_as_such() {
    let server = FeedServer::start(Answer::Feed(rss(&[("c1", "From the config")]))).await;
    let url = server.url.clone();
    let app = TestApp::spawn_with(Database::fresh(), move |s| {
        s.wire_feeds = newsline::config::Settings::from_toml_str(&format!(
            "[[wire_feed]]\nname = \"Config Wire\"\nurl = \"{url}\"\nedition = \"en\"\n"
        ))
        .expect("valid")
        .wire_feeds;
    })
    .await;
    // A site starts without editions: the first poll fails saying so, then works.
    let failed = poll(&app, "Config Wire").await;
    assert!(
        failed
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("there is no edition 'en'")),
        "{failed:?}"
    );
    app.file(newsline::newsroom::Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: Vec::new(),
    })
    .await;
    app.clock.advance(SignedDuration::from_mins(10));
    let polled = poll(&app, "Config Wire").await;
    assert!(polled.configured);
    assert_eq!(polled.failures, 0, "{polled:?}");
    assert_eq!(waiting_titles(&app).await, ["From the config"]);
    let admin = app.signed_in("chief", Role::Admin).await;
    let page = admin.get("/newsroom/wire/feeds").await;
    assert!(page.body.contains("(config)"), "{}", page.body);
}

/// Runs `newsline` without blocking the runtime, so a feed server on it can answer.
async fn run(db: &Database, args: Vec<String>) -> (bool, String, String) {
    let out = Cli::new().args(db.flags()).args(args).output().await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn import_feed_files_a_file_or_an_address_once_alongside_the_poller() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("wire.xml");
    std::fs::write(&file, rss(&[("w1", "One"), ("w2", "Two")])).expect("write");
    let path = file.to_str().expect("path").to_owned();

    let (ok, stdout, stderr) = run(&app.db, args(&["import", "feed", &path])).await;
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("2 new, 0 already in the queue, from Caspian Wire"),
        "{stdout}"
    );
    let (ok, stdout, _) = run(&app.db, args(&["import", "feed", &path])).await;
    assert!(ok);
    assert!(stdout.contains("0 new, 2 already in the queue"), "{stdout}");

    // The poller of a feed of the same name files only what the file did not have.
    let server = FeedServer::start(Answer::Feed(rss(&[("w3", "Three"), ("w1", "One")]))).await;
    let admin = app.signed_in("chief", Role::Admin).await;
    add_feed(&admin, "Caspian Wire", &server.url, "5").await;
    poll(&app, "Caspian Wire").await;
    assert_eq!(total_copy(&app).await, 3);

    // From an address, under another source's name: its own copy.
    let (ok, stdout, stderr) = run(
        &app.db,
        args(&["import", "feed", &server.url, "--source", "Second Desk"]),
    )
    .await;
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("2 new, 0 already in the queue, from Second Desk"),
        "{stdout}"
    );
    assert_eq!(total_copy(&app).await, 5);
}

#[tokio::test]
async fn bad_feeds_are_refused_by_the_command_with_what_is_wrong_and_nothing_stored() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("path").to_owned()
    };
    let big = format!(
        "<rss version=\"2.0\"><channel><title>x</title><description>{}</description></channel></rss>",
        "x".repeat(feed::MAX_FEED_BYTES)
    );
    let server = FeedServer::start(Answer::Fail).await;
    let huge = FeedServer::start(Answer::Feed(big.clone())).await;
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            args(&["import", "feed", &huge.url]),
            format!("the feed is larger than {} bytes", feed::MAX_FEED_BYTES),
        ),
        (
            args(&[
                "import",
                "feed",
                &write("page.html", b"<!DOCTYPE html><html><body>Hi</body></html>"),
            ]),
            "page.html: this is not an RSS 2.0 or Atom feed: its root element is <html>".into(),
        ),
        (
            args(&[
                "import",
                "feed",
                &write("cut.xml", rss(&[("a", "A")]).split_at(120).0.as_bytes()),
            ]),
            "cut.xml: the RSS feed is malformed".into(),
        ),
        (
            args(&["import", "feed", &write("empty.xml", b"")]),
            "empty.xml: the feed is empty".into(),
        ),
        (
            args(&["import", "feed", &write("data.json", b"{\"items\": []}")]),
            "data.json: this is not XML".into(),
        ),
        (
            args(&["import", "feed", &write("big.xml", big.as_bytes())]),
            format!(
                "big.xml: the feed is larger than {} bytes",
                feed::MAX_FEED_BYTES
            ),
        ),
        (
            args(&["import", "feed", "ftp://127.0.0.1/feed.xml"]),
            "the address must start with http:// or https://".into(),
        ),
        (
            args(&["import", "feed", &server.url]),
            "the feed's server answered 500".into(),
        ),
        (
            args(&["import", "feed", "http://127.0.0.1:9/feed.xml"]),
            "could not connect to the feed's server".into(),
        ),
        (
            args(&[
                "import",
                "feed",
                &dir.path().join("missing.xml").display().to_string(),
            ]),
            "cannot read".into(),
        ),
        (
            args(&[
                "import",
                "feed",
                &write("ok.xml", rss(&[("a", "A")]).as_bytes()),
                "--edition",
                "xx",
            ]),
            "there is no edition 'xx'".into(),
        ),
    ];
    for (args, message) in cases {
        let (ok, stdout, stderr) = run(&app.db, args.clone()).await;
        assert!(!ok, "{args:?} was accepted: {stdout}");
        assert!(stderr.contains(&message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert_eq!(total_copy(&app).await, 0);
}

/// Files stories straight into the queue, as the poller would.
async fn file_copy(app: &TestApp, stories: &[(&str, &str)]) -> Vec<i64> {
    let parsed = feed::parse(rss(stories).as_bytes()).expect("a feed");
    app.newsroom
        .file_wire_copy(
            &Actor::system("wire"),
            &SourceName::parse("Caspian Wire").expect("name"),
            None,
            &EditionCode::parse("en").expect("code"),
            &parsed.stories,
        )
        .await
        .expect("filed");
    let queue = app
        .newsroom
        .wire_queue(&Actor::system("test"), 1)
        .await
        .expect("queue");
    let mut ids: Vec<i64> = queue.copy.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn taken_copy_becomes_one_unpublished_draft_crediting_the_source() {
    let app = TestApp::spawn().await;
    let ids = file_copy(&app, &[("w1", "Ferry service resumes")]).await;
    let editor = app.signed_in("desk", Role::Editor).await;

    let taken = editor
        .submit(
            "/newsroom/wire",
            &format!("/newsroom/wire/{}/take", ids[0]),
            &[],
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let location = taken.header("location").to_owned();
    let item: i64 = location
        .strip_prefix("/newsroom/items/")
        .and_then(|id| id.parse().ok())
        .expect("the draft's address");
    let draft = app
        .newsroom
        .item(item)
        .await
        .expect("read")
        .expect("the draft");
    assert_eq!(draft.status, Status::Draft);
    assert_eq!(draft.headline, "Ferry service resumes");
    assert_eq!(draft.outlet.as_deref(), Some("Caspian Wire"));
    assert!(
        draft.body.html.contains("Text of w1."),
        "{}",
        draft.body.html
    );
    assert!(
        draft.body.html.contains("Source: Caspian Wire"),
        "{}",
        draft.body.html
    );
    assert!(
        draft.body.html.contains("href=\"https://wire.example/w1\""),
        "{}",
        draft.body.html
    );
    assert!(!draft.body.html.contains("<script"), "{}", draft.body.html);
    let editor_page = editor.get(&location).await;
    assert_eq!(editor_page.status, StatusCode::OK);

    // Taking it again makes no second draft.
    let again = editor
        .submit(
            "/newsroom/wire",
            &format!("/newsroom/wire/{}/take", ids[0]),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains("taken already"), "{}", again.body);
    assert!(app.newsroom.item(item + 1).await.expect("read").is_none());
    assert!(waiting_titles(&app).await.is_empty());

    // Never public: not on the home page, the news line or its own address.
    app.settle().await;
    assert!(app.read.snapshot().item(item).is_none());
    let home = app.get("/en/").await;
    assert!(
        !home.body.contains("Ferry service resumes"),
        "{}",
        home.body
    );
    let news = app.get("/en/news").await;
    assert!(!news.body.contains("Ferry service resumes"));
    let audit = app
        .signed_in("chief", Role::Admin)
        .await
        .get("/newsroom/audit")
        .await;
    assert!(audit.body.contains("wire copy taken"), "{}", audit.body);
}

#[tokio::test]
async fn two_takes_at_once_make_one_draft() {
    let app = TestApp::spawn().await;
    let ids = file_copy(&app, &[("w1", "Raced")]).await;
    let a = app.actor("first", Role::Editor).await;
    let b = app.actor("second", Role::Editor).await;
    let (one, two) = tokio::join!(
        app.newsroom.take_wire_copy(&a, ids[0]),
        app.newsroom.take_wire_copy(&b, ids[0])
    );
    assert_eq!(
        u8::from(one.is_ok()) + u8::from(two.is_ok()),
        1,
        "{one:?} {two:?}"
    );
    let item = one.or(two).expect("one take");
    let copy = app
        .store
        .wire_copy(ids[0])
        .await
        .expect("read")
        .expect("copy");
    assert_eq!(copy.item_id, Some(item));
    assert!(app.newsroom.item(item + 1).await.expect("read").is_none());
}

#[tokio::test]
async fn dismissed_copy_leaves_the_queue_and_cannot_be_taken() {
    let app = TestApp::spawn().await;
    let ids = file_copy(&app, &[("w1", "Keep"), ("w2", "Drop")]).await;
    let editor = app.signed_in("desk", Role::Editor).await;
    let dismissed = editor
        .submit(
            "/newsroom/wire",
            &format!("/newsroom/wire/{}/dismiss", ids[1]),
            &[],
        )
        .await;
    assert_eq!(
        dismissed.status,
        StatusCode::SEE_OTHER,
        "{}",
        dismissed.body
    );
    let page = editor.get("/newsroom/wire").await;
    assert_eq!(page.texts(".wire-title"), ["Keep"]);
    let taken = editor
        .submit(
            "/newsroom/wire",
            &format!("/newsroom/wire/{}/take", ids[1]),
            &[],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let missing = editor
        .submit("/newsroom/wire", "/newsroom/wire/999999/dismiss", &[])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_role_may_do_on_the_wire_what_the_rule_says() {
    // (role, read the queue, take, dismiss, see feeds, add a feed)
    let table = [
        (Role::Admin, true, true, true, true, true),
        (Role::Editor, true, true, true, false, false),
        (Role::Reporter, true, true, false, false, false),
    ];
    let app = TestApp::spawn().await;
    let server = FeedServer::start(Answer::Fail).await;
    for (n, (role, read, take, dismiss, feeds, add)) in table.into_iter().enumerate() {
        let ids = file_copy(
            &app,
            &[
                (&format!("t{n}"), "To take"),
                (&format!("d{n}"), "To dismiss"),
            ],
        )
        .await;
        let (take_id, dismiss_id) = (ids[ids.len() - 2], ids[ids.len() - 1]);
        let who = format!("{}{n}", role.as_str());
        let browser = app.signed_in(&who, role).await;
        let expect =
            |allowed: bool, ok: StatusCode| if allowed { ok } else { StatusCode::FORBIDDEN };

        let page = browser.get("/newsroom/wire").await;
        assert_eq!(page.status, expect(read, StatusCode::OK), "{who} reads");
        assert_eq!(
            !page
                .texts("button")
                .iter()
                .any(|b| b.starts_with("Dismiss")),
            !dismiss,
            "{who} is offered dismiss only if allowed"
        );
        let csrf = csrf_of(&browser.get("/newsroom").await);
        let taken = browser
            .post(
                &format!("/newsroom/wire/{take_id}/take"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(
            taken.status,
            expect(take, StatusCode::SEE_OTHER),
            "{who} takes"
        );
        let dismissed = browser
            .post(
                &format!("/newsroom/wire/{dismiss_id}/dismiss"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(
            dismissed.status,
            expect(dismiss, StatusCode::SEE_OTHER),
            "{who} dismisses"
        );
        let copy = app
            .store
            .wire_copy(dismiss_id)
            .await
            .expect("read")
            .expect("copy");
        assert_eq!(copy.state == "dismissed", dismiss, "{who}: {copy:?}");
        let list = browser.get("/newsroom/wire/feeds").await;
        assert_eq!(
            list.status,
            expect(feeds, StatusCode::OK),
            "{who} lists feeds"
        );
        let name = format!("Feed {n}");
        let added = browser
            .post(
                "/newsroom/wire/feeds",
                &[
                    ("csrf", &csrf),
                    ("name", &name),
                    ("url", &server.url),
                    ("edition", "en"),
                    ("minutes", "5"),
                ],
            )
            .await;
        assert_eq!(
            added.status,
            expect(add, StatusCode::SEE_OTHER),
            "{who} adds a feed"
        );
        let stored = app
            .newsroom
            .wire_feeds(&Actor::system("test"))
            .await
            .expect("feeds");
        assert_eq!(stored.iter().any(|f| f.name == name), add, "{who}");
    }
}

#[tokio::test]
async fn wire_forms_without_the_session_token_change_nothing() {
    let app = TestApp::spawn().await;
    let ids = file_copy(&app, &[("w1", "Guarded")]).await;
    let admin = app.signed_in("chief", Role::Admin).await;
    for path in [
        format!("/newsroom/wire/{}/take", ids[0]),
        format!("/newsroom/wire/{}/dismiss", ids[0]),
    ] {
        for form in [vec![], vec![("csrf", "forged")]] {
            let refused = admin.post(&path, &form).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    assert_eq!(waiting_titles(&app).await, ["Guarded"]);
    let refused = admin
        .post(
            "/newsroom/wire/feeds",
            &[
                ("name", "Sneaky"),
                ("url", "http://127.0.0.1:9/x"),
                ("edition", "en"),
                ("minutes", "5"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.newsroom
            .wire_feeds(&Actor::system("test"))
            .await
            .expect("feeds")
            .is_empty()
    );
    add_feed(&admin, "Guarded Feed", "http://127.0.0.1:9/feed.xml", "5").await;
    let id = the_feed(&app, "Guarded Feed").await.id;
    let paused = admin
        .post(
            &format!("/newsroom/wire/feeds/{id}/enabled"),
            &[("enabled", "no"), ("csrf", "forged")],
        )
        .await;
    assert_eq!(paused.status, StatusCode::FORBIDDEN);
    let removed = admin
        .post(
            &format!("/newsroom/wire/feeds/{id}/delete"),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::FORBIDDEN);
    assert!(the_feed(&app, "Guarded Feed").await.enabled);
}

#[tokio::test]
async fn a_feed_with_a_bad_field_is_refused_with_the_field_named_and_admins_pause_and_remove_feeds()
{
    let app = TestApp::spawn().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    for (name, url, minutes, message) in [
        (
            "",
            "http://127.0.0.1:9/rss",
            "5",
            "name: give the source's name",
        ),
        (
            "Wire",
            "file:///etc/passwd",
            "5",
            "address: the address must start with http:// or https://",
        ),
        (
            "Wire",
            "http://127.0.0.1:9/rss",
            "0",
            "interval: give whole minutes from 1 to 1440",
        ),
    ] {
        let page = add_feed(&admin, name, url, minutes).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(page.texts(".form-error"), [message]);
    }
    add_feed(&admin, "Wire", "http://127.0.0.1:9/rss", "5").await;
    let taken = add_feed(&admin, "Wire", "http://127.0.0.1:9/other", "5").await;
    assert_eq!(
        taken.texts(".form-error"),
        ["name: there is a feed called 'Wire' already"]
    );
    let id = the_feed(&app, "Wire").await.id;

    let paused = admin
        .submit(
            "/newsroom/wire/feeds",
            &format!("/newsroom/wire/feeds/{id}/enabled"),
            &[("enabled", "no")],
        )
        .await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER);
    assert!(!the_feed(&app, "Wire").await.enabled);
    assert!(
        app.wire.poll_due().await.expect("polled").is_empty(),
        "a paused feed is not polled"
    );
    let removed = admin
        .submit(
            "/newsroom/wire/feeds",
            &format!("/newsroom/wire/feeds/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        app.newsroom
            .wire_feeds(&Actor::system("test"))
            .await
            .expect("feeds")
            .is_empty()
    );
    let audit = admin.get("/newsroom/audit").await;
    for entry in ["wire feed added", "wire feed paused", "wire feed removed"] {
        assert!(audit.body.contains(entry), "{entry}");
    }
}

#[tokio::test]
async fn the_queue_is_paginated_newest_first() {
    let app = TestApp::spawn().await;
    let stories: Vec<(String, String)> = (1..=35)
        .map(|i| (format!("g{i}"), format!("Story {i:02}")))
        .collect();
    let refs: Vec<(&str, &str)> = stories
        .iter()
        .map(|(g, t)| (g.as_str(), t.as_str()))
        .collect();
    file_copy(&app, &refs[..5]).await;
    app.clock.advance(SignedDuration::from_mins(1));
    file_copy(&app, &refs[5..]).await;
    let reporter = app.signed_in("cub", Role::Reporter).await;
    let first = reporter.get("/newsroom/wire").await;
    assert_eq!(first.texts(".wire-title").len(), 30);
    assert!(
        first
            .texts(".wire-title")
            .iter()
            .all(|t| t.as_str() >= "Story 06")
    );
    let second = reporter.get("/newsroom/wire?page=2").await;
    assert_eq!(second.texts(".wire-title").len(), 5);
    assert_eq!(
        reporter.get("/newsroom/wire?page=3").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reporter.get("/newsroom/wire?page=x").await.status,
        StatusCode::BAD_REQUEST
    );
}
