//! Webhooks against a real receiver on a local port: signed, in order, retried across
//! a restart, sent once by two nodes, never in the way of publishing, for admins only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use jiff::SignedDuration;
use newsline::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::newsroom::{article_fields, create, save};
use crate::support::*;

/// How the receiver answers the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 200.
    Accept,
    /// 500 with a short body.
    Fail,
    /// Nothing until released, then 200.
    Hang,
    /// Closes the connection without a word.
    Drop,
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map_or("", String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }

    fn event(&self) -> String {
        self.json()["event"].as_str().unwrap_or_default().to_owned()
    }
}

/// A webhook receiver on 127.0.0.1 that records every request.
#[derive(Clone)]
struct Receiver {
    url: String,
    mode: Arc<Mutex<Mode>>,
    received: Arc<Mutex<Vec<Received>>>,
    /// Requests waiting in [`Mode::Hang`] right now.
    hanging: Arc<Mutex<usize>>,
    release: Arc<Notify>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let port = listener.local_addr().expect("address").port();
        let receiver = Self {
            url: format!("http://127.0.0.1:{port}/hooks"),
            mode: Arc::new(Mutex::new(Mode::Accept)),
            received: Arc::default(),
            hanging: Arc::default(),
            release: Arc::new(Notify::new()),
        };
        let serving = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().answer(stream));
            }
        });
        receiver
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().expect("mode") = mode;
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("received").clone()
    }

    fn hanging(&self) -> usize {
        *self.hanging.lock().expect("hanging")
    }

    /// Lets every hanging request be answered (with 200).
    fn release(&self) {
        self.set(Mode::Accept);
        self.release.notify_waiters();
    }

    async fn answer(self, mut stream: TcpStream) {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        };
        let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
        let headers: HashMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        while data.len() < head_end + length {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        }
        let body = String::from_utf8_lossy(&data[head_end..head_end + length]).into_owned();
        let mode = *self.mode.lock().expect("mode");
        self.received
            .lock()
            .expect("received")
            .push(Received { headers, body });
        let reply: &[u8] = match mode {
            Mode::Accept => b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
            Mode::Fail => {
                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 11\r\nconnection: close\r\n\r\nit broke :("
            }
            Mode::Drop => return,
            Mode::Hang => {
                *self.hanging.lock().expect("hanging") += 1;
                self.release.notified().await;
                *self.hanging.lock().expect("hanging") -= 1;
                b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
            }
        };
        let _ = stream.write_all(reply).await;
        let _ = stream.shutdown().await;
    }

    /// Waits (bounded) until at least `count` requests came.
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        let held = eventually(|| self.received().len() >= count).await;
        let received = self.received();
        assert!(
            held,
            "the receiver got {} requests, not {count}: {received:?}",
            received.len()
        );
        received
    }
}

