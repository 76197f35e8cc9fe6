//! RSS 2.0 and Atom 1.0 feeds of an edition and of each of its sections, authors and tags.
//!
//! The XML is written by the `rss` and `atom_syndication` crates, which escape every
//! text and attribute; nothing here builds markup by hand. Where a format carries HTML
//! (RSS descriptions, Atom `type="html"`), it is text escaped by the one sanitizer module.

use std::collections::BTreeMap;

use atom_syndication as atom;
use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::uri::Authority;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};

use super::AppState;
use super::assets::digest;
use super::error::{PageError, Problem};
use super::reader::Reader;
use super::urls;
use super::views::{Views, media_src};
use crate::domain::{ItemId, escape_text, time};
use crate::read::Dependency;
use crate::read::ItemMeta;

/// How many items a feed carries, newest first.
pub const FEED_LENGTH: usize = 50;

/// Feed readers poll; a minute keeps the news fresh while a CDN absorbs the polling.
const FEED_CACHE: &str = "public, max-age=60";
const RSS_TYPE: &str = "application/rss+xml; charset=utf-8";
const ATOM_TYPE: &str = "application/atom+xml; charset=utf-8";

/// The date part of every `tag:` URI we mint (RFC 4151); fixed, so ids never change.
const TAG_DATE: &str = "2025";

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// The feed routes, merged into the reader's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{edition}/feed.xml", get(show_edition_rss))
        .route("/{edition}/atom.xml", get(show_edition_atom))
        .route(
            "/{edition}/feeds/{kind}/{slug}/{format}",
            get(show_topic_feed),
        )
}

/// The scheme and authority absolute links start with, and the host that names our ids.
pub struct Origin {
    /// `https://news.example` or `http://HOST`, without a trailing slash.
    pub base: String,
    /// The host alone, lowercased: the tagging authority of `tag:` ids.
    pub host: String,
}

impl Origin {
    /// The absolute form of a site path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl FromRequestParts<AppState> for Origin {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        if let Some(base) = &state.site.base_url {
            // The setting was checked to be an http(s) origin when the process started.
            let host = base
                .parse::<Uri>()
                .ok()
                .and_then(|u| u.host().map(str::to_ascii_lowercase))
                .ok_or_else(|| {
                    PageError::Internal(anyhow::anyhow!("site.base_url {base:?} has no host"))
                })?;
            return Ok(Self {
                base: base.clone(),
                host,
            });
        }
        let raw = match parts.headers.get(header::HOST) {
            Some(value) => value.to_str().ok(),
            None => parts.uri.authority().map(Authority::as_str),
        }
        .ok_or(PageError::BadRequest(Problem::BadHost.into()))?;
        let (authority, host) =
            checked_host(raw).ok_or(PageError::BadRequest(Problem::BadHost.into()))?;
        Ok(Self {
            base: format!("http://{authority}"),
            host,
        })
    }
}

/// A Host header fit to go into links, lowercased: `(host[:port], host)`.
///
/// Only a DNS name, an IPv4 address or a bracketed IPv6 address, and a numeric port, pass:
/// anything else (userinfo, paths, spaces) would put someone else's address in our links.
fn checked_host(raw: &str) -> Option<(String, String)> {
    let raw = raw.to_ascii_lowercase();
    let (host, port) = if let Some(rest) = raw.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let ok = !inside.is_empty()
            && inside
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok {
            return None;
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (&raw[..inside.len() + 2], port)
    } else {
        let (host, port) = match raw.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (raw.as_str(), None),
        };
        let ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !ok {
            return None;
        }
        (host, port)
    };
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        port.parse::<u16>().ok()?;
    }
    Some((raw.clone(), host.to_owned()))
}

/// RSS or Atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Rss,
    Atom,
}

impl Format {
    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "rss" => Some(Self::Rss),
            "atom" => Some(Self::Atom),
            _ => None,
        }
    }
}

/// What one feed lists, before it is written in either format.
struct Listing<'a> {
    /// Feed title: the topic's page title.
    title: String,
    /// Path of the HTML page the feed mirrors.
    page: String,
    /// What the feed's own id names, such as `en` or `en:section:3` (ids, never slugs).
    key: String,
    /// What the feed depends on: the listing it mirrors.
    dependency: Dependency,
    /// Newest first; cut to [`FEED_LENGTH`] when written.
    items: &'a crate::read::Listing,
}

