//! Public reads of items: lists with filters and a cursor, one item, an edition's news
//! line; in Newsline's own JSON or, when asked, IPTC ninjs.
//!
//! Published items are answered from the read model, as the reader's pages are. A
//! caller with a read token may also list drafts, items in review, scheduled and
//! withdrawn ones, read from the store under the desk's visibility rules.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{Caller, Read};
use super::catalog::{AuthorOut, SectionOut, TagOut};
use super::conditional;
use super::cursor::Cursor;
use super::ninjs::{
    self, NinjsAltId, NinjsAssociation, NinjsItem, NinjsList, NinjsRendition, NinjsStandard,
    NinjsSubject, NinjsText,
};
use super::problem::{FieldProblem, Problem};
use crate::domain::{AuthorId, Correction, Item, ItemId, ItemKind, SectionId, Status, TagId};
use crate::read::{ItemMeta, Listing, Snapshot, cut, published_between};
use crate::store::{MediaRecord, StatusFilter};
use crate::web::{AppState, urls, views};

/// How long shared caches may keep an answer to an anonymous read.
const PUBLIC_CACHE: &str = "public, max-age=30";

/// Answers to a token holder are theirs alone and may show what is not public.
const PRIVATE_CACHE: &str = "private, no-store";

/// What every answer varies with: the format asked for and who asks.
const VARY: &str = "Accept, Authorization";

/// Items per page when the caller names no limit.
pub const DEFAULT_LIMIT: usize = 20;

/// The most items one page holds.
pub const MAX_LIMIT: usize = 100;

/// How many items the news line holds, as the reader's pages show it.
const NEWS_LINE_LENGTH: usize = views::NEWS_LINE_LENGTH;

/// The format of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Newsline's own JSON.
    Json,
    /// IPTC ninjs 3.0.
    Ninjs,
}

/// Picks the format: `?format=` first, then the `Accept` header; JSON by default.
fn negotiate(format: Option<&str>, headers: &HeaderMap) -> Result<Format, Problem> {
    match format {
        Some("json") => return Ok(Format::Json),
        Some("ninjs") => return Ok(Format::Ninjs),
        Some(other) => {
            return Err(Problem::invalid_parameters(vec![FieldProblem::parameter(
                "format",
                format!(
                    "'{}' is not a format: use json or ninjs",
                    other.chars().take(16).collect::<String>()
                ),
            )]));
        }
        None => {}
    }
    let asks_ninjs = headers.get_all(header::ACCEPT).iter().any(|v| {
        v.to_str().is_ok_and(|list| {
            list.split(',').any(|range| {
                let mut parts = range.split(';');
                let named = parts
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case(ninjs::MEDIA_TYPE));
                // `q=0` means "not this" (RFC 9110 12.4.2).
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                named && !refused
            })
        })
    });
    Ok(if asks_ninjs {
        Format::Ninjs
    } else {
        Format::Json
    })
}

/// The caller: anonymous, or the holder of a working token with the read scope. A
/// request that sends credentials that do not work is refused, not read as anonymous.
pub struct Viewer(Option<Caller<Read>>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if parts.headers.contains_key(header::AUTHORIZATION) {
            Ok(Self(Some(
                Caller::<Read>::from_request_parts(parts, state).await?,
            )))
        } else {
            Ok(Self(None))
        }
    }
}

/// Serializes `body` and answers with a strong ETag, or 304 when the client's
/// `If-None-Match` names it. One item's ETag starts with its version (`"v7-…"`), so
/// that a write may send it back in `If-Match`.
fn answer<T: Serialize>(
    body: &T,
    format: Format,
    private: bool,
    request: &HeaderMap,
    version: Option<i64>,
) -> Response {
    let bytes = match serde_json::to_vec(body) {
        Ok(bytes) => bytes,
        Err(err) => return Problem::internal(&err).into_response(),
    };
    let version = version.map(|v| format!("v{v}"));
    let etag = conditional::etag_of(&bytes, version.as_deref());
    let cache = if private { PRIVATE_CACHE } else { PUBLIC_CACHE };
    let fresh = conditional::is_fresh(request, &etag);
    let content_type = match format {
        Format::Json => "application/json",
        Format::Ninjs => ninjs::MEDIA_TYPE,
    };
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut ok = (StatusCode::OK, bytes).into_response();
        ok.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        ok
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
    response
}