/// Polls `check` every 20 ms until it holds, for at most 15 seconds; true if it held.
async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if check() {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Registers a webhook for `events` from the newsroom; returns its secret.
async fn register(admin: &Browser, url: &str, events: &[&str]) -> String {
    let mut form = vec![("url", url)];
    form.extend(events.iter().map(|e| (*e, "on")));
    let page = admin
        .submit("/newsroom/webhooks", "/newsroom/webhooks", &form)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let secrets = page.texts(".token-secret");
    assert_eq!(secrets.len(), 1, "the secret is shown once");
    secrets[0].clone()
}

const ALL_EVENTS: [&str; 4] = ["published", "updated", "withdrawn", "corrected"];

/// Checks the signature header of `r` with `secret` as a receiver would.
fn signed_with(r: &Received, secret: &str) -> bool {
    let header = r.header("newsline-signature");
    let Some((t, v1)) = header
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
    else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{}", r.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected == v1
}

/// The webhook page's deliveries: (row id, event, status, attempts).
async fn deliveries(admin: &Browser, webhook: i64) -> Vec<(i64, String, String, String)> {
    let page = admin.get(&format!("/newsroom/webhooks/{webhook}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let rows = scraper::Selector::parse("tr[id^=delivery-]").expect("selector");
    let cell = |row: &scraper::ElementRef, class: &str| {
        let s = scraper::Selector::parse(&format!("td.{class}")).expect("selector");
        row.select(&s)
            .next()
            .map(|c| c.text().collect::<String>().trim().to_owned())
            .unwrap_or_default()
    };
    html.select(&rows)
        .map(|row| {
            let id = row
                .value()
                .attr("id")
                .and_then(|i| i.trim_start_matches("delivery-").parse().ok())
                .expect("row id");
            (
                id,
                cell(&row, "event"),
                cell(&row, "status"),
                cell(&row, "attempts"),
            )
        })
        .collect()
}

#[tokio::test]
async fn deliveries_are_signed_and_come_in_the_order_of_the_changes() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let secret = register(&admin, &receiver.url, &ALL_EVENTS).await;
    assert!(
        secret.starts_with("whsec_") && secret.len() == 6 + 64,
        "{secret}"
    );
    let editor = app.signed_in("editor", Role::Editor).await;
    let fields = article_fields("Budget passes", "publish");
    let id = create(&editor, &fields).await;
    let mut edited = fields.clone();
    edited.retain(|(k, _)| *k != "headline");
    edited.push(("headline", "Budget passes, narrowly"));
    assert_eq!(
        save(&editor, id, &edited, "save").await.status,
        StatusCode::SEE_OTHER
    );
    let corrected = editor
        .submit(
            &format!("/newsroom/items/{id}"),
            &format!("/newsroom/items/{id}/corrections"),
            &[("note", "An earlier version gave the wrong total.")],
        )
        .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER);
    assert_eq!(
        save(&editor, id, &edited, "unpublish").await.status,
        StatusCode::SEE_OTHER
    );

    let got = receiver.wait_for(4).await;
    let events: Vec<_> = got.iter().map(Received::event).collect();
    assert_eq!(events, ["published", "updated", "corrected", "withdrawn"]);
    for r in &got {
        assert!(signed_with(r, &secret), "bad signature on {r:?}");
        assert!(!signed_with(r, "whsec_another"), "any secret would do");
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(r.header("newsline-event"), r.event());
        let body = r.json();
        assert_eq!(r.header("newsline-delivery"), body["delivery"]);
        assert!(r.header("user-agent").starts_with("Newsline-Webhooks/"));
        assert_eq!(body["item"]["id"], id);
        assert_eq!(body["item"]["edition"], "en");
        assert!(
            body["item"]["url"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("/en/politics/{id}-"))),
            "{body}"
        );
        let t: i64 = r.header("newsline-signature")[2..12]
            .parse()
            .expect("seconds");
        assert_eq!(t, app.now().as_second(), "the time signed is the clock's");
    }
    let ids: std::collections::HashSet<_> =
        got.iter().map(|r| r.header("newsline-delivery")).collect();
    assert_eq!(ids.len(), 4, "each delivery has its own id");
    // Each body says what the item was when the change was made.
    assert_eq!(got[0].json()["item"]["headline"], "Budget passes");
    assert_eq!(got[0].json()["item"]["status"], "published");
    assert_eq!(got[1].json()["item"]["headline"], "Budget passes, narrowly");
    assert_eq!(got[3].json()["item"]["status"], "unpublished");
    assert!(got[0].json()["item"]["version"].as_i64() < got[1].json()["item"]["version"].as_i64());

    let listed = deliveries(&admin, 1).await;
    assert_eq!(listed.len(), 4);
    assert!(
        listed
            .iter()
            .all(|(_, _, status, attempts)| status == "delivered" && attempts == "1"),
        "{listed:?}"
    );
}

#[tokio::test]
async fn a_webhook_hears_only_the_events_it_chose_and_nothing_before_it_was_added() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let admin = app.signed_in("chief", Role::Admin).await;
    create(&editor, &article_fields("Before the webhook", "publish")).await;
    register(&admin, &receiver.url, &["withdrawn"]).await;
    let fields = article_fields("After the webhook", "publish");
    let id = create(&editor, &fields).await;
    save(&editor, id, &fields, "save").await;
    save(&editor, id, &fields, "unpublish").await;
    // Once the withdrawal has come, anything queued before it has come too.
    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].event(), "withdrawn");
    assert_eq!(got[0].json()["item"]["id"], id);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_backoff_until_it_is_taken() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    register(&admin, &receiver.url, &["published"]).await;
    receiver.set(Mode::Fail);
    let editor = app.signed_in("editor", Role::Editor).await;
    create(&editor, &article_fields("Retried", "publish")).await;
    receiver.wait_for(1).await;
    assert!(
        eventually_async(|| async {
            deliveries(&admin, 1)
                .await
                .first()
                .is_some_and(|d| d.3 == "1")
        })
        .await,
        "the failed attempt is recorded"
    );
    let page = admin.get("/newsroom/webhooks/1").await;
    assert_eq!(page.texts("td.status"), ["pending"]);
    assert!(
        page.texts("td.answer")[0].contains("500"),
        "{:?}",
        page.texts("td.answer")
    );
    assert!(page.texts("td.answer")[0].contains("it broke"));
    // A later item's delivery waits behind the failing one, however long it takes.
    let later = create(&editor, &article_fields("Later", "publish")).await;
    // The oldest delivery, the one being retried, is listed last.
    let retried = || async { deliveries(&admin, 1).await.last().cloned().expect("a row") };
    // The next attempt waits for the clock.
    receiver.set(Mode::Drop);
    app.advance(SignedDuration::from_secs(3)).await;
    receiver.wait_for(2).await;
    assert!(eventually_async(|| async { retried().await.3 == "2" }).await);
    let page = admin.get("/newsroom/webhooks/1").await;
    assert_eq!(page.texts("td.status"), ["pending", "pending"]);
    assert!(
        page.texts("td.answer")[1].contains("connection"),
        "{:?}",
        page.texts("td.answer")
    );
    receiver.set(Mode::Accept);
    // The second wait is 2 to 4 seconds.
    app.advance(SignedDuration::from_secs(5)).await;
    let got = receiver.wait_for(4).await;
    assert_eq!(got[0].body, got[1].body, "a retry sends the same body");
    assert_eq!(got[0].body, got[2].body);
    assert_eq!(got[3].json()["item"]["id"], later, "then the later one");
    assert!(
        eventually_async(|| async {
            deliveries(&admin, 1)
                .await
                .iter()
                .all(|d| d.2 == "delivered")
        })
        .await
    );
    assert_eq!(retried().await.3, "3");
    assert_eq!(deliveries(&admin, 1).await[0].3, "1");
}

