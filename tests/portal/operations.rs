//! What operators rely on: health and readiness answers, and commits that are
//! durable on every connection.

use std::time::Duration;

use newsline::store::Durability;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::*;

#[tokio::test]
async fn every_connection_commits_durably() {
    let app = TestApp::spawn().await;
    let found = app.store.durability().await.expect("settings read");
    assert!(found.len() >= 8, "{found:?}");
    for d in found {
        match d {
            Durability::Sqlite {
                synchronous,
                journal_mode,
            } => {
                assert!(!on_postgres());
                assert_eq!(synchronous, 2, "synchronous = FULL");
                assert_eq!(journal_mode, "wal");
            }
            Durability::Postgres { synchronous_commit } => {
                assert!(on_postgres());
                assert_eq!(synchronous_commit, "on");
            }
        }
    }
}

#[tokio::test]
async fn health_answers_while_the_process_runs_and_readiness_follows_the_change_log() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, "ok\n");
    assert_eq!(health.header("cache-control"), "no-store");

    app.file(filings(vec![brief(
        "A brief",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    let body: Value = serde_json::from_str(&ready.body).expect("json");
    assert_eq!(body["ready"], true);
    assert_eq!(body["database"], true);
    assert_eq!(body["applied_seq"], body["latest_seq"]);
    assert!(body["latest_seq"].as_i64().expect("seq") > 0);
}

/// A second node that only looks at the change log once an hour: on SQLite nothing
/// else tells it of another node's writes, so it falls behind, and readiness must
/// say so once the first unapplied change is older than a few seconds.
#[tokio::test]
async fn a_node_behind_the_change_log_is_not_ready() {
    let app = TestApp::spawn().await;
    let slow =
        TestApp::spawn_with_clock(app.db.shared_with_another_node(), app.clock.clone(), |s| {
            s.poll_interval = Duration::from_secs(3600);
        })
        .await;
    assert_eq!(slow.get("/readyz").await.status, StatusCode::OK);
    app.file(filings(vec![brief(
        "Written elsewhere",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    if on_postgres() {
        // PostgreSQL announces every commit to every node: it catches up at once.
        slow.settle().await;
        assert_eq!(slow.get("/readyz").await.status, StatusCode::OK);
        return;
    }
    // Behind, but only just: still ready.
    let fresh = slow.get("/readyz").await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    app.clock.advance(jiff::SignedDuration::from_secs(6));
    let stale = slow.get("/readyz").await;
    assert_eq!(
        stale.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        stale.body
    );
    let body: Value = serde_json::from_str(&stale.body).expect("json");
    assert_eq!(body["ready"], false);
    assert!(body["applied_seq"].as_i64() < body["latest_seq"].as_i64());
    assert!(body["lag_seconds"].as_f64().expect("lag") >= 6.0);
    // The node that wrote is caught up and stays ready.
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}

/// What `path` answers with `x-request-id: sent` (none when `None`): status and id.
async fn request_id_of(app: &TestApp, path: &str, sent: Option<&str>) -> (StatusCode, String) {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(id) = sent {
        request = request.header("x-request-id", id);
    }
    let response = request.send().await.expect("answered");
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), id)
}

fn plain(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

#[tokio::test]
async fn every_answer_carries_a_request_id_pages_errors_and_cache_hits_alike() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "A brief",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let mut seen = Vec::new();
    for (path, status) in [
        ("/en/news", StatusCode::OK),
        ("/en/news", StatusCode::OK),
        ("/no/such/page/at/all", StatusCode::NOT_FOUND),
        ("/en/nothing-here", StatusCode::NOT_FOUND),
        ("/api/v1/items/999999", StatusCode::NOT_FOUND),
        ("/api/v1/items?cursor=not-a-cursor", StatusCode::BAD_REQUEST),
    ] {
        let (got, id) = request_id_of(&app, path, None).await;
        assert_eq!(got, status, "{path}");
        assert!(plain(&id), "{path}: {id:?}");
        assert!(!seen.contains(&id), "{path}: a new id for each request");
        seen.push(id);
    }
    let page = app.get("/en/news").await;
    assert_eq!(page.header("x-cache"), "hit");
    let not_modified = app
        .client
        .get(format!("{}/en/news", app.address))
        .header("if-none-match", page.header("etag"))
        .send()
        .await
        .expect("answered");
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert!(not_modified.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn a_plain_request_id_from_the_client_is_kept_and_any_other_replaced() {
    let app = TestApp::spawn().await;
    let kept = "0f8fad5b-d9cb-469f-a165-70867728950e";
    for path in ["/en/", "/en/", "/no/such/page/at/all", "/api/v1/items/1"] {
        let (_, id) = request_id_of(&app, path, Some(kept)).await;
        assert_eq!(id, kept, "{path}");
    }
    let twice = app
        .client
        .get(format!("{}/en/", app.address))
        .header("x-request-id", "first")
        .header("x-request-id", "second")
        .send()
        .await
        .expect("answered");
    let id = twice.headers()["x-request-id"].to_str().expect("ascii");
    assert!(
        id != "first" && id != "second" && plain(id),
        "an id sent twice is neither: {id}"
    );
    let long = "a".repeat(65);
    for sent in ["two words", "quote\"brace}", long.as_str(), "ünïcode"] {
        for path in ["/en/", "/no/such/page/at/all"] {
            let mut request = app.client.get(format!("{}{path}", app.address));
            request = request.header(
                "x-request-id",
                reqwest::header::HeaderValue::from_bytes(sent.as_bytes()).expect("header"),
            );
            let response = request.send().await.expect("answered");
            let id = response.headers()["x-request-id"]
                .to_str()
                .expect("ascii")
                .to_owned();
            assert_ne!(id, sent, "{path}: {sent:?}");
            assert!(plain(&id), "{path}: {id:?}");
        }
    }
}

#[tokio::test]
async fn with_json_logs_each_line_is_json_and_a_requests_lines_carry_its_id() {
    let db = Database::fresh();
    let mut args = db.flags();
    args.extend(["serve".into(), "--address".into(), "127.0.0.1:0".into()]);
    let server = ServerProcess::start_with_env(
        &args,
        &[
            ("NEWSLINE_LOG_FORMAT", "json"),
            // The request's span is at INFO; tower-http says each answer at DEBUG.
            ("NEWSLINE_LOG", "warn,newsline=info,tower_http=debug"),
        ],
    )
    .await;
    let id = "trace-4f2a9c";
    let answer = reqwest::Client::new()
        .get(format!("{}/no/such/page/at/all", server.address))
        .header("x-request-id", id)
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    assert_eq!(answer.headers()["x-request-id"], id);
    // The server wrote the line before answering; this process's reader thread may
    // not have read it yet.
    let mut carried = None;
    for _ in 0..250 {
        carried = server
            .stderr_lines()
            .into_iter()
            // The start-up banner is for people, whatever the log format.
            .filter(|line| !line.starts_with("Newsline is serving"))
            .map(|line| {
                serde_json::from_str::<Value>(&line)
                    .unwrap_or_else(|e| panic!("{e}: a log line is not JSON: {line}"))
            })
            .find(|line| line["span"]["request_id"] == id);
        if carried.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let line =
        carried.unwrap_or_else(|| panic!("no line with the id in {:?}", server.stderr_lines()));
    assert_eq!(line["span"]["uri"], "/no/such/page/at/all");
    assert!(
        line["level"].is_string() && line["timestamp"].is_string(),
        "{line}"
    );
}