/// A section as items name it.
pub type ItemSection = SectionOut;

/// A correction note.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionOut {
    /// When it was noted (RFC 3339).
    pub noted_at: String,
    /// What was wrong and what is right now.
    pub note: String,
}

/// An item's lead image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageOut {
    /// Its id.
    pub id: i64,
    /// The original file's address.
    pub url: String,
    /// Its media type.
    pub content_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Text for readers who cannot see it.
    pub alt: String,
    /// Its caption.
    pub caption: Option<String>,
    /// Its credit.
    pub credit: Option<String>,
    /// The point crops keep in view, across and down, in thousandths of the width
    /// and height (500, 500 is the centre).
    pub focal_point: [i64; 2],
}

/// One item in Newsline's JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    /// Its id.
    pub id: i64,
    /// Its global identifier, the same in every format.
    #[schema(example = "urn:newsline:item:42")]
    pub uri: String,
    /// The edition's code.
    pub edition: String,
    /// `article` or `brief`.
    pub kind: String,
    /// `draft`, `review`, `scheduled`, `published` or `unpublished`.
    pub status: String,
    /// The headline.
    pub headline: String,
    /// The standfirst.
    pub dek: Option<String>,
    /// Its URL segment.
    pub slug: String,
    /// Its reader page; only for published items (absolute when the site's base URL
    /// is configured).
    pub url: Option<String>,
    /// The section it is filed in.
    pub section: Option<ItemSection>,
    /// Authors in byline order.
    pub authors: Vec<AuthorOut>,
    /// Tags in the order given.
    pub tags: Vec<TagOut>,
    /// When it went (or goes) public (RFC 3339).
    pub published_at: Option<String>,
    /// Its last editorial change (RFC 3339).
    pub updated_at: String,
    /// The rendered, sanitized body; only in answers about one item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
    /// Title for search engines and social cards, when one was chosen; only in
    /// answers about one item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seo_title: Option<String>,
    /// Description for search engines and social cards, when one was chosen; only in
    /// answers about one item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seo_description: Option<String>,
    /// Correction notes, oldest first.
    pub corrections: Vec<CorrectionOut>,
    /// The lead image.
    pub lead_image: Option<ImageOut>,
    /// The item this one translates: the first of its group of translations.
    pub translation_of: Option<i64>,
}

/// A page of items, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemList {
    /// The items.
    pub data: Vec<ItemOut>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// An edition's news line: its latest items.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsLineOut {
    /// The edition's code.
    pub edition: String,
    /// The latest items, newest first.
    pub data: Vec<ItemOut>,
}

/// What an answer shows of an item, wherever it was read from.
struct Record {
    id: ItemId,
    edition: String,
    kind: ItemKind,
    status: Status,
    headline: String,
    slug: String,
    dek: Option<String>,
    section: SectionId,
    authors: Vec<AuthorId>,
    tags: Vec<TagId>,
    published_at: Option<Timestamp>,
    updated_at: Timestamp,
    corrections: Vec<Correction>,
    lead_media: Option<i64>,
    translation_of: Option<ItemId>,
    body_html: Option<String>,
    seo: crate::domain::Seo,
}

impl Record {
    fn published(meta: &ItemMeta) -> Self {
        Self {
            id: meta.id,
            edition: meta.edition.to_string(),
            kind: meta.kind,
            status: Status::Published,
            headline: meta.headline.to_string(),
            slug: meta.slug.to_string(),
            dek: meta.dek.as_deref().map(str::to_owned),
            section: meta.section,
            authors: meta.authors.to_vec(),
            tags: meta.tags.to_vec(),
            published_at: Some(meta.published_at()),
            updated_at: meta.updated_at(),
            corrections: meta.corrections.to_vec(),
            lead_media: meta.lead_media,
            translation_of: meta.translation_of,
            body_html: None,
            seo: crate::domain::Seo::default(),
        }
    }

