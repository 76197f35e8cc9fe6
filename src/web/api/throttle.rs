//! The API's request budgets: per token, per address for anonymous callers, and per
//! address for tokens that do not work, announced on every answer in the headers of
//! the IETF draft (`RateLimit`, `RateLimit-Policy`) and the older `RateLimit-Limit`,
//! `RateLimit-Remaining` and `RateLimit-Reset`.
//!
//! Counts are kept in memory on each node (see [`crate::web::ratelimit`]): with N
//! nodes behind a load balancer a client may get up to N times each budget.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::authenticate;
use super::problem::Problem;
use crate::config::Limits;
use crate::web::AppState;
use crate::web::client::{client_ip, network_of};
use crate::web::ratelimit::{Limiter, Policy, Standing};

/// Every budget is counted over a minute.
pub const WINDOW_SECS: u32 = 60;

/// Keys each budget remembers at most; a tracked key costs about a hundred bytes.
const MAX_TRACKED_KEYS: NonZeroUsize = NonZeroUsize::new(50_000).expect("non-zero");

/// The API's budgets on this node.
pub struct ApiLimits {
    by_token: Limiter<String>,
    by_address: Limiter<IpAddr>,
    failures: Limiter<IpAddr>,
}

impl ApiLimits {
    /// Budgets as the settings give them.
    pub fn new(limits: &Limits) -> Self {
        let policy = |name, quota| Policy {
            name,
            quota,
            window_secs: WINDOW_SECS,
        };
        Self {
            by_token: Limiter::new(
                policy("token", limits.api_requests_per_token),
                MAX_TRACKED_KEYS,
            ),
            by_address: Limiter::new(
                policy("address", limits.api_requests_per_address),
                MAX_TRACKED_KEYS,
            ),
            failures: Limiter::new(
                policy("failed-auth", limits.api_failed_auth_per_address),
                MAX_TRACKED_KEYS,
            ),
        }
    }
}

/// The address a request is counted by: the client's, after trusted proxies, or the
/// unspecified address for a request served without a connection (in memory).
fn address_of(request: &Request, state: &AppState) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(peer)| {
            client_ip(peer.ip(), request.headers(), &state.trusted_proxies)
        })
}

/// Counts each API request against its budget, refusing it with 429 (and doing
/// nothing) when the budget is spent. A request with a working token counts against
/// the token, one without against its address; one whose token does not work counts
/// against its address's failed-authentication budget, and once that is spent every
/// request with a token from the address is refused, so guessing tokens stays slow.
pub async fn throttle(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let under_api = (request.uri().path().strip_prefix(super::PREFIX))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if !under_api {
        return next.run(request).await;
    }
    let now = state.newsroom.now();
    let network = network_of(address_of(&request, &state));
    let limits = &state.api_limits;
    let standing = if request.headers().contains_key(header::AUTHORIZATION) {
        // The place is taken before the token is looked up, so that however many
        // guesses arrive at once, no more than the budget are ever answered.
        let attempt = limits.failures.take(network, now);
        if !attempt.allowed {
            return refuse(
                &attempt,
                "too many requests from this address sent a token that does not work; \
                 until the window passes, requests with a token from it are refused, \
                 even with a good one",
            );
        }
        let checked = authenticate(request.headers(), &state).await;
        let standing = if checked.failed() {
            attempt
        } else {
            limits.failures.give_back(&network);
            match &checked.0 {
                Ok(holder) => limits.by_token.take(holder.token.public_id.clone(), now),
                Err(_) => limits.by_address.take(network, now),
            }
        };
        request.extensions_mut().insert(checked);
        standing
    } else {
        limits.by_address.take(network, now)
    };
    if !standing.allowed {
        let whose = match standing.policy.name {
            "token" => "this token",
            _ => "this address",
        };
        return refuse(
            &standing,
            &format!(
                "{whose} has made its {} requests of the last {} seconds",
                standing.policy.quota, standing.policy.window_secs
            ),
        );
    }
    let mut response = next.run(request).await;
    announce(response.headers_mut(), &standing);
    response
}

/// 429 with `Retry-After` and the budget's headers.
fn refuse(standing: &Standing, why: &str) -> Response {
    let retry = standing.reset_secs;
    let mut response =
        Problem::rate_limited(format!("{why}; try again in {retry} s"), retry).into_response();
    announce(response.headers_mut(), standing);
    response
}

/// Writes where a budget stands into `headers`.
fn announce(headers: &mut HeaderMap, standing: &Standing) {
    let Policy {
        name,
        quota,
        window_secs,
    } = standing.policy;
    let (remaining, reset) = (standing.remaining, standing.reset_secs);
    let fields = [
        (
            "ratelimit-policy",
            format!("\"{name}\";q={quota};w={window_secs}"),
        ),
        ("ratelimit", format!("\"{name}\";r={remaining};t={reset}")),
        ("ratelimit-limit", quota.to_string()),
        ("ratelimit-remaining", remaining.to_string()),
        ("ratelimit-reset", reset.to_string()),
    ];
    for (name, value) in fields {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_follow_the_draft_and_the_older_convention() {
        let standing = Standing {
            policy: Policy {
                name: "token",
                quota: 600,
                window_secs: 60,
            },
            allowed: true,
            remaining: 599,
            reset_secs: 42,
        };
        let mut headers = HeaderMap::new();
        announce(&mut headers, &standing);
        assert_eq!(headers["ratelimit-policy"], "\"token\";q=600;w=60");
        assert_eq!(headers["ratelimit"], "\"token\";r=599;t=42");
        assert_eq!(headers["ratelimit-limit"], "600");
        assert_eq!(headers["ratelimit-remaining"], "599");
        assert_eq!(headers["ratelimit-reset"], "42");
        let refused = refuse(
            &Standing {
                allowed: false,
                remaining: 0,
                ..standing
            },
            "spent",
        );
        assert_eq!(refused.status(), axum::http::StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "42");
        assert_eq!(refused.headers()["ratelimit"], "\"token\";r=0;t=42");
    }
}