#[tokio::test]
async fn a_delivery_that_fails_for_a_day_is_given_up() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (admin, chief) = app.signed_in_actor("chief", Role::Admin).await;
    register(&admin, &receiver.url, &["published"]).await;
    receiver.set(Mode::Fail);
    let editor = app.signed_in("editor", Role::Editor).await;
    create(&editor, &article_fields("Never taken", "publish")).await;
    receiver.wait_for(1).await;
    // Read through the use case: sessions do not last the day this takes.
    let newest = || async {
        let (_, listed) = app
            .newsroom
            .webhook_deliveries(&chief, 1)
            .await
            .expect("deliveries");
        let d = listed.into_iter().next().expect("a delivery");
        (d.status, d.attempts)
    };
    let mut seen = 1;
    // Each advance passes the longest wait (an hour), until a day has gone by.
    loop {
        assert!(eventually_async(|| async { newest().await.1 == seen }).await);
        if newest().await.0 == "failed" || seen > 30 {
            break;
        }
        app.advance(SignedDuration::from_mins(61)).await;
        seen += 1;
        receiver
            .wait_for(usize::try_from(seen).expect("small"))
            .await;
    }
    assert_eq!(newest().await.0, "failed");
    // The attempt 24 h 24 min after the first (the 25th) was the last.
    assert_eq!(seen, 25);
}

/// Polls an async `check` every 20 ms until it holds, for at most 15 seconds.
async fn eventually_async<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_hanging_receiver_never_holds_up_publishing_and_later_deliveries_wait_their_turn() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    register(&admin, &receiver.url, &["published"]).await;
    receiver.set(Mode::Hang);
    let editor = app.signed_in("editor", Role::Editor).await;
    let first = create(&editor, &article_fields("First", "publish")).await;
    assert!(
        eventually(|| receiver.hanging() == 1).await,
        "the receiver hangs"
    );
    // Published and answered while the receiver still holds the first delivery.
    let second = create(&editor, &article_fields("Second", "publish")).await;
    app.settle().await;
    assert!(
        app.read.snapshot().item(second).is_some(),
        "the second is public"
    );
    assert_eq!(receiver.hanging(), 1, "still hanging");
    assert_eq!(
        receiver.received().len(),
        1,
        "the second delivery waits for the first"
    );
    receiver.release();
    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].json()["item"]["id"], first);
    assert_eq!(got[1].json()["item"]["id"], second);
}

#[tokio::test]
async fn a_pending_delivery_survives_a_restart_and_a_dead_nodes_lease_runs_out() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let secret = register(&admin, &receiver.url, &["published"]).await;
    receiver.set(Mode::Hang);
    let editor = app.signed_in("editor", Role::Editor).await;
    create(&editor, &article_fields("Across a restart", "publish")).await;
    assert!(eventually(|| receiver.hanging() == 1).await);
    // The server stops mid-attempt, holding the delivery's lease.
    let app = app.restart().await;
    receiver.set(Mode::Accept);
    let admin = app.signed_in("chief2", Role::Admin).await;
    let listed = deliveries(&admin, 1).await;
    assert_eq!(listed[0].2, "pending");
    assert_eq!(
        listed[0].3, "0",
        "the interrupted attempt was never recorded"
    );
    // The dead server's lease runs out by the clock, and the new one delivers.
    app.advance(SignedDuration::from_secs(31)).await;
    let got = receiver.wait_for(2).await;
    assert!(signed_with(&got[1], &secret));
    assert_eq!(got[0].body, got[1].body);
    assert!(eventually_async(|| async { deliveries(&admin, 1).await[0].2 == "delivered" }).await);
    receiver.release();
}