    fn stored(item: Item, with_body: bool) -> Self {
        Self {
            id: item.id,
            edition: item.edition.to_string(),
            kind: item.kind,
            status: item.status,
            headline: item.headline,
            slug: item.slug,
            dek: item.dek,
            section: item.section,
            authors: item.authors,
            tags: item.tags,
            published_at: item.published_at,
            updated_at: item.updated_at,
            corrections: item.corrections,
            lead_media: item.lead_media,
            translation_of: item.translation_of,
            body_html: with_body.then_some(item.body.html),
            seo: if with_body {
                item.seo
            } else {
                crate::domain::Seo::default()
            },
        }
    }
}

/// The media type of an upload's original file.
fn image_type(format: &str) -> String {
    match format {
        "jpg" | "jpeg" => "image/jpeg".to_owned(),
        other => format!("image/{other}"),
    }
}

/// Turns records into answers, naming sections, authors, tags and images as the
/// snapshot has them.
struct Render<'a> {
    snapshot: &'a Snapshot,
    base: Option<String>,
}

/// Where links in an answer start: the configured base URL, or else the address the
/// request was sent to (a ninjs link must be an absolute URI). A Host header that is
/// not a plain host and port gives none.
fn origin(configured: Option<&str>, request: &HeaderMap) -> Option<String> {
    if let Some(base) = configured {
        return Some(base.to_owned());
    }
    let host = request.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then(|| format!("http://{host}"))
}

