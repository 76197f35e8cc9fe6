//! `/metrics`: counted by route, read by a real parser of the text format, shown only
//! to the addresses the settings allow.

use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};
use reqwest::StatusCode;

use crate::support::*;

type Exposition = MetricsExposition<PrometheusType, PrometheusValue>;

async fn scrape(app: &TestApp) -> Exposition {
    let page = app.get("/metrics").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.header("content-type")
            .starts_with("text/plain; version=0.0.4"),
        "{}",
        page.header("content-type")
    );
    assert_eq!(page.header("cache-control"), "no-store");
    assert_eq!(page.header("x-cache"), "", "never from the page cache");
    parse_prometheus(&page.body).unwrap_or_else(|e| panic!("{e:?} in\n{}", page.body))
}

/// The value of the sample of `family` with these label values (in the family's
/// label order); 0 when there is no such sample yet (a family with no samples is
/// left out).
fn value(metrics: &Exposition, family: &str, labels: &[&str]) -> f64 {
    let Some(family) = metrics.families.get(family) else {
        return 0.0;
    };
    let labels: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
    match family.get_sample_by_label_values(&labels).map(|s| &s.value) {
        None => 0.0,
        Some(PrometheusValue::Counter(c)) => c.value.as_f64(),
        Some(PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n)) => n.as_f64(),
        Some(other) => panic!("{other:?} is not a number"),
    }
}

/// The histogram sample of `family` with these label values.
fn histogram(
    metrics: &Exposition,
    family: &str,
    labels: &[&str],
) -> openmetrics_parser::HistogramValue {
    let family = metrics
        .families
        .get(family)
        .unwrap_or_else(|| panic!("no family {family}"));
    let labels: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
    match family.get_sample_by_label_values(&labels).map(|s| &s.value) {
        Some(PrometheusValue::Histogram(h)) => h.clone(),
        other => panic!("{other:?} is not a histogram sample"),
    }
}

const NEWS: &str = "/{edition}/news";
const REQUESTS: &str = "newsline_http_requests_total";

#[tokio::test]
async fn requests_are_counted_by_route_and_cache_hits_and_misses_move() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "A brief",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    app.settle().await;
    let before = scrape(&app).await;

    let first = app.get("/en/news").await;
    assert_eq!(first.header("x-cache"), "miss");
    let second = app.get("/en/news").await;
    assert_eq!(second.header("x-cache"), "hit");
    assert_eq!(app.get("/en/no/such/page/here").await.status, 404);
    assert_eq!(app.get("/en/search?q=brief").await.status, StatusCode::OK);
    assert_eq!(
        app.get("/en/search/suggest?q=bri").await.status,
        StatusCode::OK
    );
    assert_eq!(app.get("/api/v1/items/999999").await.status, 404);
    assert_eq!(app.get("/api/v1/no/such/thing").await.status, 404);
    let after = scrape(&app).await;
    assert_eq!(
        value(&after, REQUESTS, &["/api/v1/items/{id}", "404"]),
        1.0,
        "nested routes by their whole template"
    );

    let counted = |m: &Exposition| value(m, REQUESTS, &[NEWS, "200"]);
    assert_eq!(
        counted(&after) - counted(&before),
        2.0,
        "the miss and the hit answered before the router both count under the route"
    );
    assert_eq!(
        value(&after, REQUESTS, &["unmatched", "404"])
            - value(&before, REQUESTS, &["unmatched", "404"]),
        2.0,
        "a page and an API address that match no route count together"
    );
    assert!(
        after.families[REQUESTS]
            .iter_samples()
            .all(|s| !format!("{s:?}").contains("/en/")),
        "routes are templates, never paths"
    );
    assert!(value(&after, REQUESTS, &["/metrics", "200"]) >= 1.0);

    let latency = histogram(&after, "newsline_http_request_duration_seconds", &[NEWS]);
    assert!(latency.buckets.len() > 5, "{latency:?}");
    assert!(latency.count.unwrap_or_default() >= 2);
    assert!(latency.buckets.iter().any(|b| b.upper_bound.is_infinite()));

    let hits = "newsline_page_cache_hits_total";
    let misses = "newsline_page_cache_misses_total";
    assert!(value(&after, hits, &[]) > value(&before, hits, &[]));
    assert!(value(&after, misses, &[]) > value(&before, misses, &[]));
    assert!(value(&after, "newsline_page_cache_bytes", &[]) > 0.0);

    let search = histogram(&after, "newsline_search_duration_seconds", &["results"]);
    assert_eq!(search.count, Some(1));
    let suggest = histogram(&after, "newsline_search_duration_seconds", &["suggestions"]);
    assert_eq!(suggest.count, Some(1));

    assert!(value(&after, "newsline_read_model_applied_seq", &[]) > 0.0);
    assert_eq!(value(&after, "newsline_change_log_lag", &[]), 0.0);
    let apply = histogram(&after, "newsline_change_log_apply_seconds", &[]);
    assert!(apply.count.unwrap_or_default() >= 1, "{apply:?}");
    assert_eq!(value(&after, "newsline_database_up", &[]), 1.0);
    assert_eq!(
        value(&after, "newsline_db_connections_max", &["primary"]),
        8.0
    );
    assert!(value(&after, "newsline_db_connections", &["primary", "idle"]) >= 1.0);
}

