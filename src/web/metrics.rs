//! `/metrics`: what this node is doing, in the Prometheus text format, for the
//! addresses the settings allow; to anyone else it does not exist (404).
//!
//! Requests are counted by route template, never by path, so the number of series
//! stays fixed however many addresses readers invent. Queues, lag, streams and pools
//! are read when scraped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use super::AppState;
use super::client::ClientAddr;
use super::error::PageError;

/// The route a page answered from the cache was rendered for, set on the response by
/// the cache so that the hit is counted under it.
#[derive(Debug, Clone)]
pub struct RouteOfHit(pub Arc<str>);

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: Arc<str>,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: Arc<str>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SearchLabels {
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolName {
    pool: &'static str,
}

/// What a search is timed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    /// A results page or its JSON.
    Results,
    /// Completions while a reader types.
    Suggestions,
}

/// Seconds, from a cache hit's fraction of a millisecond to a slow render.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The node's instruments and the registry they are read from.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    searches: Family<SearchLabels, Histogram, fn() -> Histogram>,
    apply: Histogram,
    /// The label of requests that matched no route.
    unmatched: Arc<str>,
    cache_bytes: Gauge,
    cache_pages: Gauge,
    applied_seq: Gauge,
    lag: Gauge,
    lag_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    streams: Gauge,
    webhook_deliveries: Gauge,
    wire_copy: Gauge,
    database_up: Gauge,
    connections: Family<PoolLabels, Gauge>,
    connections_max: Family<PoolName, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Instruments for a node whose page cache is `cache`.
    pub fn new(cache: &super::cache::PageCache) -> Self {
        let mut registry = Registry::with_prefix("newsline");
        let metrics = Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
            searches: Family::new_with_constructor(latency_histogram),
            apply: latency_histogram(),
            unmatched: Arc::from("unmatched"),
            cache_bytes: Gauge::default(),
            cache_pages: Gauge::default(),
            applied_seq: Gauge::default(),
            lag: Gauge::default(),
            lag_seconds: Gauge::default(),
            streams: Gauge::default(),
            webhook_deliveries: Gauge::default(),
            wire_copy: Gauge::default(),
            database_up: Gauge::default(),
            connections: Family::default(),
            connections_max: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "Requests answered, by route template and status",
            metrics.requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer a request, to its headers, by route template",
            Unit::Seconds,
            metrics.latency.clone(),
        );
        registry.register(
            "page_cache_hits",
            "Requests answered from the page cache",
            cache.hits.clone(),
        );
        registry.register(
            "page_cache_misses",
            "Requests the page cache was asked for and did not hold, so rendered",
            cache.misses.clone(),
        );
        registry.register_with_unit(
            "page_cache",
            "Memory the page cache holds",
            Unit::Bytes,
            metrics.cache_bytes.clone(),
        );
        registry.register(
            "page_cache_pages",
            "Pages the page cache holds",
            metrics.cache_pages.clone(),
        );
        registry.register(
            "read_model_applied_seq",
            "The last change-log entry this node's read model reflects",
            metrics.applied_seq.clone(),
        );
        registry.register(
            "change_log_lag",
            "Change-log entries written but not yet applied to this node's read model",
            metrics.lag.clone(),
        );
        registry.register_with_unit(
            "change_log_lag",
            "How long the oldest change not yet applied here has waited",
            Unit::Seconds,
            metrics.lag_seconds.clone(),
        );
        registry.register_with_unit(
            "change_log_apply",
            "Time to apply one batch of the change log to the read model",
            Unit::Seconds,
            metrics.apply.clone(),
        );
        registry.register(
            "live_streams_open",
            "Live news line streams open on this node",
            metrics.streams.clone(),
        );
        registry.register_with_unit(
            "search_duration",
            "Time to run a search in the index, by kind (results or suggestions)",
            Unit::Seconds,
            metrics.searches.clone(),
        );
        registry.register(
            "webhook_deliveries_pending",
            "Webhook deliveries waiting to go out, retries included",
            metrics.webhook_deliveries.clone(),
        );
        registry.register(
            "wire_copy_waiting",
            "Wire stories waiting in the queue for an editor",
            metrics.wire_copy.clone(),
        );
        registry.register(
            "database_up",
            "Whether the database answered this scrape's queries (1) or not (0)",
            metrics.database_up.clone(),
        );
        registry.register(
            "db_connections",
            "Database connections by pool and state (in_use or idle)",
            metrics.connections.clone(),
        );
        registry.register(
            "db_connections_max",
            "Most connections each database pool opens",
            metrics.connections_max.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }

    /// The histogram the feeder records each batch's apply time in.
    pub fn change_log_apply(&self) -> Histogram {
        self.apply.clone()
    }

    /// Counts one answered request for `route` (`None`: no route matched).
    pub fn count_request(&self, route: Option<Arc<str>>, status: u16, took: Duration) {
        let route = route.unwrap_or_else(|| self.unmatched.clone());
        self.latency
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(took.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
    }

    /// Counts a page answered from the cache before the router, under the route it
    /// was rendered for.
    pub fn count_hit(&self, response: &Response, took: Duration) {
        let route = response
            .extensions()
            .get::<RouteOfHit>()
            .map(|r| r.0.clone());
        self.count_request(route, response.status().as_u16(), took);
    }

    /// Records how long a search took.
    pub fn time_search(&self, kind: SearchKind, took: Duration) {
        let kind = match kind {
            SearchKind::Results => "results",
            SearchKind::Suggestions => "suggestions",
        };
        self.searches
            .get_or_create(&SearchLabels { kind })
            .observe(took.as_secs_f64());
    }

    /// Reads what is measured at scrape time: the cache, streams, lag, queues, pools.
    async fn read_now(&self, state: &AppState) {
        let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.cache_bytes.set(as_i64(state.cache.bytes()));
        self.cache_pages.set(as_i64(state.cache.len()));
        self.streams.set(as_i64(state.streams.open()));
        let applied = state.read.snapshot().applied_seq;
        self.applied_seq.set(applied);
        let now = state.newsroom.now();
        let position = state.newsroom.change_log_position(applied).await;
        let backlog = state.newsroom.backlog().await;
        match (&position, &backlog) {
            (Ok((latest, pending_since)), Ok(backlog)) => {
                self.lag.set((latest - applied).max(0));
                self.lag_seconds.set(
                    pending_since.map_or(0.0, |at| now.duration_since(at).as_secs_f64().max(0.0)),
                );
                self.webhook_deliveries.set(backlog.webhook_deliveries);
                self.wire_copy.set(backlog.wire_copy);
                self.database_up.set(1);
            }
            _ => {
                let err = position.err().map_or_else(
                    || backlog.err().map(|e| e.to_string()).unwrap_or_default(),
                    |e| e.to_string(),
                );
                tracing::warn!("metrics: the database did not answer: {err}");
                self.database_up.set(0);
            }
        }
        for pool in state.newsroom.database_pools() {
            let idle = i64::from(pool.idle);
            let in_use = i64::from(pool.open.saturating_sub(pool.idle));
            for (kind, value) in [("in_use", in_use), ("idle", idle)] {
                self.connections
                    .get_or_create(&PoolLabels {
                        pool: pool.pool,
                        state: kind,
                    })
                    .set(value);
            }
            self.connections_max
                .get_or_create(&PoolName { pool: pool.pool })
                .set(i64::from(pool.max));
        }
    }
}