/// The edition's latest items as RSS.
async fn show_edition_rss(reader: Reader, origin: Origin) -> Result<Response, PageError> {
    respond_feed(&reader, &origin, &edition_listing(&reader), Format::Rss).await
}

/// The edition's latest items as Atom.
async fn show_edition_atom(reader: Reader, origin: Origin) -> Result<Response, PageError> {
    respond_feed(&reader, &origin, &edition_listing(&reader), Format::Atom).await
}

/// A section's, author's or tag's latest items, as RSS or Atom.
async fn show_topic_feed(
    reader: Reader,
    origin: Origin,
    Path((_, kind, slug, format)): Path<(String, String, String, String)>,
) -> Result<Response, PageError> {
    let format_name = format;
    let format = Format::parse(&format_name).ok_or(PageError::NotFound)?;
    let code = reader.code();
    let snapshot = &reader.snapshot;
    let site_name = &reader.edition.name;
    let listing = match kind.as_str() {
        "section" => {
            let Some(section) = snapshot.section_by_slug(code, &slug) else {
                // Readers subscribed at a section's old address are sent to the new one.
                let moved = snapshot
                    .moved_section(code, &slug)
                    .ok_or(PageError::NotFound)?;
                return Ok(crate::web::respond::moved_permanently(&format!(
                    "/{code}/feeds/section/{}/{format_name}",
                    moved.slug
                )));
            };
            Listing {
                title: format!("{} | {site_name}", section.name),
                page: urls::section(code, section.slug.as_ref(), 1),
                key: format!("{code}:section:{}", section.id),
                dependency: Dependency::Section(reader.edition_key(), section.id),
                items: snapshot.in_section(code, section.id),
            }
        }
        "author" => {
            let author = snapshot.author_by_slug(&slug).ok_or(PageError::NotFound)?;
            Listing {
                title: format!("{} | {site_name}", author.name),
                page: urls::author(code, author.slug.as_ref(), 1),
                key: format!("{code}:author:{}", author.id),
                dependency: Dependency::Author(reader.edition_key(), author.id),
                items: snapshot.by_author(code, author.id),
            }
        }
        "tag" => {
            let tag = snapshot
                .tag_by_slug(code, &slug)
                .ok_or(PageError::NotFound)?;
            Listing {
                title: format!("{}: {} | {site_name}", reader.strings().tag, tag.name),
                page: urls::tag(code, tag.slug.as_ref(), 1),
                key: format!("{code}:tag:{}", tag.id),
                dependency: Dependency::Tag(reader.edition_key(), tag.id),
                items: snapshot.with_tag(code, tag.id),
            }
        }
        _ => return Err(PageError::NotFound),
    };
    respond_feed(&reader, &origin, &listing, format).await
}

fn edition_listing(reader: &Reader) -> Listing<'_> {
    let code = reader.code();
    Listing {
        title: reader.edition.name.clone(),
        page: urls::home(code),
        key: code.to_owned(),
        dependency: Dependency::Archive(reader.edition_key()),
        items: reader.snapshot.newest(code),
    }
}

async fn respond_feed(
    reader: &Reader,
    origin: &Origin,
    listing: &Listing<'_>,
    format: Format,
) -> Result<Response, PageError> {
    let items: Vec<_> = listing.items.iter().take(FEED_LENGTH).collect();
    // Items without a standfirst are summarized by their body's first paragraph: read
    // just those summaries, in one query.
    let undescribed: Vec<ItemId> = items
        .iter()
        .filter(|i| i.dek.as_deref().is_none_or(|d| xml_safe(d).is_empty()))
        .map(|i| i.id)
        .collect();
    let summaries = reader.bodies().summaries(&undescribed).await?;
    let entries: Vec<Entry> = items
        .into_iter()
        .map(|item| {
            Entry::of(
                item,
                summaries.get(&item.id).map(String::as_str),
                reader,
                origin,
            )
        })
        .collect();
    let (body, content_type) = match format {
        Format::Rss => (write_rss(reader, origin, listing, &entries)?, RSS_TYPE),
        Format::Atom => (write_atom(reader, origin, listing, &entries)?, ATOM_TYPE),
    };
    // The feed changes with the same items as the page it mirrors.
    reader.depends_on(listing.dependency.clone());
    Ok(reader.cacheable(xml_response(body, content_type, FEED_CACHE)))
}

