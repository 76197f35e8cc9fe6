//! `/healthz` (the process answers) and `/readyz` (the database answers and this
//! node's read model is close behind the change log), for load balancers: a node
//! that lags is drained rather than serving stale pages.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::AppState;

/// How far behind the change log a node may be and still take readers.
pub const MAX_LAG: SignedDuration = SignedDuration::from_secs(5);

/// What `/readyz` found.
#[derive(Debug, Serialize)]
pub struct Readiness {
    /// Whether this node should be sent readers.
    pub ready: bool,
    /// Whether the database answered.
    pub database: bool,
    /// The last change-log entry this node's pages reflect.
    pub applied_seq: i64,
    /// The last change-log entry written by any node.
    pub latest_seq: i64,
    /// How long the oldest change not yet reflected has waited, in seconds.
    pub lag_seconds: f64,
}

/// Whether a node that reflects `applied` of `latest` changes, the first one it
/// lacks written at `pending_since`, is ready at `now`: caught up, or behind by no
/// more than [`MAX_LAG`].
pub fn within_lag(
    applied: i64,
    latest: i64,
    pending_since: Option<Timestamp>,
    now: Timestamp,
) -> bool {
    if applied >= latest {
        return true;
    }
    pending_since.is_some_and(|at| now.duration_since(at) <= MAX_LAG)
}

/// The process is up.
pub async fn show_health() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], "ok\n").into_response()
}

/// The node can serve: 200 when ready, 503 when not, with what was found.
pub async fn show_readiness(State(state): State<AppState>) -> Response {
    let now = state.newsroom.now();
    let applied = state.read.snapshot().applied_seq;
    let found = state.newsroom.change_log_position(applied).await;
    let readiness = match found {
        Ok((latest, pending_since)) => Readiness {
            ready: within_lag(applied, latest, pending_since, now),
            database: true,
            applied_seq: applied,
            latest_seq: latest,
            lag_seconds: pending_since
                .map_or(0.0, |at| now.duration_since(at).as_secs_f64().max(0.0)),
        },
        Err(err) => {
            tracing::warn!("readiness: the database did not answer: {err}");
            Readiness {
                ready: false,
                database: false,
                applied_seq: applied,
                latest_seq: applied,
                lag_seconds: 0.0,
            }
        }
    };
    let status = if readiness.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::to_string(&readiness).unwrap_or_default();
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_TYPE, "application/json"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_is_ready_when_caught_up_or_briefly_behind() {
        let now: Timestamp = "2026-12-07T12:00:00Z".parse().expect("time");
        let ago = |s: i64| now - SignedDuration::from_secs(s);
        assert!(within_lag(10, 10, None, now));
        assert!(within_lag(11, 10, None, now), "ahead of a lagging replica");
        assert!(within_lag(9, 10, Some(ago(1)), now));
        assert!(within_lag(9, 10, Some(ago(5)), now));
        assert!(!within_lag(9, 10, Some(ago(6)), now));
        assert!(
            !within_lag(9, 10, None, now),
            "behind with nothing to date it"
        );
    }
}
