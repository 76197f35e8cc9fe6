//! `robots.txt`, the sitemap index, one sitemap per edition and month, and the Google
//! News sitemap of the last two days.
//!
//! Monthly sitemaps keep every file small and cacheable: an old month changes only when
//! one of its items is edited. The XML is written with quick-xml's `Writer`, which escapes
//! every text it is given.
//!
//! Addresses: `/sitemaps/{edition}/{yyyy}-{mm}.xml`, and `?page=N` (from 2) for the rest of
//! a month with more than [`MAX_URLS`] items. Any path that names no sitemap we list (an
//! unknown edition, a malformed month such as `2025-13` or `20x5-01`, a month without
//! items) is a 404; a malformed `?page=` is a 400 and one past the last part a 404,
//! exactly as on the paginated pages.

use std::io;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::AppState;
use super::cache::with_keys;
use super::error::PageError;
use super::feeds::{Origin, modified_at, xml_response};
use super::reader::{PageQuery, Reader};
use crate::domain::time;
use crate::read::Dependency;
use crate::read::{ItemMeta, Listing, Snapshot, count_from, cut};

/// Most URLs one sitemap may list, by the sitemaps.org protocol.
pub const MAX_URLS: usize = 50_000;
/// Most URLs a Google News sitemap may list.
pub const MAX_NEWS_URLS: usize = 1_000;
/// How far back the news sitemap reaches: Google News only takes the last two days.
const NEWS_WINDOW: SignedDuration = SignedDuration::from_hours(48);

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const XML_TYPE: &str = "application/xml; charset=utf-8";
/// Crawlers refetch sitemaps on their own schedule; five minutes spares the origin.
const SITEMAP_CACHE: &str = "public, max-age=300";
/// The news sitemap is what brings breaking news to news search: keep it fresh.
const NEWS_CACHE: &str = "public, max-age=60";

/// The sitemap routes, merged into the reader's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/robots.txt", get(show_robots))
        .route("/sitemap.xml", get(show_sitemap_index))
        .route("/sitemaps/news.xml", get(show_news_sitemap))
        .route(
            "/sitemaps/{edition}/news.xml",
            get(show_edition_news_sitemap),
        )
        .route("/sitemaps/{edition}/{file}", get(show_month_sitemap))
}

/// Crawlers may read everything but the newsroom; the sitemaps are named for them:
/// the index, the news sitemap of every edition together, and each edition's own.
async fn show_robots(State(state): State<AppState>, origin: Origin) -> Response {
    let mut body = format!(
        "User-agent: *\nDisallow: /newsroom\n\nSitemap: {}\nSitemap: {}\n",
        origin.absolute("/sitemap.xml"),
        origin.absolute("/sitemaps/news.xml"),
    );
    for edition in state.read.snapshot().editions() {
        body.push_str(&format!(
            "Sitemap: {}\n",
            origin.absolute(&news_path(edition.code.as_ref()))
        ));
    }
    with_keys(
        xml_response(body, "text/plain; charset=utf-8", SITEMAP_CACHE),
        vec![Dependency::Robots],
    )
}

