//! Security headers on every response, whatever produced it: pages, cache hits, feeds,
//! static files, media, redirects, error pages and the live stream.
//!
//! The policy holds because nothing of ours needs an exception: scripts and styles are
//! same-origin files, JSON-LD is a data block (not run, so not governed by
//! `script-src`), and bodies carry no inline styles after the sanitizer.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::Site;

/// Everything but framing; images may also come over https, as Markdown bodies may
/// show an image from another site (the sanitizer allows only http(s) and relative URLs).
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' https:; object-src 'none'; base-uri 'none'; form-action 'self'";

const PERMISSIONS: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
     browsing-topics=(), interest-cohort=()";

/// A year: long enough for browsers to remember, the usual value for preload lists.
const HSTS: &str = "max-age=31536000";

/// The headers, computed once from the settings.
#[derive(Clone)]
pub struct SecurityHeaders {
    portal: Vec<(HeaderName, HeaderValue)>,
    newsroom: Vec<(HeaderName, HeaderValue)>,
}

impl SecurityHeaders {
    /// The header sets for the reader's side and the newsroom, from the site's settings.
    pub fn from_site(site: &Site) -> Self {
        let https = site
            .base_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let common = |frame_ancestors: &str| {
            let mut headers = vec![
                (
                    header::CONTENT_SECURITY_POLICY,
                    format!("{POLICY}; frame-ancestors {frame_ancestors}"),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                (
                    header::REFERRER_POLICY,
                    "strict-origin-when-cross-origin".to_owned(),
                ),
                (
                    HeaderName::from_static("permissions-policy"),
                    PERMISSIONS.to_owned(),
                ),
                (
                    HeaderName::from_static("cross-origin-opener-policy"),
                    "same-origin".to_owned(),
                ),
            ];
            // The older header for browsers without frame-ancestors, where it can say the same.
            let legacy = match frame_ancestors {
                "'none'" => Some("DENY"),
                "'self'" => Some("SAMEORIGIN"),
                _ => None,
            };
            if let Some(value) = legacy {
                headers.push((header::X_FRAME_OPTIONS, value.to_owned()));
            }
            if https {
                headers.push((header::STRICT_TRANSPORT_SECURITY, HSTS.to_owned()));
            }
            headers
                .into_iter()
                // The setting was checked to be printable ASCII without separators.
                .filter_map(|(name, value)| Some((name, HeaderValue::try_from(value).ok()?)))
                .collect::<Vec<_>>()
        };
        Self {
            portal: common(&site.frame_ancestors),
            newsroom: common("'none'"),
        }
    }
}

/// Sets the headers on the response, replacing any a handler set itself. The router's
/// outermost layer, so cache hits and responses made by other layers get them too.
pub async fn add_security_headers(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let newsroom = is_newsroom(request.uri().path());
    let mut response = next.run(request).await;
    let set = if newsroom {
        &headers.newsroom
    } else {
        &headers.portal
    };
    for (name, value) in set {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

impl SecurityHeaders {
    /// The headers every reader's page carries.
    pub fn portal(&self) -> &[(HeaderName, HeaderValue)] {
        &self.portal
    }
}

fn is_newsroom(path: &str) -> bool {
    path == "/newsroom" || path.starts_with("/newsroom/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn value<'a>(set: &'a [(HeaderName, HeaderValue)], name: &HeaderName) -> Option<&'a str> {
        set.iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.to_str().ok())
    }

    #[test]
    fn the_newsroom_is_never_framed_and_the_portal_as_configured() {
        let mut settings = Settings::default();
        settings
            .set("site.frame_ancestors", "https://partner.example")
            .expect("valid");
        let headers = SecurityHeaders::from_site(&settings.site);
        let csp = value(&headers.portal, &header::CONTENT_SECURITY_POLICY).expect("csp");
        assert!(
            csp.ends_with("frame-ancestors https://partner.example"),
            "{csp}"
        );
        assert_eq!(value(&headers.portal, &header::X_FRAME_OPTIONS), None);
        let csp = value(&headers.newsroom, &header::CONTENT_SECURITY_POLICY).expect("csp");
        assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
        assert_eq!(
            value(&headers.newsroom, &header::X_FRAME_OPTIONS),
            Some("DENY")
        );
        assert_eq!(
            value(&headers.portal, &header::STRICT_TRANSPORT_SECURITY),
            None
        );
    }

    #[test]
    fn https_sites_ask_browsers_to_stay_on_https() {
        let mut settings = Settings::default();
        settings
            .set("site.base_url", "https://news.example")
            .expect("valid");
        let headers = SecurityHeaders::from_site(&settings.site);
        for set in [&headers.portal, &headers.newsroom] {
            assert_eq!(
                value(set, &header::STRICT_TRANSPORT_SECURITY),
                Some("max-age=31536000")
            );
        }
    }

    #[test]
    fn only_the_newsroom_paths_are_the_newsroom() {
        assert!(is_newsroom("/newsroom"));
        assert!(is_newsroom("/newsroom/items/1"));
        assert!(!is_newsroom("/newsroomx"));
        assert!(!is_newsroom("/en/newsroom"));
    }
}