impl Render<'_> {
    fn absolute(&self, path: &str) -> String {
        match &self.base {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.to_owned(),
        }
    }

    fn uri(id: ItemId) -> String {
        format!("urn:newsline:item:{id}")
    }

    fn url(&self, r: &Record) -> Option<String> {
        if r.status != Status::Published {
            return None;
        }
        let section = self.snapshot.section(r.section)?;
        Some(self.absolute(&urls::item(
            &r.edition,
            r.id,
            &r.slug,
            section.slug.as_ref(),
        )))
    }

    fn image(&self, r: &Record) -> Option<&Arc<MediaRecord>> {
        self.snapshot.media(r.lead_media?)
    }

    fn json(&self, r: Record) -> ItemOut {
        let s = self.snapshot;
        ItemOut {
            id: r.id,
            uri: Self::uri(r.id),
            url: self.url(&r),
            section: s.section(r.section).map(|x| SectionOut {
                id: x.id,
                edition: x.edition.to_string(),
                slug: x.slug.to_string(),
                name: x.name.clone(),
            }),
            authors: r
                .authors
                .iter()
                .filter_map(|a| s.author(*a))
                .map(|a| AuthorOut {
                    id: a.id,
                    slug: a.slug.to_string(),
                    name: a.name.clone(),
                })
                .collect(),
            tags: r
                .tags
                .iter()
                .filter_map(|t| s.tag(*t))
                .map(|t| TagOut {
                    id: t.id,
                    edition: t.edition.to_string(),
                    slug: t.slug.to_string(),
                    name: t.name.clone(),
                })
                .collect(),
            lead_image: self.image(&r).map(|m| ImageOut {
                id: m.id,
                url: self.absolute(&views::media_src(m, None)),
                content_type: image_type(&m.format),
                width: m.width,
                height: m.height,
                alt: m.alt.clone(),
                caption: m.caption.clone(),
                credit: m.credit.clone(),
                focal_point: [m.focal_x, m.focal_y],
            }),
            translation_of: r.translation_of,
            edition: r.edition,
            kind: r.kind.as_str().to_owned(),
            status: r.status.as_str().to_owned(),
            headline: r.headline,
            dek: r.dek,
            slug: r.slug,
            published_at: r.published_at.map(|t| t.to_string()),
            updated_at: r.updated_at.to_string(),
            body_html: r.body_html,
            seo_title: r.seo.title,
            seo_description: r.seo.description,
            corrections: r
                .corrections
                .into_iter()
                .map(|c| CorrectionOut {
                    noted_at: c.noted_at.to_string(),
                    note: c.note,
                })
                .collect(),
        }
    }

    fn ninjs(&self, r: Record) -> NinjsItem {
        let s = self.snapshot;
        let byline: Vec<String> = r
            .authors
            .iter()
            .filter_map(|a| s.author(*a))
            .map(|a| a.name.clone())
            .collect();
        let mut subjects: Vec<NinjsSubject> = s
            .section(r.section)
            .map(|x| NinjsSubject {
                name: x.name.clone(),
                rel: "section".into(),
                uri: format!("urn:newsline:section:{}", x.id),
            })
            .into_iter()
            .collect();
        subjects.extend(
            r.tags
                .iter()
                .filter_map(|t| s.tag(*t))
                .map(|t| NinjsSubject {
                    name: t.name.clone(),
                    rel: "about".into(),
                    uri: format!("urn:newsline:tag:{}", t.id),
                }),
        );
        let mut descriptions: Vec<NinjsText> = r
            .dek
            .iter()
            .map(|d| NinjsText {
                role: Some("summary".into()),
                content_type: None,
                value: d.clone(),
            })
            .collect();
        descriptions.extend(r.corrections.iter().map(|c| NinjsText {
            role: Some("correction".into()),
            content_type: None,
            value: format!("{}: {}", c.noted_at, c.note),
        }));
        let associations = self
            .image(&r)
            .map(|m| NinjsAssociation {
                name: "leadimage".into(),
                rel: "leadimage".into(),
                uri: format!("urn:newsline:media:{}", m.id),
                kind: "picture",
                descriptions: std::iter::once(NinjsText {
                    role: Some("alt".into()),
                    content_type: None,
                    value: m.alt.clone(),
                })
                .chain(m.caption.iter().map(|c| NinjsText {
                    role: Some("caption".into()),
                    content_type: None,
                    value: c.clone(),
                }))
                .collect(),
                by: m.credit.clone(),
                renditions: vec![NinjsRendition {
                    name: "original".into(),
                    href: self.absolute(&views::media_src(m, None)),
                    content_type: image_type(&m.format),
                    width: Some(m.width),
                    height: Some(m.height),
                }],
            })
            .into_iter()
            .collect();
        let mut alt_ids = vec![NinjsAltId {
            role: "newsline-id".into(),
            value: r.id.to_string(),
        }];
        if let Some(url) = self.url(&r) {
            alt_ids.push(NinjsAltId {
                role: "url".into(),
                value: url,
            });
        }
        NinjsItem {
            uri: Self::uri(r.id),
            standard: NinjsStandard::v3(),
            kind: "text",
            first_created: r.published_at.unwrap_or(r.updated_at).to_string(),
            version_created: r.updated_at.to_string(),
            pub_status: match r.status {
                Status::Published => "usable",
                Status::Unpublished => "canceled",
                Status::Draft | Status::Review | Status::Scheduled => "withheld",
            },
            language: r.edition,
            headlines: vec![NinjsText {
                role: Some("main".into()),
                content_type: None,
                value: r.headline,
            }],
            descriptions,
            bodies: r
                .body_html
                .map(|html| NinjsText {
                    role: Some("main".into()),
                    content_type: Some("text/html".into()),
                    value: html,
                })
                .into_iter()
                .collect(),
            by: (!byline.is_empty()).then(|| byline.join(", ")),
            slugline: r.slug,
            subjects,
            associations,
            alt_ids,
        }
    }

    /// Answers with one item in `format`.
    fn one(
        &self,
        r: Record,
        version: Option<i64>,
        format: Format,
        private: bool,
        headers: &HeaderMap,
    ) -> Response {
        match format {
            Format::Json => answer(&self.json(r), format, private, headers, version),
            Format::Ninjs => answer(&self.ninjs(r), format, private, headers, version),
        }
    }

    /// Answers with a page of items in `format`.
    fn page(
        &self,
        records: Vec<Record>,
        next_cursor: Option<String>,
        format: Format,
        private: bool,
        headers: &HeaderMap,
    ) -> Response {
        match format {
            Format::Json => answer(
                &ItemList {
                    data: records.into_iter().map(|r| self.json(r)).collect(),
                    next_cursor,
                },
                format,
                private,
                headers,
                None,
            ),
            Format::Ninjs => answer(
                &NinjsList {
                    data: records.into_iter().map(|r| self.ninjs(r)).collect(),
                    next_cursor,
                },
                format,
                private,
                headers,
                None,
            ),
        }
    }
}