/// One sitemap per edition per month with items, each part of a long month listed.
async fn show_sitemap_index(
    State(state): State<AppState>,
    origin: Origin,
) -> Result<Response, PageError> {
    let snapshot = state.read.snapshot();
    let entries = index_entries(&snapshot, &state.site.time_zone, MAX_URLS);
    let zone = &state.site.time_zone;
    let body = write_xml(|w| {
        w.create_element("sitemapindex")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for entry in &entries {
                    w.create_element("sitemap").write_inner_content(|w| {
                        text_element(w, "loc", &origin.absolute(&entry.path))?;
                        text_element(w, "lastmod", &time::machine(entry.lastmod, zone))
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(with_keys(
        xml_response(body, XML_TYPE, SITEMAP_CACHE),
        vec![Dependency::Sitemap],
    ))
}

/// The items an edition published in one month of the site's zone.
async fn show_month_sitemap(
    reader: Reader,
    origin: Origin,
    Path((_, file)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let month = parse_month_file(&file).ok_or(PageError::NotFound)?;
    let part = query.number()?;
    let zone = &reader.site.time_zone;
    let items = month_part(&reader.snapshot, reader.code(), month, zone, part, MAX_URLS)
        .ok_or(PageError::NotFound)?;
    let views = reader.views();
    let body = write_xml(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for item in &items {
                    w.create_element("url").write_inner_content(|w| {
                        text_element(w, "loc", &origin.absolute(&views.item_href(item)))?;
                        text_element(w, "lastmod", &time::machine(modified_at(item), zone))
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(with_keys(
        xml_response(body, XML_TYPE, SITEMAP_CACHE),
        vec![Dependency::Sitemap],
    ))
}

/// The address of an edition's own news sitemap.
fn news_path(edition: &str) -> String {
    format!("/sitemaps/{edition}/news.xml")
}

/// Google News: what every edition published in the last two days, newest first.
async fn show_news_sitemap(
    State(state): State<AppState>,
    origin: Origin,
) -> Result<Response, PageError> {
    news_sitemap(&state, &origin, None)
}

/// Google News for one edition, with its own publication name and language.
async fn show_edition_news_sitemap(
    State(state): State<AppState>,
    origin: Origin,
    Path(edition): Path<String>,
) -> Result<Response, PageError> {
    if state.read.snapshot().edition(&edition).is_none() {
        return Err(PageError::NotFound);
    }
    news_sitemap(&state, &origin, Some(&edition))
}

/// The news sitemap of one edition, or of all of them.
fn news_sitemap(
    state: &AppState,
    origin: &Origin,
    only: Option<&str>,
) -> Result<Response, PageError> {
    let snapshot = state.read.snapshot();
    let zone = &state.site.time_zone;
    let now = state.newsroom.now();
    let since = now
        .checked_sub(NEWS_WINDOW)
        .map_err(|e| PageError::Internal(e.into()))?;
    let items = recent_items(&snapshot, only, since, MAX_NEWS_URLS);
    let body = write_xml(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .with_attribute(("xmlns:news", NEWS_NS))
            .write_inner_content(|w| {
                for item in &items {
                    let Some(edition) = snapshot.edition(item.edition.as_ref()) else {
                        continue;
                    };
                    let views = super::views::Views {
                        snapshot: &snapshot,
                        code: edition.code.as_ref(),
                        site: &state.site,
                    };
                    let published = item.published_at();
                    w.create_element("url").write_inner_content(|w| {
                        text_element(w, "loc", &origin.absolute(&views.item_href(item)))?;
                        w.create_element("news:news").write_inner_content(|w| {
                            w.create_element("news:publication")
                                .write_inner_content(|w| {
                                    text_element(
                                        w,
                                        "news:name",
                                        &super::feeds::xml_safe(&edition.name),
                                    )?;
                                    // Google News takes ISO 639 codes: `az`, not `az-Latn`.
                                    text_element(w, "news:language", edition.language.primary())
                                })?;
                            text_element(
                                w,
                                "news:publication_date",
                                &time::machine(published, zone),
                            )?;
                            text_element(w, "news:title", &super::feeds::xml_safe(&item.headline))
                        })?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(xml_response(body, XML_TYPE, NEWS_CACHE))
}

/// One `<sitemap>` of the index.
#[derive(Debug, PartialEq, Eq)]
struct IndexEntry {
    path: String,
    lastmod: Timestamp,
}

/// The address of part `part` (from 1) of an edition's sitemap for `month`.
fn month_path(edition: &str, month: Date, part: usize) -> String {
    let path = format!("/sitemaps/{edition}/{}.xml", month.strftime("%Y-%m"));
    if part > 1 {
        format!("{path}?page={part}")
    } else {
        path
    }
}

/// Every monthly sitemap of every edition, cut into parts of at most `limit` URLs.
fn index_entries(snapshot: &Snapshot, zone: &TimeZone, limit: usize) -> Vec<IndexEntry> {
    let mut entries = Vec::new();
    for edition in snapshot.editions() {
        let code = edition.code.as_ref();
        for (month, items) in months(snapshot.newest(code), zone) {
            for (i, part) in chunks(&items, limit).into_iter().enumerate() {
                let Some(lastmod) = part.iter().map(|i| modified_at(i)).max() else {
                    continue;
                };
                entries.push(IndexEntry {
                    path: month_path(code, month, i + 1),
                    lastmod,
                });
            }
        }
    }
    entries
}

/// Cuts a list into parts of at most `limit` items, each in O(log n).
fn chunks(list: &Listing, limit: usize) -> Vec<Listing> {
    let limit = limit.max(1);
    (0..list.len().div_ceil(limit))
        .map(|n| cut(list, n * limit, limit))
        .collect()
}

/// Splits a newest-first list into local months, newest first, skipping empty months.
///
/// Each month's start is found by binary search, so the work grows with the number of
/// months rather than with a time-zone conversion per item.
fn months(list: &Listing, zone: &TimeZone) -> Vec<(Date, Listing)> {
    let mut months = Vec::new();
    let mut rest = list.clone();
    while let Some(at) = rest.front().map(|i| i.published_at()) {
        let month = time::local_date(at, zone).first_of_month();
        let Some((start, _)) = time::day_bounds(month, zone) else {
            break;
        };
        // The first item is at or after its month's start, so every round takes at least one.
        let n = count_from(&rest, start).max(1);
        let older = rest.split_off(n);
        months.push((month, rest));
        rest = older;
    }
    months
}

/// Part `part` (from 1) of an edition's items published in `month`; `None` when the month
/// has no items or no such part.
fn month_part(
    snapshot: &Snapshot,
    edition: &str,
    month: Date,
    zone: &TimeZone,
    part: usize,
    limit: usize,
) -> Option<Listing> {
    let (start, _) = time::day_bounds(month.first_of_month(), zone)?;
    let (_, end) = time::day_bounds(month.last_of_month(), zone)?;
    let items = snapshot.published_between(edition, start, end);
    chunks(&items, limit).into_iter().nth(part.checked_sub(1)?)
}

/// Reads `yyyy-mm.xml`; anything else, or a month that does not exist, is `None`.
fn parse_month_file(file: &str) -> Option<Date> {
    let stem = file.strip_suffix(".xml")?;
    let shape_ok = stem.len() == 7
        && stem.bytes().enumerate().all(|(i, b)| match i {
            4 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    let year: i16 = stem.get(..4)?.parse().ok()?;
    let month: i8 = stem.get(5..)?.parse().ok()?;
    Date::new(year, month, 1).ok()
}

/// Every edition's items published since `since`, newest first, at most `limit`.
fn recent_items(
    snapshot: &Snapshot,
    only: Option<&str>,
    since: Timestamp,
    limit: usize,
) -> Vec<Arc<ItemMeta>> {
    let mut items: Vec<Arc<ItemMeta>> = snapshot
        .editions()
        .iter()
        .filter(|e| only.is_none_or(|code| e.code.as_ref() == code))
        .flat_map(|e| {
            let newest = snapshot.newest(e.code.as_ref());
            let recent = count_from(newest, since);
            newest.iter().take(recent.min(limit)).cloned()
        })
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse((i.published_at(), i.id)));
    items.truncate(limit);
    items
}

fn text_element<W: io::Write>(w: &mut Writer<W>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// Runs `body` on a writer that has written the XML declaration, and returns the text.
fn write_xml(
    body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>,
) -> Result<String, PageError> {
    let mut writer = Writer::new(Vec::new());
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(|e| PageError::Internal(e.into()))?;
    body(&mut writer).map_err(|e| PageError::Internal(e.into()))?;
    String::from_utf8(writer.into_inner()).map_err(|e| PageError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Body, Edition, EditionCode, Item, ItemKind, Section, Slug, Status};
    use crate::read::Taxonomy;

    fn baku() -> TimeZone {
        TimeZone::get("Asia/Baku").expect("bundled tzdb has Asia/Baku")
    }

    fn item(id: i64, at: &str) -> Item {
        let at: Timestamp = at.parse().expect("valid time");
        Item {
            id,
            edition: EditionCode::parse("en").expect("valid"),
            kind: ItemKind::Brief,
            headline: format!("Item {id}"),
            slug: format!("item-{id}"),
            dek: None,
            seo: crate::domain::Seo::default(),
            body: Body::default(),
            section: 1,
            authors: Vec::new(),
            outlet: None,
            tags: Vec::new(),
            translation_of: None,
            related: None,
            status: Status::Published,
            pinned: false,
            published_at: Some(at),
            updated_at: at,
            corrections: Vec::new(),
            breaking: false,
            embargo_until: None,
            unpublish_at: None,
            lead_media: None,
            created_by: None,
            version: 1,
        }
    }

    fn snapshot(items: Vec<Item>) -> Snapshot {
        let taxonomy = Taxonomy {
            editions: vec![Edition::new(
                EditionCode::parse("en").expect("valid"),
                "Test News",
                "Test News",
            )],
            sections: vec![Section {
                id: 1,
                edition: EditionCode::parse("en").expect("valid"),
                slug: Slug::parse("politics").expect("valid"),
                name: "Politics".into(),
                hidden: false,
            }],
            ..Taxonomy::default()
        };
        let items = items
            .iter()
            .filter_map(|i| ItemMeta::from_item(i, "en".into()))
            .collect();
        Snapshot::build(1, &taxonomy, items)
    }

    #[test]
    fn a_month_over_the_limit_is_split_into_parts_listed_in_the_index() {
        // Six items in May (Baku time), one in April; a limit of two URLs per sitemap.
        let snap = snapshot(vec![
            item(1, "2025-05-01T10:00:00Z"),
            item(2, "2025-05-02T10:00:00Z"),
            item(3, "2025-05-03T10:00:00Z"),
            item(4, "2025-05-04T10:00:00Z"),
            item(5, "2025-05-31T19:59:00Z"),
            // 23:59 on 30 April in UTC is already 1 May in Baku.
            item(6, "2025-04-30T20:00:00Z"),
            item(7, "2025-04-30T19:59:00Z"),
        ]);
        let entries = index_entries(&snap, &baku(), 2);
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/sitemaps/en/2025-05.xml",
                "/sitemaps/en/2025-05.xml?page=2",
                "/sitemaps/en/2025-05.xml?page=3",
                "/sitemaps/en/2025-04.xml",
            ]
        );
        let may = Date::new(2025, 5, 1).expect("valid");
        let ids = |part| {
            month_part(&snap, "en", may, &baku(), part, 2)
                .map(|items| items.iter().map(|i| i.id).collect::<Vec<_>>())
        };
        assert_eq!(ids(1), Some(vec![5, 4]));
        assert_eq!(ids(2), Some(vec![3, 2]));
        assert_eq!(ids(3), Some(vec![1, 6]));
        assert_eq!(ids(4), None);
        assert_eq!(ids(0), None);
        assert_eq!(
            entries[0].lastmod,
            "2025-05-31T19:59:00Z".parse().expect("valid")
        );
    }

    #[test]
    fn with_the_real_limit_a_month_is_one_sitemap() {
        let snap = snapshot(vec![item(1, "2025-05-01T10:00:00Z")]);
        let entries = index_entries(&snap, &baku(), MAX_URLS);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].path, "/sitemaps/en/2025-05.xml");
    }

    #[test]
    fn only_real_months_in_the_file_form_are_read() {
        assert_eq!(
            parse_month_file("2025-05.xml"),
            Some(Date::new(2025, 5, 1).expect("valid"))
        );
        for bad in [
            "2025-13.xml",
            "2025-00.xml",
            "20x5-01.xml",
            "2025-5.xml",
            "2025-05",
            "2025-05.xml.gz",
            "+025-05.xml",
            "2025_05.xml",
            "",
        ] {
            assert_eq!(parse_month_file(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_news_sitemap_takes_the_newest_items_up_to_its_limit() {
        let snap = snapshot(vec![
            item(1, "2025-05-01T10:00:00Z"),
            item(2, "2025-05-02T10:00:00Z"),
            item(3, "2025-05-03T10:00:00Z"),
        ]);
        let since: Timestamp = "2025-05-01T12:00:00Z".parse().expect("valid");
        let ids: Vec<i64> = recent_items(&snap, None, since, 1)
            .iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids, [3]);
        let ids: Vec<i64> = recent_items(&snap, None, since, 10)
            .iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids, [3, 2]);
    }
}
