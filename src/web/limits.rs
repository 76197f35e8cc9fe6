//! What one client, and all of them together, may hold: connections, live streams,
//! URL length, and which Host the site answers to.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::PageError;

/// Longest request target (path and query) answered; longer ones get 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Seconds a refused client is told to wait before trying again.
pub const RETRY_AFTER_SECS: u64 = 5;

#[derive(Default)]
struct Counts {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// A cap on how many of something are open at once, in all and per address.
pub struct Gate {
    total: usize,
    per_address: usize,
    counts: Mutex<Counts>,
}

/// One admitted holder; leaving (dropping it) frees its place.
pub struct Pass {
    gate: Arc<Gate>,
    address: Option<IpAddr>,
}

impl Gate {
    /// A gate admitting `total` holders in all and `per_address` from any one address.
    pub fn new(total: usize, per_address: usize) -> Arc<Self> {
        Arc::new(Self {
            total,
            per_address,
            counts: Mutex::new(Counts::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits one more holder from `address`, or none when a cap is reached. An
    /// unknown address counts only against the total.
    pub fn enter(self: &Arc<Self>, address: Option<IpAddr>) -> Option<Pass> {
        let mut counts = self.lock();
        if counts.total >= self.total {
            return None;
        }
        if let Some(ip) = address {
            let mine = counts.by_address.entry(ip).or_insert(0);
            if *mine >= self.per_address {
                return None;
            }
            *mine += 1;
        }
        counts.total += 1;
        Some(Pass {
            gate: self.clone(),
            address,
        })
    }

    /// How many holders are in now.
    pub fn open(&self) -> usize {
        self.lock().total
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let mut counts = self.gate.lock();
        counts.total = counts.total.saturating_sub(1);
        if let Some(ip) = self.address
            && let Some(mine) = counts.by_address.get_mut(&ip)
        {
            *mine -= 1;
            // Gone addresses leave no trace, so the map is as small as the open set.
            if *mine == 0 {
                counts.by_address.remove(&ip);
            }
        }
    }
}

/// The whole answer to a connection beyond the caps, written before anything is read.
pub const BUSY_RESPONSE: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
retry-after: 5\r\n\
content-type: text/plain; charset=utf-8\r\n\
content-length: 54\r\n\
connection: close\r\n\
\r\n\
The server is busy. Please try again in a few seconds.";

/// Longest request target a search answers: a long query is read and cut to its first
/// 10,000 characters rather than refused (the request head's own cap still holds).
pub const MAX_SEARCH_URI_BYTES: usize = 16 * 1024;

/// Refuses request targets longer than `MAX_URI_BYTES` (searches: `MAX_SEARCH_URI_BYTES`)
/// with 414.
pub async fn refuse_long_uris(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    let path = request.uri().path();
    let limit = if path.ends_with("/search")
        || path.ends_with("/search.json")
        || path.ends_with("/search/suggest")
    {
        MAX_SEARCH_URI_BYTES
    } else {
        MAX_URI_BYTES
    };
    if length > limit {
        return PageError::UriTooLong.into_response();
    }
    next.run(request).await
}

/// Whether a Host header names the site: base URL's authority, or a loopback address
/// (the machine's own health checks). Pages built with a base URL do not depend on Host,
/// so accepting loopback cannot change what is served or cached.
fn host_is_ours(host: &str, base_authority: &str) -> bool {
    if host.eq_ignore_ascii_case(base_authority) {
        return true;
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The authority part of a base URL such as `https://news.example`.
fn authority_of(base_url: &str) -> &str {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

/// Whether a request for `host` may be answered by a site whose base URL is `base`
/// (none: any host may).
pub fn serves_host(base: Option<&str>, host: &str) -> bool {
    base.is_none_or(|base| host_is_ours(host, authority_of(base)))
}

/// With a base URL set, refuses requests for any other Host with 421.
pub async fn refuse_other_hosts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !serves_host(state.site.base_url.as_deref(), host) {
        return PageError::Misdirected.into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gate_caps_each_address_and_the_total_and_frees_places_on_drop() {
        let gate = Gate::new(3, 2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = gate.enter(Some(a)).expect("first");
        let _second = gate.enter(Some(a)).expect("second");
        assert!(gate.enter(Some(a)).is_none(), "per address");
        let _third = gate.enter(Some(b)).expect("another address");
        assert!(gate.enter(Some(b)).is_none(), "in total");
        drop(first);
        assert!(gate.enter(Some(a)).is_some(), "a freed place is reused");
        assert_eq!(gate.open(), 2, "the temporary pass above was dropped");
    }

    #[test]
    fn the_base_urls_host_and_loopback_are_ours_and_nothing_else() {
        let ours = authority_of("https://news.example");
        assert_eq!(ours, "news.example");
        assert!(host_is_ours("news.example", ours));
        assert!(host_is_ours("NEWS.example", ours));
        assert!(host_is_ours("127.0.0.1:8080", ours));
        assert!(host_is_ours("localhost", ours));
        assert!(host_is_ours("[::1]:80", ours));
        assert!(!host_is_ours("evil.example", ours));
        assert!(!host_is_ours("news.example.evil", ours));
        assert!(!host_is_ours("", ours));
        assert!(!host_is_ours("10.0.0.1", ours));
    }

    #[test]
    fn the_busy_response_says_its_own_length() {
        let text = std::str::from_utf8(BUSY_RESPONSE).expect("ascii");
        let (_, body) = text.split_once("\r\n\r\n").expect("head and body");
        assert!(text.contains(&format!("content-length: {}\r\n", body.len())));
        assert!(text.contains(&format!("retry-after: {RETRY_AFTER_SECS}\r\n")));
    }
}