/// An XML (or plain-text) body with its type, cache lifetime and an ETag, so polling
/// readers and sitemap fetchers get a 304 when nothing changed.
pub fn xml_response(body: String, content_type: &'static str, cache: &'static str) -> Response {
    let etag = format!("\"{}\"", digest(body.as_bytes()));
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The last time an item changed in a way readers would notice: never before it went public.
pub fn modified_at(item: &ItemMeta) -> Timestamp {
    let corrected = item.corrections.iter().map(|c| c.noted_at).max();
    // An item filed with a past publication time was stored later; one scheduled ahead
    // was last edited before it went out. Either way it cannot be older than its publication.
    [
        Some(item.updated_at()),
        Some(item.published_at()),
        corrected,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(item.updated_at())
}

/// One item, prepared once for whichever format is written.
struct Entry {
    id: String,
    title: String,
    link: String,
    published: Timestamp,
    updated: Timestamp,
    authors: Vec<String>,
    category: Option<Category>,
    summary: Option<String>,
    image: Option<Image>,
}

/// The item's section, as both formats name a category.
struct Category {
    slug: String,
    name: String,
    /// The section page's absolute URL.
    url: String,
}

/// A lead image as feeds describe it.
struct Image {
    url: String,
    mime: &'static str,
    width: i64,
    height: i64,
    alt: String,
}

impl Entry {
    fn of(item: &ItemMeta, summary: Option<&str>, reader: &Reader, origin: &Origin) -> Self {
        let views: Views<'_> = reader.views();
        let snapshot = &reader.snapshot;
        let category = snapshot.section(item.section).map(|s| Category {
            slug: s.slug.to_string(),
            name: xml_safe(&s.name),
            url: origin.absolute(&urls::section(reader.code(), s.slug.as_ref(), 1)),
        });
        let summary = item
            .dek
            .as_deref()
            .map(xml_safe)
            .filter(|d| !d.is_empty())
            .or_else(|| summary.map(xml_safe));
        let image = item
            .lead_media
            .and_then(|id| snapshot.media(id))
            .and_then(|m| {
                Some(Image {
                    url: origin.absolute(&media_src(m, None)),
                    mime: image_type(&m.format)?,
                    width: m.width,
                    height: m.height,
                    alt: xml_safe(&m.alt),
                })
            });
        Self {
            id: entry_id(origin, item),
            title: xml_safe(&item.headline),
            link: origin.absolute(&views.item_href(item)),
            published: item.published_at(),
            updated: modified_at(item),
            authors: item
                .authors
                .iter()
                .filter_map(|a| snapshot.author(*a))
                .map(|a| xml_safe(&a.name))
                .collect(),
            category,
            summary,
            image,
        }
    }
}

/// An item's permanent id: its number under our host, so a new headline or slug keeps it.
fn entry_id(origin: &Origin, item: &ItemMeta) -> String {
    format!("tag:{},{TAG_DATE}:item:{}", origin.host, item.id)
}

fn image_type(format: &str) -> Option<&'static str> {
    match format {
        "jpg" | "jpeg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        "gif" => Some("image/gif"),
        _ => None,
    }
}

fn rfc2822(at: Timestamp, zone: &TimeZone) -> Result<String, PageError> {
    jiff::fmt::rfc2822::to_string(&at.to_zoned_datetime(zone.clone()))
        .map_err(|e| PageError::Internal(e.into()))
}

fn rfc3339(at: Timestamp, zone: &TimeZone) -> Result<atom::FixedDateTime, PageError> {
    atom::FixedDateTime::parse_from_rfc3339(&time::machine(at, zone))
        .map_err(|e| PageError::Internal(e.into()))
}

/// An extension element `prefix:name` with attributes and maybe text.
fn extension(qualified: &str, attrs: &[(&str, String)], value: Option<String>) -> Extension {
    Extension {
        name: qualified.to_owned(),
        value,
        attrs: attrs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        children: BTreeMap::new(),
    }
}

fn put(map: &mut ExtensionMap, prefix: &str, name: &str, ext: Extension) {
    map.entry(prefix.to_owned())
        .or_default()
        .entry(name.to_owned())
        .or_default()
        .push(ext);
}

fn write_rss(
    reader: &Reader,
    origin: &Origin,
    listing: &Listing<'_>,
    entries: &[Entry],
) -> Result<String, PageError> {
    let zone = &reader.site.time_zone;
    let mut items = Vec::with_capacity(entries.len());
    for e in entries {
        let mut extensions = ExtensionMap::new();
        // RSS 2.0 has no element for the last change; Atom's, in its namespace, is the
        // common way to carry it.
        put(
            &mut extensions,
            "atom",
            "updated",
            extension("atom:updated", &[], Some(time::machine(e.updated, zone))),
        );
        if let Some(image) = &e.image {
            // Media RSS rather than <enclosure>: an enclosure must give the file's length
            // in bytes, which the read model does not keep, and Media RSS can say width,
            // height and the alt text as well.
            let mut content = extension(
                "media:content",
                &[
                    ("url", image.url.clone()),
                    ("type", image.mime.to_owned()),
                    ("medium", "image".to_owned()),
                    ("width", image.width.to_string()),
                    ("height", image.height.to_string()),
                ],
                None,
            );
            content.children.insert(
                "description".to_owned(),
                vec![extension(
                    "media:description",
                    &[("type", "plain".to_owned())],
                    Some(image.alt.clone()),
                )],
            );
            put(&mut extensions, "media", "content", content);
        }
        items.push(rss::Item {
            title: Some(e.title.clone()),
            link: Some(e.link.clone()),
            // Readers render a description as HTML: the summary is text, so it goes in
            // escaped, and nothing in a standfirst can become markup.
            description: e.summary.as_deref().map(escape_text),
            categories: e
                .category
                .iter()
                .map(|c| rss::Category {
                    name: c.name.clone(),
                    domain: Some(c.url.clone()),
                })
                .collect(),
            guid: Some(rss::Guid {
                value: e.id.clone(),
                permalink: false,
            }),
            pub_date: Some(rfc2822(e.published, zone)?),
            extensions,
            dublin_core_ext: (!e.authors.is_empty()).then(|| DublinCoreExtension {
                creators: e.authors.clone(),
                ..DublinCoreExtension::default()
            }),
            ..rss::Item::default()
        });
    }
    let mut extensions = ExtensionMap::new();
    put(
        &mut extensions,
        "atom",
        "link",
        extension(
            "atom:link",
            &[
                ("href", origin.absolute(&reader.path)),
                ("rel", "self".to_owned()),
                ("type", "application/rss+xml".to_owned()),
            ],
            None,
        ),
    );
    let namespaces = BTreeMap::from([
        ("atom".to_owned(), ATOM_NS.to_owned()),
        ("media".to_owned(), MEDIA_NS.to_owned()),
    ]);
    let title = xml_safe(&listing.title);
    let channel = rss::Channel {
        description: title.clone(),
        title,
        link: origin.absolute(&listing.page),
        language: Some(reader.code().to_owned()),
        pub_date: entries
            .first()
            .map(|e| rfc2822(e.published, zone))
            .transpose()?,
        last_build_date: entries
            .iter()
            .map(|e| e.updated)
            .max()
            .map(|at| rfc2822(at, zone))
            .transpose()?,
        items,
        extensions,
        namespaces,
        ..rss::Channel::default()
    };
    let bytes = channel
        .write_to(Vec::new())
        .map_err(|e| PageError::Internal(e.into()))?;
    String::from_utf8(bytes).map_err(|e| PageError::Internal(e.into()))
}

fn write_atom(
    reader: &Reader,
    origin: &Origin,
    listing: &Listing<'_>,
    entries: &[Entry],
) -> Result<String, PageError> {
    let zone = &reader.site.time_zone;
    let mut atom_entries = Vec::with_capacity(entries.len());
    for e in entries {
        let mut links = vec![atom::Link {
            href: e.link.clone(),
            mime_type: Some("text/html".to_owned()),
            ..atom::Link::default()
        }];
        if let Some(image) = &e.image {
            links.push(atom::Link {
                href: image.url.clone(),
                rel: "enclosure".to_owned(),
                mime_type: Some(image.mime.to_owned()),
                title: Some(image.alt.clone()),
                ..atom::Link::default()
            });
        }
        atom_entries.push(atom::Entry {
            title: e.title.clone().into(),
            id: e.id.clone(),
            updated: rfc3339(e.updated, zone)?,
            published: Some(rfc3339(e.published, zone)?),
            authors: e
                .authors
                .iter()
                .map(|name| atom::Person {
                    name: name.clone(),
                    ..atom::Person::default()
                })
                .collect(),
            categories: e
                .category
                .iter()
                .map(|c| atom::Category {
                    term: c.slug.clone(),
                    scheme: Some(c.url.clone()),
                    label: Some(c.name.clone()),
                })
                .collect(),
            links,
            // As in RSS: HTML that is only escaped text, the same for lax and strict readers.
            summary: e
                .summary
                .as_deref()
                .map(|s| atom::Text::html(escape_text(s))),
            ..atom::Entry::default()
        });
    }
    // A feed that has never had an item has no time of change; the epoch says so
    // without making every fetch of an empty feed look new.
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let feed = atom::Feed {
        title: xml_safe(&listing.title).into(),
        id: format!("tag:{},{TAG_DATE}:feed:{}", origin.host, listing.key),
        updated: rfc3339(updated, zone)?,
        // Entries without a byline (briefs) are credited to the outlet, as on the page.
        authors: vec![atom::Person {
            name: xml_safe(&reader.edition.outlet),
            ..atom::Person::default()
        }],
        links: vec![
            atom::Link {
                href: origin.absolute(&listing.page),
                mime_type: Some("text/html".to_owned()),
                ..atom::Link::default()
            },
            atom::Link {
                href: origin.absolute(&reader.path),
                rel: "self".to_owned(),
                mime_type: Some("application/atom+xml".to_owned()),
                ..atom::Link::default()
            },
        ],
        lang: Some(reader.code().to_owned()),
        entries: atom_entries,
        ..atom::Feed::default()
    };
    let bytes = feed
        .write_to(Vec::new())
        .map_err(|e| PageError::Internal(e.into()))?;
    String::from_utf8(bytes).map_err(|e| PageError::Internal(e.into()))
}

/// Drops characters XML 1.0 cannot carry at all, escaped or not (C0 controls but tab and
/// line ends, U+FFFE, U+FFFF), so one stray byte in a dek cannot break a whole feed.
pub fn xml_safe(text: &str) -> String {
    let carried = |c: &char| match c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_ascii_control(),
    };
    // Nearly every text is clean: one copy, not a character-by-character rebuild.
    if text.chars().all(|c| carried(&c)) {
        return text.to_owned();
    }
    text.chars().filter(carried).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_cannot_carry_are_dropped() {
        assert_eq!(xml_safe("a\u{1}b\u{FFFF}\tc\u{1F389}"), "ab\tc\u{1F389}");
        assert_eq!(
            xml_safe("Yaşar Güler, «Azərbaycan»"),
            "Yaşar Güler, «Azərbaycan»"
        );
    }

    #[test]
    fn only_a_plain_host_and_port_make_an_origin() {
        for good in [
            "news.example",
            "news.example:8080",
            "127.0.0.1:3000",
            "[::1]:80",
        ] {
            assert!(checked_host(good).is_some(), "{good}");
        }
        assert_eq!(
            checked_host("News.Example:8080"),
            Some(("news.example:8080".to_owned(), "news.example".to_owned()))
        );
        assert_eq!(
            checked_host("[::1]:80").map(|(_, host)| host).as_deref(),
            Some("[::1]")
        );
        for bad in [
            "",
            ":80",
            "news.example:",
            "news.example:99999",
            "[::1",
            "[::1]x",
            "user@news.example",
            "news.example:port",
            "news example",
            "news.example/x",
        ] {
            assert!(checked_host(bad).is_none(), "{bad}");
        }
    }
}