/// Which items to list. Every parameter is optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// Only this edition's items.
    #[param(example = "en")]
    pub edition: Option<String>,
    /// Only items in the section with this slug (in any edition, unless one is named).
    pub section: Option<String>,
    /// Only items with the tag of this slug.
    pub tag: Option<String>,
    /// Only items crediting the author with this slug.
    pub author: Option<String>,
    /// Only `article`s or only `brief`s.
    #[param(example = "article")]
    pub kind: Option<String>,
    /// Only items in this workflow status (default `published`); any other needs a
    /// token, and lists only what its owner may see on the desk.
    pub status: Option<String>,
    /// Only items from this time on: RFC 3339, or a date (from its start, UTC).
    /// Published items by publication time, others by last change.
    pub from: Option<String>,
    /// Only items before this time: RFC 3339, or a date (to its end, UTC).
    pub to: Option<String>,
    /// Where the previous page ended: its `next_cursor`.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    // Read as text so that a bad value is a problem naming `limit`, not a bare
    // rejection of the whole query; documented as the number it must be.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    /// `json` (the default) or `ninjs`; or send `Accept: application/vnd.iptc.ninjs+json`.
    pub format: Option<String>,
}

/// A checked [`ItemQuery`].
struct Filters {
    editions: Vec<String>,
    section: Option<String>,
    tag: Option<String>,
    author: Option<AuthorId>,
    kind: Option<ItemKind>,
    status: Status,
    from: Option<Timestamp>,
    until: Option<Timestamp>,
    cursor: Option<Cursor>,
    limit: usize,
}

fn clip(raw: &str) -> String {
    raw.chars().take(32).collect()
}

