//! The client's address: the TCP peer, or what a trusted proxy in front says it is.
//!
//! `Forwarded` and `X-Forwarded-For` are believed only when the connection comes from
//! a proxy listed in `trusted_proxies`; the chain is read from the right, skipping
//! further trusted hops, so a client cannot pick its own address by sending the
//! header itself. Per-address limits (sign-in and others) key on [`ClientAddr`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use super::AppState;
use super::error::PageError;

/// The address a request came from, after the trusted proxies' word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| {
                PageError::Internal(anyhow::anyhow!("the server runs without connect info"))
            })?;
        Ok(Self(client_ip(
            peer,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    let ip = canonical(ip);
    proxies.iter().any(|net| net.contains(&ip))
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The network a budget counts `ip` in: an IPv4 address alone, an IPv6 address with
/// its /64, since one subscriber is commonly handed a whole /64 to pick from.
pub fn network_of(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => ipnet::Ipv6Net::new(v6, 64).map_or(ip, |net| IpAddr::V6(net.network())),
        v4 => v4,
    }
}

/// The client's address for a connection from `peer` carrying `headers`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    if !trusted(peer, proxies) {
        return peer;
    }
    let hops = forwarded_chain(headers);
    // Right to left: each hop was added by the one after it. The first one not a
    // trusted proxy is the client; an unreadable hop ends the walk at the proxy that
    // wrote it, since nothing left of it can be vouched for.
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = canonical(*ip);
                if !trusted(client, proxies) {
                    return client;
                }
            }
            None => return client,
        }
    }
    client
}

/// The hops a request passed, leftmost first: `Forwarded`'s `for=` when the request has
/// that header, else `X-Forwarded-For`. `None` marks a hop that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all(axum::http::header::FORWARDED)
        .iter()
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|line| line.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| node(value.trim().trim_matches('"')))
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("\u{0}").split(','))
        .map(|hop| node(hop.trim()))
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// or `[2001:db8::1]:4711`.
fn node(value: &str) -> Option<IpAddr> {
    if let Some(rest) = value.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.starts_with(':')) {
            return None;
        }
        return ip.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip);
    }
    value
        .parse::<SocketAddr>()
        .ok()
        .filter(SocketAddr::is_ipv4)
        .map(|s| s.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("a network")).collect()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_and_an_ipv4_one_alone() {
        assert_eq!(network_of(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(
            network_of(ip("2001:db8:1:2:ffff::9")),
            network_of(ip("2001:db8:1:2::5"))
        );
        assert_ne!(
            network_of(ip("2001:db8:1:3::1")),
            network_of(ip("2001:db8:1:2::1"))
        );
        assert_eq!(network_of(ip("198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(network_of(ip("::ffff:198.51.100.7")), ip("198.51.100.7"));
    }

    #[test]
    fn an_untrusted_peer_cannot_name_its_own_address() {
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.7"),
            ("forwarded", "for=198.51.100.8"),
        ]);
        assert_eq!(client_ip(ip("203.0.113.9"), &h, &[]), ip("203.0.113.9"));
        assert_eq!(
            client_ip(ip("203.0.113.9"), &h, &nets(&["10.0.0.0/8"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_read_from_the_right() {
        let proxies = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        // The client put a spoofed hop first; nginx appended the real peer.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &proxies), ip("198.51.100.7"));
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(
            client_ip(ip("10.1.1.1"), &h, &proxies),
            ip("198.51.100.7"),
            "several header lines are one list"
        );
        let h = headers(&[("x-forwarded-for", "10.0.0.5, 10.0.0.6")]);
        assert_eq!(
            client_ip(ip("10.1.1.1"), &h, &proxies),
            ip("10.0.0.5"),
            "all trusted: the leftmost"
        );
        assert_eq!(
            client_ip(ip("10.1.1.1"), &HeaderMap::new(), &proxies),
            ip("10.1.1.1"),
            "no header: the proxy itself"
        );
    }

    #[test]
    fn forwarded_takes_precedence_and_handles_ipv6_and_ports() {
        let proxies = nets(&["::1/128", "127.0.0.0/8"]);
        let h = headers(&[
            (
                "forwarded",
                "for=192.0.2.60;proto=http, For=\"[2001:db8:cafe::17]:4711\"",
            ),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        assert_eq!(client_ip(ip("::1"), &h, &proxies), ip("2001:db8:cafe::17"));
        let h = headers(&[("x-forwarded-for", "2001:db8::5, 192.0.2.4:5678")]);
        assert_eq!(client_ip(ip("::1"), &h, &proxies), ip("192.0.2.4"));
        let h = headers(&[("x-forwarded-for", "[2001:db8::5]:443")]);
        assert_eq!(client_ip(ip("::1"), &h, &proxies), ip("2001:db8::5"));
        assert_eq!(
            client_ip(
                ip("::ffff:127.0.0.1"),
                &headers(&[("x-forwarded-for", "192.0.2.9")]),
                &proxies
            ),
            ip("192.0.2.9"),
            "an IPv4 peer seen as IPv6 is still the trusted proxy"
        );
    }

    #[test]
    fn malformed_hops_end_the_walk_at_the_proxy_that_wrote_them() {
        let proxies = nets(&["127.0.0.1/32", "10.0.0.0/8"]);
        for garbage in [
            "not-an-ip",
            "unknown",
            "",
            "[2001:db8::1",
            "300.1.1.1",
            "_hidden",
        ] {
            let mut h = HeaderMap::new();
            h.append(
                "x-forwarded-for",
                HeaderValue::from_str(&format!("198.51.100.7, {garbage}, 10.0.0.3"))
                    .expect("header"),
            );
            assert_eq!(
                client_ip(ip("127.0.0.1"), &h, &proxies),
                ip("10.0.0.3"),
                "{garbage:?}"
            );
        }
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &proxies), ip("127.0.0.1"));
        let h = headers(&[("forwarded", "by=10.0.0.1")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &proxies), ip("127.0.0.1"));
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff\xfe").expect("opaque bytes"),
        );
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &proxies), ip("127.0.0.1"));
    }
}
