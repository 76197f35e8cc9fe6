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
