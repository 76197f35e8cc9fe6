//! What one client, and all of them together, may hold: slow and half-sent requests
//! are cut off, connections and live streams are capped, over-long requests are
//! refused, and uploads wait their turn. After every refusal the server still serves.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use newsline::domain::Role;
use newsline::newsroom::{Batch, Button, ItemForm};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::*;

/// Longest any refusal or timeout below may take to show; far above the settings used.
const PATIENCE: Duration = Duration::from_secs(20);

fn server_addr(app: &TestApp) -> SocketAddr {
    app.address
        .trim_start_matches("http://")
        .parse()
        .expect("a socket address")
}

/// A connection to the server from the loopback address `from` (127.0.0.x).
async fn connect_from(app: &TestApp, from: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::from((from, 0)))
        .expect("bind a loopback source");
    socket.connect(server_addr(app)).await.expect("connects")
}

async fn connect(app: &TestApp) -> TcpStream {
    connect_from(app, [127, 0, 0, 1]).await
}

/// Everything the server sends until it closes the connection.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received))
        .await
        .expect("the server closes the connection in time")
        .ok();
    String::from_utf8_lossy(&received).into_owned()
}

/// Sends `request` on a fresh connection from `from` and reads the whole answer.
async fn exchange_from(app: &TestApp, from: [u8; 4], request: &str) -> String {
    let mut stream = connect_from(app, from).await;
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request sent");
    read_until_closed(&mut stream).await
}

fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

/// The server still answers an ordinary page request.
async fn still_serves(app: &TestApp) {
    let home = app.get("/en/").await;
    assert_eq!(home.status, StatusCode::OK, "the server is healthy");
}

/// Waits until `check` passes, for state that frees when the server sees a close.
async fn eventually(mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition never held"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn spawn_with(tune: impl FnOnce(&mut newsline::config::Settings)) -> TestApp {
    let app = TestApp::spawn_with(Database::fresh(), tune).await;
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: vec![brief("Morning brief", "politics", "2025-05-01T08:00:00Z")],
    })
    .await;
    app
}

#[tokio::test]
async fn half_sent_requests_are_dropped_after_the_header_timeout() {
    let app = spawn_with(|s| s.set("limits.header_timeout_secs", "1").expect("valid")).await;
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut stream = connect(&app).await;
        stream
            .write_all(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: ")
            .await
            .expect("half a request");
        slow.push(stream);
    }
    // A connection that never sends a byte is dropped the same way.
    slow.push(connect(&app).await);
    for stream in &mut slow {
        let answer = read_until_closed(stream).await;
        assert!(!answer.contains("200 OK"), "{answer}");
    }
    still_serves(&app).await;
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let app = spawn_with(|s| s.set("limits.header_timeout_secs", "1").expect("valid")).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .expect("request sent");
    // The answer, then the close when no second request follows.
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    still_serves(&app).await;
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_cut_off_with_408() {
    let app = spawn_with(|s| s.set("limits.request_timeout_secs", "1").expect("valid")).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(
            b"POST /newsroom/login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 1000\r\n\r\nusername=a",
        )
        .await
        .expect("head and a little body");
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    still_serves(&app).await;
}

#[tokio::test]
async fn an_api_body_sent_too_slowly_is_a_408_problem() {
    let app = spawn_with(|s| s.set("limits.request_timeout_secs", "1").expect("valid")).await;
    app.actor("wren", newsline::domain::Role::Reporter).await;
    let token = app
        .newsroom
        .create_token(
            None,
            &newsline::newsroom::TokenRequest {
                owner: "wren".into(),
                name: newsline::domain::TokenName::parse("slow").expect("a name"),
                scopes: newsline::domain::TokenScopes::WRITE,
                lifetime: newsline::domain::TokenLifetime::days(1).expect("a lifetime"),
            },
        )
        .await
        .expect("token made")
        .secret;
    let mut stream = connect(&app).await;
    let head = format!(
        "POST /api/v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"headline\""
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("head and a little body");
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(answer.contains("\"status\":408"), "{answer}");
    still_serves(&app).await;
}

#[tokio::test]
async fn connections_beyond_the_per_address_cap_get_503_while_other_addresses_are_served() {
    let app = spawn_with(|s| {
        s.set("limits.max_connections_per_address", "3")
            .expect("valid");
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect(&app).await);
    }
    let refused = exchange_from(&app, [127, 0, 0, 1], &get("/en/", "127.0.0.1")).await;
    assert!(
        refused.starts_with("HTTP/1.1 503"),
        "over the cap: {refused}"
    );
    assert!(refused.contains("retry-after: 5"), "{refused}");
    let other = exchange_from(&app, [127, 0, 0, 2], &get("/en/", "127.0.0.1")).await;
    assert!(
        other.starts_with("HTTP/1.1 200"),
        "another address: {other}"
    );

    drop(held);
    eventually(async || {
        exchange_from(&app, [127, 0, 0, 1], &get("/en/", "127.0.0.1"))
            .await
            .starts_with("HTTP/1.1 200")
    })
    .await;
    still_serves(&app).await;
}

#[tokio::test]
async fn connections_beyond_the_total_cap_get_503() {
    let app = spawn_with(|s| s.set("limits.max_connections", "2").expect("valid")).await;
    let held = [
        connect_from(&app, [127, 0, 0, 2]).await,
        connect_from(&app, [127, 0, 0, 3]).await,
    ];
    let refused = exchange_from(&app, [127, 0, 0, 4], &get("/en/", "127.0.0.1")).await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    drop(held);
    eventually(async || {
        app.client
            .get(format!("{}/en/", app.address))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
    })
    .await;
}

/// Opens `/en/live` from `from` and returns the stream once its head is read.
async fn open_stream(app: &TestApp, from: [u8; 4]) -> (TcpStream, String) {
    let mut stream = connect_from(app, from).await;
    stream
        .write_all(get("/en/live", "127.0.0.1").as_bytes())
        .await
        .expect("sent");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut byte))
            .await
            .expect("a head in time")
            .expect("read");
        assert!(n > 0, "closed before the head");
        head.push(byte[0]);
    }
    (stream, String::from_utf8_lossy(&head).into_owned())
}