#[tokio::test]
async fn two_nodes_on_one_database_deliver_each_event_once() {
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    let receiver = Receiver::start().await;
    let admin = a.signed_in("chief", Role::Admin).await;
    register(&admin, &receiver.url, &ALL_EVENTS).await;
    let editor_a = a.signed_in("editor-a", Role::Editor).await;
    let editor_b = b.browser();
    let token = csrf_of(&editor_b.get("/newsroom/login").await);
    let signed = editor_b
        .post(
            "/newsroom/login",
            &[
                ("username", "editor-a"),
                ("password", "a long enough password"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let mut ids = Vec::new();
    for n in 0..6 {
        let headline = format!("Item {n}");
        let on = if n % 2 == 0 { &editor_a } else { &editor_b };
        ids.push(create(on, &article_fields(&headline, "publish")).await);
    }
    let got = receiver.wait_for(6).await;
    // Let both workers run a few more rounds: a second copy would come now.
    for _ in 0..3 {
        a.advance(SignedDuration::from_secs(31)).await;
    }
    assert!(
        eventually_async(|| async {
            let admin_page = deliveries(&admin, 1).await;
            admin_page.len() == 6 && admin_page.iter().all(|d| d.2 == "delivered")
        })
        .await
    );
    let got_after = receiver.received();
    assert_eq!(got_after.len(), 6, "{got_after:?}");
    let order: Vec<_> = got.iter().map(|r| r.json()["item"]["id"].clone()).collect();
    assert_eq!(
        order, ids,
        "in the order published, whichever node sent them"
    );
}

#[tokio::test]
async fn redeliver_sends_the_same_body_again_under_a_new_delivery_id() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let secret = register(&admin, &receiver.url, &["published"]).await;
    let editor = app.signed_in("editor", Role::Editor).await;
    create(&editor, &article_fields("Sent twice", "publish")).await;
    receiver.wait_for(1).await;
    assert!(eventually_async(|| async { deliveries(&admin, 1).await[0].2 == "delivered" }).await);
    let delivery = deliveries(&admin, 1).await[0].0;
    let answer = admin
        .submit(
            "/newsroom/webhooks/1",
            &format!("/newsroom/webhooks/1/deliveries/{delivery}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/newsroom/webhooks/1");
    let got = receiver.wait_for(2).await;
    assert!(signed_with(&got[1], &secret));
    let (mut first, mut again) = (got[0].json(), got[1].json());
    assert_ne!(first["delivery"], again["delivery"]);
    assert_eq!(got[1].header("newsline-delivery"), again["delivery"]);
    first["delivery"] = Value::Null;
    again["delivery"] = Value::Null;
    assert_eq!(first, again, "the same body, what the item was then");
    assert!(eventually_async(|| async { deliveries(&admin, 1).await.len() == 2 }).await);
    let audit = admin.get("/newsroom/audit").await;
    assert!(audit.body.contains("webhook redelivery"));
    assert!(audit.body.contains("webhook added"));
}

#[tokio::test]
async fn a_bad_webhook_is_refused_with_what_was_typed_kept() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let long = format!("https://hooks.example/{}", "a".repeat(2000));
    let cases: [(&str, &[&str], &str); 5] = [
        ("ftp://hooks.example/x", &["published"], "http"),
        (
            "https://me:secret@hooks.example/x",
            &["published"],
            "password",
        ),
        ("not an address", &["published"], "whole address"),
        (&long, &["published"], "too long"),
        ("https://hooks.example/x", &[], "at least one event"),
    ];
    for (url, events, says) in cases {
        let mut form = vec![("url", url)];
        form.extend(events.iter().map(|e| (*e, "on")));
        let page = admin
            .submit("/newsroom/webhooks", "/newsroom/webhooks", &form)
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let error = page.texts(".form-error").join(" ");
        assert!(error.contains(says), "{url}: {error}");
        assert!(page.texts(".token-secret").is_empty());
        if url.len() < 100 {
            assert_eq!(input_value(&page, "url"), url, "what was typed comes back");
        }
        let checked = scraper::Selector::parse("input[name=updated]").expect("selector");
        assert!(
            page.html()
                .select(&checked)
                .all(|i| i.value().attr("checked").is_none()),
            "a box left empty stays empty"
        );
    }
    let page = admin.get("/newsroom/webhooks").await;
    assert!(
        page.texts("tr[id^=webhook-]").is_empty(),
        "nothing was added"
    );
}

/// A request a role may or may not make: method, path and form fields.
type Attempt<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

#[tokio::test]
async fn only_admins_manage_webhooks_and_every_form_needs_its_token() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    register(&admin, &receiver.url, &["published"]).await;
    let editor = app.signed_in("editor", Role::Editor).await;
    create(&editor, &article_fields("Announced", "publish")).await;
    receiver.wait_for(1).await;
    let delivery = deliveries(&admin, 1).await[0].0;
    let redeliver = format!("/newsroom/webhooks/1/deliveries/{delivery}/redeliver");
    let url = receiver.url.clone();
    let actions: [Attempt; 6] = [
        ("GET", "/newsroom/webhooks", vec![]),
        ("GET", "/newsroom/webhooks/1", vec![]),
        (
            "POST",
            "/newsroom/webhooks",
            vec![("url", url.as_str()), ("published", "on")],
        ),
        ("POST", redeliver.as_str(), vec![]),
        (
            "POST",
            "/newsroom/webhooks/1/active",
            vec![("active", "no")],
        ),
        ("POST", "/newsroom/webhooks/1/delete", vec![]),
    ];
    for (name, role) in [("reporter", Role::Reporter), ("other-editor", Role::Editor)] {
        let browser = app.signed_in(name, role).await;
        let desk = browser.get("/newsroom").await;
        assert!(
            !desk
                .hrefs("nav a")
                .contains(&"/newsroom/webhooks".to_owned()),
            "no link for {name}"
        );
        for (method, path, form) in &actions {
            let answer = if *method == "GET" {
                browser.get(path).await
            } else {
                browser.submit("/newsroom", path, form).await
            };
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{name} {method} {path}"
            );
        }
    }
    let page = admin.get("/newsroom/webhooks").await;
    assert_eq!(page.texts("tr[id^=webhook-]").len(), 1, "nothing changed");
    assert_eq!(page.texts("td.state"), ["active"]);
    assert_eq!(
        deliveries(&admin, 1).await.len(),
        1,
        "nothing was redelivered"
    );

    // An admin's forms without the session's token are refused alike.
    for (method, path, form) in actions.iter().filter(|a| a.0 == "POST") {
        let mut without = form.clone();
        without.push(("csrf", "not-the-token"));
        let answer = admin.post(path, &without).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    let page = admin.get("/newsroom/webhooks").await;
    assert_eq!(page.texts("tr[id^=webhook-]").len(), 1, "nothing changed");
    assert_eq!(deliveries(&admin, 1).await.len(), 1);

    // And with it, an admin may do each.
    let desk = admin.get("/newsroom").await;
    assert!(
        desk.hrefs("nav a")
            .contains(&"/newsroom/webhooks".to_owned())
    );
    for (method, path, form) in &actions {
        let answer = if *method == "GET" {
            admin.get(path).await
        } else {
            admin.submit("/newsroom/webhooks", path, form).await
        };
        assert!(
            matches!(answer.status, StatusCode::OK | StatusCode::SEE_OTHER),
            "admin {method} {path}: {}",
            answer.status
        );
    }
    assert_eq!(
        admin.get("/newsroom/webhooks/1").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_paused_webhook_is_sent_nothing_until_resumed() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    register(&admin, &receiver.url, &["published"]).await;
    receiver.set(Mode::Fail);
    let editor = app.signed_in("editor", Role::Editor).await;
    create(&editor, &article_fields("Queued", "publish")).await;
    receiver.wait_for(1).await;
    assert!(eventually_async(|| async { deliveries(&admin, 1).await[0].3 == "1" }).await);
    let paused = admin
        .submit(
            "/newsroom/webhooks",
            "/newsroom/webhooks/1/active",
            &[("active", "no")],
        )
        .await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER);
    receiver.set(Mode::Accept);
    create(&editor, &article_fields("While paused", "publish")).await;
    app.advance(SignedDuration::from_mins(5)).await;
    assert_eq!(
        deliveries(&admin, 1).await.len(),
        1,
        "nothing is queued for a paused webhook"
    );
    admin
        .submit(
            "/newsroom/webhooks",
            "/newsroom/webhooks/1/active",
            &[("active", "yes")],
        )
        .await;
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].json()["item"]["headline"], "Queued");
}
