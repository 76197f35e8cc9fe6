//! A server stopped with SIGTERM, as service managers stop one: the request in flight
//! is answered, live readers are sent to reconnect, leases are let go of at once, and
//! the process exits cleanly.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use newsline::domain::{
    EditionCode, FeedUrl, PollInterval, Role, SourceName, WebhookEvent, WebhookEvents, WebhookUrl,
};
use newsline::newsroom::{Actor, FeedRequest, Newsroom, WebhookRequest};
use newsline::store::Store;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::*;

/// Reads from `conn` until `marker` has come, for at most five seconds.
async fn read_until(conn: &mut TcpStream, marker: &str) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        while !String::from_utf8_lossy(&seen).contains(marker) {
            let n = conn.read(&mut buf).await.expect("read");
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(read.is_ok(), "waited for {marker:?} and got {seen:?}");
    seen
}

#[tokio::test]
async fn sigterm_answers_the_write_in_flight_sends_live_readers_elsewhere_and_exits_cleanly() {
    let db = Database::fresh();
    let token = site_with_editor_token(&db).await;
    let mut server = ServerProcess::start(&serve_args(&db)).await;
    let host = server.address.trim_start_matches("http://").to_owned();

    let mut live = reqwest::get(format!("{}/en/live", server.address))
        .await
        .expect("the stream opens");
    assert_eq!(live.status(), reqwest::StatusCode::OK);

    // A write whose body is still on its way: the server says 100 Continue once the
    // handler is reading the body, so the request is in flight when the signal comes.
    let body = json!({
        "edition": "en",
        "kind": "brief",
        "headline": "Sent while the server stops",
        "body": "Text.",
        "section": "politics",
        "action": "publish",
    })
    .to_string();
    let mut conn = TcpStream::connect(&host).await.expect("connects");
    let head = format!(
        "POST /api/v1/items HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nexpect: 100-continue\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.expect("head sent");
    read_until(&mut conn, "100 Continue\r\n\r\n").await;
    conn.write_all(&body.as_bytes()[..10])
        .await
        .expect("part of the body sent");

    server.terminate();

    // The reader is told to come back (to another node) and the stream ends, rather
    // than holding the server until its grace period is over.
    let mut heard = String::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(chunk)) = live.chunk().await {
            heard.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream is still open: {heard:?}");
    assert!(heard.contains("event: reconnect\n"), "{heard:?}");
    assert!(heard.contains("retry: 1000\n"), "{heard:?}");

    conn.write_all(&body.as_bytes()[10..])
        .await
        .expect("the rest of the body sent");
    let answer = read_until(&mut conn, "\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    let status = server
        .exited_within(Duration::from_secs(15))
        .await
        .expect("the server exits within its grace period");
    assert!(status.success(), "{status}");

    let store = Store::open(&db.url).await.expect("store");
    let published = store.published_items().await.expect("items");
    assert!(
        published
            .iter()
            .any(|i| i.headline == "Sent while the server stops"),
        "{published:?}"
    );
    store.close().await;
}

/// A webhook receiver and feed server that reads requests and never answers; counts
/// the connections that sent one.
async fn silent_receiver() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!(
        "http://127.0.0.1:{}/hooks",
        listener.local_addr().expect("address").port()
    );
    let heard = Arc::new(AtomicUsize::new(0));
    let counted = heard.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let mut counted_once = false;
                while let Ok(n) = stream.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    if !counted_once {
                        counted_once = true;
                        counted.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    (url, heard)
}

#[tokio::test]
async fn sigterm_lets_go_of_the_delivery_and_the_feed_being_worked_on_at_once() {
    let db = Database::fresh();
    let token = site_with_editor_token(&db).await;
    let (url, heard) = silent_receiver().await;
    {
        let store = Store::open(&db.url).await.expect("store");
        let newsroom = Newsroom::new(store.clone(), Default::default());
        let id = newsroom
            .create_account(
                "chief",
                "Chief",
                Role::Admin,
                "a long enough password",
                None,
            )
            .await
            .expect("admin");
        let admin = Actor {
            id: Some(id),
            role: Role::Admin,
            name: "Chief".into(),
        };
        newsroom
            .create_webhook(
                &admin,
                &WebhookRequest {
                    url: WebhookUrl::parse(&url).expect("url"),
                    events: WebhookEvents::from_events(&[WebhookEvent::Published]).expect("events"),
                },
            )
            .await
            .expect("webhook");
        newsroom
            .add_wire_feed(
                &admin,
                &FeedRequest {
                    name: SourceName::parse("Silent Wire").expect("name"),
                    url: FeedUrl::parse(&url).expect("url"),
                    edition: EditionCode::parse("en").expect("code"),
                    interval: PollInterval::minutes(5).expect("interval"),
                },
            )
            .await
            .expect("feed");
        store.close().await;
    }
    let mut server = ServerProcess::start(&serve_args(&db)).await;
    let created = reqwest::Client::new()
        .post(format!("{}/api/v1/items", server.address))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(
            json!({
                "edition": "en",
                "kind": "brief",
                "headline": "Told to a receiver that never answers",
                "section": "politics",
                "action": "publish",
            })
            .to_string(),
        )
        .send()
        .await
        .expect("answered");
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);

    // The delivery and the feed are leased before they are sent for: once the
    // receiver has both requests, the leases are held until the attempts end, or
    // until they run out (half a minute, two minutes) if the node dies.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while heard.load(Ordering::SeqCst) < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no delivery or poll came"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let store = Store::open(&db.url).await.expect("store");
    assert_eq!(store.leases_held().await.expect("leases"), 2);

    server.terminate();
    let status = server
        .exited_within(Duration::from_secs(15))
        .await
        .expect("the server exits");
    assert!(status.success(), "{status}");
    assert_eq!(
        store.leases_held().await.expect("leases"),
        0,
        "another node may take the delivery and the feed over at once"
    );
    store.close().await;
}