#[tokio::test]
async fn live_streams_are_capped_per_address_and_in_total() {
    let app = spawn_with(|s| {
        s.set("limits.max_streams_per_address", "2").expect("valid");
        s.set("limits.max_streams", "3").expect("valid");
    })
    .await;
    let (first, head) = open_stream(&app, [127, 0, 0, 1]).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (_second, head) = open_stream(&app, [127, 0, 0, 1]).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");

    let refused = app.get("/en/live").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("retry-after"), "5");
    assert!(
        refused.body.contains("<html") && refused.body.contains("live news lines"),
        "the site's error page says why: {}",
        refused.body
    );

    let (_third, head) = open_stream(&app, [127, 0, 0, 2]).await;
    assert!(head.starts_with("HTTP/1.1 200"), "another address: {head}");
    let (_, head) = open_stream(&app, [127, 0, 0, 3]).await;
    assert!(head.starts_with("HTTP/1.1 503"), "over the total: {head}");

    // A reader leaving frees its place.
    drop(first);
    eventually(async || {
        open_stream(&app, [127, 0, 0, 1])
            .await
            .1
            .starts_with("HTTP/1.1 200")
    })
    .await;
    still_serves(&app).await;
}

#[tokio::test]
async fn an_open_stream_keeps_no_old_snapshot_alive() {
    let app = spawn_with(|_| {}).await;
    let actor = app.actor("stream-editor", Role::Editor).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let opened_on = Arc::downgrade(&app.read.snapshot());
    let response = app
        .client
        .get(format!("{}/en/live", app.address))
        .send()
        .await
        .expect("stream opens");
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.bytes_stream();

    app.newsroom
        .create_item(
            &actor,
            &ItemForm {
                edition: "en".into(),
                kind: "brief".into(),
                headline: "Fresh news".into(),
                section: "politics".into(),
                ..ItemForm::default()
            }
            .command(Button::Publish, &zone)
            .expect("a valid form"),
        )
        .await
        .expect("published");
    app.settle().await;
    // The stream is alive and rendered the event from the current snapshot.
    let mut seen = String::new();
    while !seen.contains("Fresh news") {
        let chunk = tokio::time::timeout(PATIENCE, body.next())
            .await
            .expect("an event in time")
            .expect("stream open")
            .expect("chunk");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        opened_on.upgrade().is_none(),
        "the snapshot the stream opened on is gone while the stream stays open"
    );
    drop(body);
}