/// Reads a time bound: RFC 3339, or a date taken in UTC (its start, or with `end`,
/// the start of the next day, so `to=2026-03-01` includes that day).
fn bound(raw: &str, end: bool) -> Option<Timestamp> {
    if let Ok(at) = raw.parse::<Timestamp>() {
        return Some(at);
    }
    let date: Date = raw.parse().ok()?;
    let day = if end { date.tomorrow().ok()? } else { date };
    day.to_zoned_datetime(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

impl Filters {
    /// Checks every parameter, naming each bad one.
    fn read(q: &ItemQuery, snapshot: &Snapshot) -> Result<Self, Problem> {
        let mut errors = Vec::new();
        let editions: Vec<String> = match &q.edition {
            Some(code) if snapshot.edition(code).is_some() => vec![code.clone()],
            Some(code) => {
                errors.push(FieldProblem::parameter(
                    "edition",
                    format!("there is no edition '{}'", clip(code)),
                ));
                Vec::new()
            }
            None => snapshot
                .editions()
                .iter()
                .map(|e| e.code.to_string())
                .collect(),
        };
        if let Some(slug) = &q.section
            && !editions
                .iter()
                .any(|e| snapshot.section_by_slug(e, slug).is_some())
        {
            errors.push(FieldProblem::parameter(
                "section",
                format!("there is no section '{}'", clip(slug)),
            ));
        }
        if let Some(slug) = &q.tag
            && !editions
                .iter()
                .any(|e| snapshot.tag_by_slug(e, slug).is_some())
        {
            errors.push(FieldProblem::parameter(
                "tag",
                format!("there is no tag '{}'", clip(slug)),
            ));
        }
        let author = match &q.author {
            None => None,
            Some(slug) => match snapshot.author_by_slug(slug) {
                Some(a) => Some(a.id),
                None => {
                    errors.push(FieldProblem::parameter(
                        "author",
                        format!("there is no author '{}'", clip(slug)),
                    ));
                    None
                }
            },
        };
        let kind = match q.kind.as_deref().map(ItemKind::parse) {
            None => None,
            Some(Ok(kind)) => Some(kind),
            Some(Err(_)) => {
                errors.push(FieldProblem::parameter(
                    "kind",
                    "the kind is article or brief",
                ));
                None
            }
        };
        let status = match q.status.as_deref().map(Status::parse) {
            None => Status::Published,
            Some(Ok(status)) => status,
            Some(Err(_)) => {
                errors.push(FieldProblem::parameter(
                    "status",
                    "the status is draft, review, scheduled, published or unpublished",
                ));
                Status::Published
            }
        };
        let mut time = |name: &str, raw: &Option<String>, end: bool| match raw {
            None => None,
            Some(raw) => {
                let at = bound(raw, end);
                if at.is_none() {
                    errors.push(FieldProblem::parameter(
                        name,
                        "give an RFC 3339 time (2026-03-01T09:00:00Z) or a date (2026-03-01)",
                    ));
                }
                at
            }
        };
        let from = time("from", &q.from, false);
        let until = time("to", &q.to, true);
        if let (Some(from), Some(until)) = (from, until)
            && from >= until
        {
            errors.push(FieldProblem::parameter("to", "to must come after from"));
        }
        let cursor = match q.cursor.as_deref().map(Cursor::parse) {
            None => None,
            Some(Ok(cursor)) => Some(cursor),
            Some(Err(e)) => {
                errors.push(FieldProblem::parameter("cursor", e.to_string()));
                None
            }
        };
        let limit = match q.limit.as_deref().map(str::parse::<usize>) {
            None => DEFAULT_LIMIT,
            Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(_) => {
                errors.push(FieldProblem::parameter(
                    "limit",
                    format!("the limit is a whole number from 1 to {MAX_LIMIT}"),
                ));
                DEFAULT_LIMIT
            }
        };
        if !errors.is_empty() {
            return Err(Problem::invalid_parameters(errors));
        }
        Ok(Self {
            editions,
            section: q.section.clone(),
            tag: q.tag.clone(),
            author,
            kind,
            status,
            from,
            until,
            cursor,
            limit,
        })
    }
}

/// The ordering key of a published item in every newest-first list.
fn key(item: &ItemMeta) -> (i64, ItemId) {
    (item.published_at().as_microsecond(), item.id)
}

/// The position of the first item of a newest-first list strictly older than `cursor`.
fn after(list: &Listing, cursor: Cursor) -> usize {
    let (mut low, mut high) = (0, list.len());
    while low < high {
        let mid = low + (high - low) / 2;
        if list
            .get(mid)
            .is_some_and(|i| key(i) >= (cursor.at, cursor.id))
        {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// Up to `limit + 1` published items matching `f`, newest first, from the read model:
/// each edition's narrowest list, cut to the time range and the cursor by binary
/// search, then filtered by what that list does not already ensure.
fn published(snapshot: &Snapshot, f: &Filters) -> Vec<Arc<ItemMeta>> {
    let wanted = f.limit + 1;
    let mut found: Vec<Arc<ItemMeta>> = Vec::new();
    for edition in &f.editions {
        let section = match &f.section {
            Some(slug) => match snapshot.section_by_slug(edition, slug) {
                Some(s) => Some(s.id),
                None => continue,
            },
            None => None,
        };
        let tag = match &f.tag {
            Some(slug) => match snapshot.tag_by_slug(edition, slug) {
                Some(t) => Some(t.id),
                None => continue,
            },
            None => None,
        };
        let base = if let Some(tag) = tag {
            snapshot.with_tag(edition, tag)
        } else if let Some(section) = section {
            snapshot.in_section(edition, section)
        } else if let Some(author) = f.author {
            snapshot.by_author(edition, author)
        } else {
            snapshot.newest(edition)
        };
        let list = published_between(
            base,
            f.from.unwrap_or(Timestamp::MIN),
            f.until.unwrap_or(Timestamp::MAX),
        );
        let start = f.cursor.map_or(0, |c| after(&list, c));
        let rest = cut(&list, start, list.len().saturating_sub(start));
        found.extend(
            rest.iter()
                .filter(|i| {
                    section.is_none_or(|s| i.section == s)
                        && tag.is_none_or(|t| i.tags.contains(&t))
                        && f.author.is_none_or(|a| i.authors.contains(&a))
                        && f.kind.is_none_or(|k| i.kind == k)
                })
                .take(wanted)
                .cloned(),
        );
    }
    found.sort_by_key(|i| std::cmp::Reverse(key(i)));
    found.truncate(wanted);
    found
}

/// Items in another status, from the store under the desk's rules.
async fn in_status(
    state: &AppState,
    caller: &Caller<Read>,
    snapshot: &Snapshot,
    f: &Filters,
) -> Result<Vec<((i64, ItemId), Item)>, Problem> {
    let ids_of = |slug: &Option<String>, find: &dyn Fn(&str, &str) -> Option<i64>| {
        slug.as_ref().map(|slug| {
            f.editions
                .iter()
                .filter_map(|e| find(e, slug))
                .collect::<Vec<i64>>()
        })
    };
    let filter = StatusFilter {
        created_by: None,
        edition: (f.editions.len() == 1).then(|| f.editions[0].clone()),
        sections: ids_of(&f.section, &|e, s| {
            snapshot.section_by_slug(e, s).map(|x| x.id)
        }),
        tags: ids_of(&f.tag, &|e, s| snapshot.tag_by_slug(e, s).map(|x| x.id)),
        author: f.author,
        kind: f.kind,
        from: f.from.map(Timestamp::as_microsecond),
        until: f.until.map(Timestamp::as_microsecond),
        before: f.cursor.map(|c| (c.at, c.id)),
    };
    let limit = i64::try_from(f.limit + 1).unwrap_or(i64::MAX);
    state
        .newsroom
        .items_in_status(caller.actor(), f.status, filter, limit)
        .await
        .map_err(Problem::from)
}

fn bad_query(e: QueryRejection) -> Problem {
    Problem::invalid_parameters(vec![FieldProblem::parameter("query", e.body_text())])
}

/// Items, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/items",
    tag = "items",
    params(ItemQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of items, newest first", content(
            (ItemList = "application/json"),
            (NinjsList = "application/vnd.iptc.ninjs+json"),
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A bad parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A status other than published without a token, or a token that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A token without the read scope", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_items(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    headers: HeaderMap,
    query: Result<Query<ItemQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(bad_query)?;
    let format = negotiate(query.format.as_deref(), &headers)?;
    let snapshot = state.read.snapshot();
    let filters = Filters::read(&query, &snapshot)?;
    let render = Render {
        snapshot: &snapshot,
        base: origin(state.site.base_url.as_deref(), &headers),
    };
    let private = caller.is_some();
    let (mut records, keys): (Vec<Record>, Vec<(i64, ItemId)>) =
        if filters.status == Status::Published {
            published(&snapshot, &filters)
                .iter()
                .map(|i| (Record::published(i), key(i)))
                .unzip()
        } else {
            let Some(caller) = &caller else {
                return Err(Problem::unauthenticated(
                    "only published items are public: send a token to list others",
                ));
            };
            in_status(&state, caller, &snapshot, &filters)
                .await?
                .into_iter()
                .map(|(key, item)| (Record::stored(item, false), key))
                .unzip()
        };
    let next_cursor = if records.len() > filters.limit {
        records.truncate(filters.limit);
        keys.get(filters.limit - 1)
            .map(|&(at, id)| Cursor { at, id }.encode())
    } else {
        None
    };
    Ok(render.page(records, next_cursor, format, private, &headers))
}

/// How to answer about one item.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (the default) or `ninjs`; or send `Accept: application/vnd.iptc.ninjs+json`.
    pub format: Option<String>,
}

/// One item, with its body.
#[utoipa::path(
    get,
    path = "/api/v1/items/{id}",
    tag = "items",
    params(("id" = i64, Path, description = "The item's id", example = 42), FormatQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The item, with its body", content(
            (ItemOut = "application/json"),
            (NinjsItem = "application/vnd.iptc.ninjs+json"),
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show_item(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    query: Result<Query<FormatQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(bad_query)?;
    let format = negotiate(query.format.as_deref(), &headers)?;
    let missing = || Problem::not_found(format!("there is no item '{}'", clip(&raw)));
    let id: ItemId = raw.parse().map_err(|_| missing())?;
    let snapshot = state.read.snapshot();
    let render = Render {
        snapshot: &snapshot,
        base: origin(state.site.base_url.as_deref(), &headers),
    };
    let private = caller.is_some();
    if let Some(meta) = snapshot.item(id) {
        let body = state.read.bodies().body(id).await.map_err(Problem::from)?;
        let Some(body) = body else {
            return Err(missing());
        };
        let version = state
            .newsroom
            .item_version(id)
            .await
            .map_err(Problem::from)?;
        let mut record = Record::published(meta);
        record.body_html = Some(body.html);
        record.seo = body.seo;
        return Ok(render.one(record, version, format, private, &headers));
    }
    let Some(caller) = &caller else {
        return Err(missing());
    };
    match state
        .newsroom
        .item_for(caller.actor(), id)
        .await
        .map_err(Problem::from)?
    {
        // A published item not yet in the read model is answered from the store.
        Some(item) => {
            let version = Some(item.version);
            Ok(render.one(
                Record::stored(item, true),
                version,
                format,
                private,
                &headers,
            ))
        }
        None => Err(missing()),
    }
}

/// An edition's news line: its latest items, as the reader's pages show them.
#[utoipa::path(
    get,
    path = "/api/v1/editions/{code}/newsline",
    tag = "items",
    params(("code" = String, Path, description = "The edition's code", example = "en"), FormatQuery),
    responses(
        (status = 200, description = "The edition's latest items, newest first", content(
            (NewsLineOut = "application/json"),
            (NinjsList = "application/vnd.iptc.ninjs+json"),
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no such edition", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show_news_line(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    query: Result<Query<FormatQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(bad_query)?;
    let format = negotiate(query.format.as_deref(), &headers)?;
    let snapshot = state.read.snapshot();
    if snapshot.edition(&code).is_none() {
        return Err(Problem::not_found(format!(
            "there is no edition '{}'",
            clip(&code)
        )));
    }
    let render = Render {
        snapshot: &snapshot,
        base: origin(state.site.base_url.as_deref(), &headers),
    };
    let records: Vec<Record> = snapshot
        .latest(&code, NEWS_LINE_LENGTH)
        .iter()
        .map(|i| Record::published(i))
        .collect();
    // The news line is the same for everyone: it never varies with a token.
    Ok(match format {
        Format::Json => answer(
            &NewsLineOut {
                edition: code.clone(),
                data: records.into_iter().map(|r| render.json(r)).collect(),
            },
            format,
            false,
            &headers,
            None,
        ),
        Format::Ninjs => render.page(records, None, format, false, &headers),
    })
}
