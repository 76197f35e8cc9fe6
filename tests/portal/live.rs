//! The live news line: events in order within a second, exact resumption.

use std::time::Duration;

use futures_util::StreamExt;
use newsline::domain::Role;
use newsline::newsroom::{Actor, Button, ItemForm};
use reqwest::StatusCode;

use crate::support::*;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sse {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

/// A subscriber to an edition's live stream.
pub struct Listener {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Listener {
    pub async fn open(app: &TestApp, path: &str, last_event_id: Option<&str>) -> Self {
        let mut request = app.client.get(format!("{}{}", app.address, path));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("stream opens");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"]
                .to_str()
                .unwrap_or_default(),
            "text/event-stream"
        );
        Self {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event within `limit`, skipping heartbeats; none if nothing came.
    pub async fn next(&mut self, limit: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Sse {
                    id: None,
                    event: "message".into(),
                    data: String::new(),
                };
                let mut any = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        event.id = Some(v.trim().to_owned());
                        any = true;
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event.event = v.trim().to_owned();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("data:") {
                        event.data.push_str(v.trim_start());
                        any = true;
                    }
                }
                if any {
                    return Some(event);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next())
                .await
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk.ok()?));
        }
    }
}

async fn editor_actor(app: &TestApp) -> Actor {
    app.actor("live-editor", Role::Editor).await
}

fn form(headline: &str) -> ItemForm {
    ItemForm {
        edition: "en".into(),
        kind: "brief".into(),
        headline: headline.into(),
        section: "politics".into(),
        ..ItemForm::default()
    }
}

#[tokio::test]
async fn publish_correct_and_withdraw_arrive_in_order_within_a_second() {
    let app = TestApp::spawn().await;
    let actor = editor_actor(&app).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let mut live = Listener::open(&app, "/en/live", None).await;

    let id = app
        .newsroom
        .create_item(
            &actor,
            &form("Quake hits the coast")
                .command(Button::Publish, &zone)
                .expect("a valid form"),
        )
        .await
        .expect("published");
    let published = live
        .next(Duration::from_secs(1))
        .await
        .expect("a publish event within a second");
    assert_eq!(published.event, "published");
    assert!(
        published.data.contains("Quake hits the coast"),
        "{}",
        published.data
    );
    assert!(published.data.contains(&format!("\"id\":{id}")));

    let item = app.newsroom.item(id).await.expect("read").expect("item");
    app.newsroom
        .save_item(
            &actor,
            id,
            item.version,
            &form("Quake hits the north coast")
                .command(Button::Save, &zone)
                .expect("a valid form"),
        )
        .await
        .expect("corrected headline");
    let updated = live
        .next(Duration::from_secs(1))
        .await
        .expect("an update within a second");
    assert_eq!(updated.event, "updated");
    assert!(updated.data.contains("Quake hits the north coast"));

    let item = app.newsroom.item(id).await.expect("read").expect("item");
    app.newsroom
        .save_item(
            &actor,
            id,
            item.version,
            &form("Quake hits the north coast")
                .command(Button::Unpublish, &zone)
                .expect("a valid form"),
        )
        .await
        .expect("withdrawn");
    let withdrawn = live
        .next(Duration::from_secs(1))
        .await
        .expect("a withdrawal within a second");
    assert_eq!(withdrawn.event, "unpublished");
    assert_eq!(withdrawn.data, format!("{{\"id\":{id}}}"));

    let ids: Vec<i64> = [&published, &updated, &withdrawn]
        .iter()
        .map(|e| {
            e.id.as_deref()
                .and_then(|i| i.parse().ok())
                .expect("numbered")
        })
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
}

#[tokio::test]
async fn a_client_that_reconnects_gets_exactly_the_events_it_missed() {
    let app = TestApp::spawn().await;
    let mut first = Listener::open(&app, "/en/live", None).await;
    app.file(filings(vec![brief(
        "One",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let seen = first
        .next(Duration::from_secs(2))
        .await
        .expect("first event");
    drop(first);
    app.file(filings(vec![brief(
        "Two",
        "politics",
        "2025-05-21T11:00:00Z",
    )]))
    .await;
    app.file(filings(vec![brief(
        "Three",
        "politics",
        "2025-05-21T12:00:00Z",
    )]))
    .await;

    let mut again = Listener::open(&app, "/en/live", seen.id.as_deref()).await;
    let a = again
        .next(Duration::from_secs(2))
        .await
        .expect("missed one");
    let b = again
        .next(Duration::from_secs(2))
        .await
        .expect("missed two");
    assert!(a.data.contains("\"Two\""), "{a:?}");
    assert!(b.data.contains("\"Three\""), "{b:?}");
    assert!(
        again.next(Duration::from_millis(500)).await.is_none(),
        "no duplicates, nothing else"
    );
    app.file(filings(vec![brief(
        "Four",
        "politics",
        "2025-05-21T13:00:00Z",
    )]))
    .await;
    let c = again.next(Duration::from_secs(2)).await.expect("then live");
    assert!(c.data.contains("\"Four\""));
}

#[tokio::test]
async fn a_malformed_last_event_id_starts_a_fresh_stream_and_an_old_one_is_told_to_reload() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "Before",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let mut fresh = Listener::open(&app, "/en/live", Some("not-a-number")).await;
    assert!(
        fresh.next(Duration::from_millis(300)).await.is_none(),
        "nothing replayed"
    );
    app.file(filings(vec![brief(
        "After",
        "politics",
        "2025-05-21T11:00:00Z",
    )]))
    .await;
    assert!(
        fresh
            .next(Duration::from_secs(2))
            .await
            .expect("live")
            .data
            .contains("After")
    );

    // A restarted server keeps no history from before its start: an older id must reload.
    let app = app.restart().await;
    let mut old = Listener::open(&app, "/en/live", Some("1")).await;
    assert_eq!(
        old.next(Duration::from_secs(1)).await.expect("told").event,
        "reload"
    );
}

#[tokio::test]
async fn pages_point_their_news_line_at_the_stream_from_their_own_snapshot() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "Shown",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let page = app.get("/en/").await;
    let html = page.html();
    let selector = scraper::Selector::parse(".news-line[data-live]").expect("selector");
    let live = html
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr("data-live"))
        .expect("the news line names its stream")
        .to_owned();
    assert!(live.starts_with("/en/live?after="), "{live}");
    let archive = app.get("/en/news").await;
    assert_eq!(
        archive.html().select(&selector).count(),
        1,
        "the archive's news line is live too"
    );
    app.file(filings(vec![brief(
        "Published after the page",
        "politics",
        "2025-05-21T11:00:00Z",
    )]))
    .await;
    let mut listener = Listener::open(&app, &live, None).await;
    let event = listener
        .next(Duration::from_secs(1))
        .await
        .expect("what the page missed");
    assert!(event.data.contains("Published after the page"));
    assert_eq!(app.get("/xx/live").await.status, StatusCode::NOT_FOUND);
}