/// Counts every request that reaches the router, by the route it matched.
pub async fn count_requests(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| Arc::from(m.as_str()));
    let response = next.run(request).await;
    metrics.count_request(route, response.status().as_u16(), started.elapsed());
    response
}

/// Whether `client` may read the metrics.
fn allowed(client: std::net::IpAddr, allow: &[ipnet::IpNet]) -> bool {
    let client = match client {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(client, std::net::IpAddr::V4),
        v4 => v4,
    };
    allow.iter().any(|net| net.contains(&client))
}

/// Whether a request says it was forwarded by a proxy that is not trusted: its client
/// is unknown, and the peer's address (a proxy on loopback, say) must not stand in
/// for it.
fn forwarded_by_a_stranger(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> bool {
    let forwarded =
        headers.contains_key(header::FORWARDED) || headers.contains_key("x-forwarded-for");
    forwarded && !allowed(peer, trusted)
}

/// The metrics in the Prometheus text format, to allowed addresses; 404 to others.
pub async fn show_metrics(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    if !allowed(client, &state.metrics_allow)
        || forwarded_by_a_stranger(peer.ip(), &headers, &state.trusted_proxies)
    {
        return Err(PageError::NotFound);
    }
    state.metrics.read_now(&state).await;
    let mut body = String::new();
    prometheus_client::encoding::prometheus_text::encode(&mut body, &state.metrics.registry)
        .map_err(|e| PageError::Internal(anyhow::anyhow!("encoding the metrics: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_networks_may_read_the_metrics() {
        let allow: Vec<ipnet::IpNet> = ["127.0.0.1/32", "10.1.0.0/16"]
            .iter()
            .map(|n| n.parse().expect("a network"))
            .collect();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("an address");
        assert!(allowed(ip("127.0.0.1"), &allow));
        assert!(allowed(ip("::ffff:127.0.0.1"), &allow), "IPv4 seen as IPv6");
        assert!(allowed(ip("10.1.200.3"), &allow));
        assert!(!allowed(ip("10.2.0.1"), &allow));
        assert!(!allowed(ip("::1"), &allow));
        assert!(!allowed(ip("127.0.0.1"), &[]), "an empty list shuts it");
    }

    #[test]
    fn requests_are_counted_by_route_and_unmatched_ones_together() {
        let metrics = Metrics::new(&super::super::cache::PageCache::new(0));
        let route = Some(Arc::from("/{edition}/news"));
        metrics.count_request(route.clone(), 200, Duration::from_millis(3));
        metrics.count_request(route, 200, Duration::from_millis(4));
        metrics.count_request(None, 404, Duration::from_millis(1));
        metrics.count_request(None, 404, Duration::from_millis(1));
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &metrics.registry)
            .expect("encodes");
        assert!(
            text.contains(
                "newsline_http_requests_total{route=\"/{edition}/news\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains("newsline_http_requests_total{route=\"unmatched\",status=\"404\"} 2"),
            "{text}"
        );
    }
}