#[tokio::test]
async fn open_streams_and_waiting_queues_are_read_when_scraped() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("chief", newsline::domain::Role::Admin).await;
    // Nothing listens on port 1: the delivery fails and waits for its retry.
    let form = [("url", "http://127.0.0.1:1/hook"), ("published", "on")];
    let page = admin
        .submit("/newsroom/webhooks", "/newsroom/webhooks", &form)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    app.file(filings(vec![brief(
        "Heard by a webhook",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    app.settle().await;
    let stories = newsline::import::feed::parse(
        b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>\
          <link>https://wire.example/</link><description>News</description>\
          <item><title>Ferry resumes</title><guid isPermaLink=\"false\">w1</guid>\
          <link>https://wire.example/w1</link></item></channel></rss>",
    )
    .expect("a feed")
    .stories;
    app.newsroom
        .file_wire_copy(
            &newsline::newsroom::Actor::system("wire"),
            &newsline::domain::SourceName::parse("Caspian Wire").expect("name"),
            None,
            &newsline::domain::EditionCode::parse("en").expect("code"),
            &stories,
        )
        .await
        .expect("filed");
    let stream = app
        .client
        .get(format!("{}/en/live", app.address))
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(stream.status(), StatusCode::OK);

    let metrics = scrape(&app).await;
    assert_eq!(value(&metrics, "newsline_live_streams_open", &[]), 1.0);
    assert_eq!(
        value(&metrics, "newsline_webhook_deliveries_pending", &[]),
        1.0
    );
    assert_eq!(value(&metrics, "newsline_wire_copy_waiting", &[]), 1.0);
    drop(stream);
}

#[tokio::test]
async fn an_address_not_on_the_allow_list_is_told_there_are_no_metrics() {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.set("metrics.allow", "10.0.0.0/8").expect("valid");
    })
    .await;
    let refused = app.get("/metrics").await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!refused.body.contains("newsline_"), "{}", refused.body);
    let unknown = app.get("/metricz").await;
    assert_eq!(
        refused.body.replace("/metrics", ""),
        unknown.body.replace("/metricz", ""),
        "the same answer as any address that does not exist"
    );
}

#[tokio::test]
async fn a_request_forwarded_by_a_proxy_not_trusted_is_refused_even_from_loopback() {
    // A proxy on the same machine that nobody listed: every reader it forwards
    // connects from loopback.
    let app = TestApp::spawn().await;
    let forwarded = app
        .client
        .get(format!("{}/metrics", app.address))
        .header("x-forwarded-for", "198.51.100.7")
        .send()
        .await
        .expect("answered");
    assert_eq!(forwarded.status(), StatusCode::NOT_FOUND);
    let forwarded = app
        .client
        .get(format!("{}/metrics", app.address))
        .header("forwarded", "for=198.51.100.7")
        .send()
        .await
        .expect("answered");
    assert_eq!(forwarded.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/metrics").await.status, StatusCode::OK);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_the_one_checked() {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.set("trusted_proxies", "127.0.0.1").expect("valid");
        s.set("metrics.allow", "192.0.2.0/24").expect("valid");
    })
    .await;
    let from = |client: &'static str| {
        app.client
            .get(format!("{}/metrics", app.address))
            .header("x-forwarded-for", client)
            .send()
    };
    let allowed = from("192.0.2.9").await.expect("answered");
    assert_eq!(allowed.status(), StatusCode::OK);
    let other = from("198.51.100.7").await.expect("answered");
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/metrics").await.status,
        StatusCode::NOT_FOUND,
        "the proxy itself is not on the list"
    );
}

/// A second node that looks at the change log once an hour falls behind on SQLite,
/// where nothing tells it of another node's writes; its lag says by how much.
#[tokio::test]
async fn a_node_behind_the_change_log_shows_its_lag() {
    let app = TestApp::spawn().await;
    let slow =
        TestApp::spawn_with_clock(app.db.shared_with_another_node(), app.clock.clone(), |s| {
            s.poll_interval = std::time::Duration::from_secs(3600)
        })
        .await;
    assert_eq!(
        value(&scrape(&slow).await, "newsline_change_log_lag", &[]),
        0.0
    );
    app.file(filings(vec![
        brief("One elsewhere", "politics", "2025-05-21T10:00:00Z"),
        brief("Two elsewhere", "politics", "2025-05-21T10:01:00Z"),
    ]))
    .await;
    if on_postgres() {
        // PostgreSQL announces every commit to every node: it catches up at once.
        slow.settle().await;
        assert_eq!(
            value(&scrape(&slow).await, "newsline_change_log_lag", &[]),
            0.0
        );
        return;
    }
    app.clock.advance(jiff::SignedDuration::from_secs(7));
    let behind = scrape(&slow).await;
    assert!(value(&behind, "newsline_change_log_lag", &[]) >= 1.0);
    assert!(value(&behind, "newsline_change_log_lag_seconds", &[]) >= 7.0);
    assert_eq!(
        value(&scrape(&app).await, "newsline_change_log_lag", &[]),
        0.0
    );
}