#[tokio::test]
async fn over_long_addresses_get_414_and_over_large_headers_431() {
    let app = spawn_with(|_| {}).await;
    let long = format!("/en/{}", "a".repeat(9 * 1024));
    let page = app.get(&long).await;
    assert_eq!(page.status, StatusCode::URI_TOO_LONG);
    assert!(page.body.contains("8192 bytes"), "{}", page.body);

    let big_header = format!(
        "GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: {}\r\n\r\n",
        "b".repeat(20 * 1024)
    );
    let answer = exchange_from(&app, [127, 0, 0, 1], &big_header).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");

    let many: String = (0..100).map(|i| format!("X-Junk-{i}: x\r\n")).collect();
    let answer = exchange_from(
        &app,
        [127, 0, 0, 1],
        &format!("GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n"),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    still_serves(&app).await;
}

#[tokio::test]
async fn with_a_base_url_another_host_is_misdirected() {
    let app = spawn_with(|s| {
        s.set("site.base_url", "https://news.example")
            .expect("valid");
    })
    .await;
    let answer = exchange_from(&app, [127, 0, 0, 1], &get("/en/", "evil.example")).await;
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    let answer = exchange_from(&app, [127, 0, 0, 1], &get("/en/", "news.example")).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("https://news.example/en/"),
        "links follow the base URL"
    );
    // Once the page is cached, a hit is answered before the router: the Host check
    // must hold there too.
    let answer = exchange_from(&app, [127, 0, 0, 1], &get("/en/", "news.example")).await;
    assert!(
        answer.to_ascii_lowercase().contains("x-cache: hit"),
        "{answer}"
    );
    let answer = exchange_from(&app, [127, 0, 0, 1], &get("/en/", "evil.example")).await;
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    still_serves(&app).await;
}

/// A PNG made in memory, large enough that processing it takes a while.
fn png(width: u32, height: u32, seed: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|i| ((i + seed) % 251) as u8)
        .collect();
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .expect("png");
    bytes
}

/// A PNG whose header claims `width` × `height` with hardly any data behind it.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(&body);
        let mut out = u32::try_from(data.len())
            .expect("small")
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc.sum().to_be_bytes());
        out
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(chunk(b"IHDR", &ihdr));
    bytes.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    bytes.extend(chunk(b"IEND", &[]));
    bytes
}

#[tokio::test]
async fn uploads_beyond_the_workers_and_queue_get_503_and_bombs_a_clear_refusal() {
    let app = spawn_with(|s| {
        s.set("limits.upload_workers", "1").expect("valid");
        s.set("limits.upload_queue", "0").expect("valid");
    })
    .await;
    let reporter = app.signed_in("uploader", Role::Reporter).await;

    let bomb = upload(&reporter, png_bomb(8000, 5000), "bomb.png", "A bomb").await;
    assert_eq!(bomb.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bomb.body.contains("8000×5000 pixels"), "{}", bomb.body);

    let answers = futures_util::future::join_all((0..6).map(|i| {
        let reporter = &reporter;
        async move {
            let alt = format!("Hall {i}");
            upload(reporter, png(900, 600, i), "hall.png", &alt).await
        }
    }))
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert!(statuses.contains(&StatusCode::SEE_OTHER), "{statuses:?}");
    let busy: Vec<&Fetched> = answers
        .iter()
        .filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(!busy.is_empty(), "one worker, no queue: {statuses:?}");
    assert!(busy.iter().all(|a| a.header("retry-after") == "5"));
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );
    // A refused upload stored nothing; the worker is free again afterwards.
    let stored = app.newsroom.media(200).await.expect("media list").len();
    assert_eq!(
        stored,
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count()
    );
    let next = upload(&reporter, png(200, 100, 99), "small.png", "Small").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);
    still_serves(&app).await;
}
