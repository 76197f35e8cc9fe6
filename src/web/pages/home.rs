//! An edition's home page: the front its editors arranged (or, with none, an automatic
//! one), the breaking-news strip and the news line.

use std::collections::HashSet;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use jiff::Timestamp;

use crate::domain::{Arrangement, ItemId, SectionBlock};
use crate::read::{Dependency, ItemMeta};
use crate::web::AppState;
use crate::web::cache::CacheUntil;
use crate::web::error::PageError;
use crate::web::reader::Reader;
use crate::web::respond;
use crate::web::views::{Chrome, ItemLine, NewsLine, focal_classes, media_src, media_srcset};

/// How many pinned stories lead an automatic front.
const LEADS: usize = 8;
/// How many of each section's latest items an automatic front shows.
const AUTOMATIC_BLOCK: usize = 4;
/// Most items in the breaking strip.
const BREAKING: usize = 3;
/// How far down the news the breaking strip looks for a fresh item.
const BREAKING_SCAN: usize = 200;

/// The lead story's image, in every width it was resized to.
pub struct LeadImage {
    /// The original, for browsers without `srcset`.
    pub src: String,
    /// Variants in the original format.
    pub srcset: String,
    /// WebP variants.
    pub webp_srcset: String,
    /// Intrinsic size, so the layout does not shift while it loads.
    pub width: i64,
    /// Intrinsic height.
    pub height: i64,
    /// What it shows.
    pub alt: String,
    /// Classes cropping it around its focal point.
    pub crop: String,
}

/// The lead story: a line with its image.
pub struct LeadStory {
    /// Headline, standfirst, section and time.
    pub line: ItemLine,
    /// Its lead image, if it has one.
    pub image: Option<LeadImage>,
}

/// A section's latest items.
pub struct Block {
    /// The section's id, for the heading's anchor.
    pub id: i64,
    /// The section's name.
    pub title: String,
    /// Its listing.
    pub href: String,
    /// Its latest items.
    pub items: Vec<ItemLine>,
}

/// What the home page shows above the news line.
pub struct Front {
    /// Items marked breaking while they are fresh.
    pub breaking: Vec<ItemLine>,
    /// The lead story.
    pub lead: Option<LeadStory>,
    /// Top stories, in the editors' order.
    pub top: Vec<ItemLine>,
    /// Section blocks.
    pub blocks: Vec<Block>,
}

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    chrome: Chrome,
    front: Front,
    news_line: NewsLine,
    /// Shown to an editor before the arrangement goes live: never public, never indexed.
    preview: bool,
}

/// An edition's home page.
pub async fn show_home(
    State(state): State<AppState>,
    reader: Reader,
) -> Result<Response, PageError> {
    let now = state.newsroom.now();
    let arrangement = reader.snapshot.front(reader.code()).cloned();
    let (front, until) = front_page(
        &reader,
        arrangement.as_deref(),
        now,
        state.site.breaking_fresh_for,
    );
    let mut chrome = reader.chrome("");
    let home = crate::web::urls::home(reader.code());
    chrome.head = reader.list_meta("WebPage", &reader.edition.name, &home, &[]);
    let description = describe(&reader.edition.name, &front);
    chrome
        .head
        .properties
        .push(("og:description", description.clone()));
    chrome.head.description = Some(description);
    let page = HomePage {
        chrome,
        front,
        news_line: reader.news_line(None),
        preview: false,
    };
    let mut response = reader.cacheable(respond::html(&page)?);
    if let Some(until) = until {
        response.extensions_mut().insert(CacheUntil(until));
    }
    Ok(response)
}

/// Longest home page description, about what search results show.
const DESCRIPTION_CHARS: usize = 160;

/// The home page's description: the edition's name and the headlines it leads with, as
/// many as fit.
fn describe(name: &str, front: &Front) -> String {
    let mut text = name.to_owned();
    let headlines = front
        .lead
        .iter()
        .map(|l| &l.line)
        .chain(&front.top)
        .map(|l| l.headline.as_str());
    for (i, headline) in headlines.enumerate() {
        let joint = if i == 0 { ": " } else { " · " };
        if text.chars().count() + joint.len() + headline.chars().count() > DESCRIPTION_CHARS {
            break;
        }
        text.push_str(joint);
        text.push_str(headline);
    }
    text
}

/// The home page as `arrangement` would show it, for an editor before it goes live:
/// rendered afresh, never cached and never indexed.
pub fn preview_home(
    state: &AppState,
    reader: &Reader,
    arrangement: &Arrangement,
) -> Result<Response, PageError> {
    let (front, _) = front_page(
        reader,
        Some(arrangement),
        state.newsroom.now(),
        state.site.breaking_fresh_for,
    );
    let mut chrome = reader.chrome("");
    chrome.head.canonical = None;
    chrome.head.robots = Some("noindex");
    let page = HomePage {
        chrome,
        front,
        news_line: reader.news_line(None),
        preview: true,
    };
    respond::private_html(&page)
}

/// The front of `reader`'s edition and, when its breaking strip shows anything, the
/// time the first of those goes stale, after which the page must be rendered again.
fn front_page(
    reader: &Reader,
    arrangement: Option<&Arrangement>,
    now: Timestamp,
    fresh_for: jiff::SignedDuration,
) -> (Front, Option<Timestamp>) {
    reader.depends_on(Dependency::Home(reader.edition_key()));
    let (breaking, until) = breaking(reader, now, fresh_for);
    let front = match arrangement {
        Some(a) => arranged(reader, a, breaking),
        None => automatic(reader, breaking),
    };
    (front, until)
}

/// Items marked breaking and published less than `fresh_for` ago, newest first.
fn breaking(
    reader: &Reader,
    now: Timestamp,
    fresh_for: jiff::SignedDuration,
) -> (Vec<ItemLine>, Option<Timestamp>) {
    let views = reader.views();
    let since = now.checked_sub(fresh_for).unwrap_or(Timestamp::MIN);
    let mut lines = Vec::new();
    let mut until: Option<Timestamp> = None;
    for item in reader
        .snapshot
        .newest(reader.code())
        .iter()
        .take(BREAKING_SCAN)
    {
        let at = item.published_at();
        if at <= since {
            break;
        }
        if !item.breaking || at > now || lines.len() == BREAKING {
            continue;
        }
        lines.push(views.line(item, None));
        let stale = at.checked_add(fresh_for).unwrap_or(Timestamp::MAX);
        until = Some(until.map_or(stale, |u| u.min(stale)));
    }
    (lines, until)
}

fn lead_story(reader: &Reader, item: &ItemMeta) -> LeadStory {
    LeadStory {
        line: reader.views().line(item, None),
        image: item
            .lead_media
            .and_then(|id| reader.snapshot.media(id))
            .map(|m| {
                reader.depends_on(Dependency::Media(m.id));
                LeadImage {
                    src: media_src(m, None),
                    srcset: media_srcset(m, &m.format),
                    webp_srcset: media_srcset(m, "webp"),
                    width: m.width,
                    height: m.height,
                    alt: m.alt.clone(),
                    crop: focal_classes(m),
                }
            }),
    }
}

/// The editors' front: only the chosen items that are published now are shown.
fn arranged(reader: &Reader, arrangement: &Arrangement, breaking: Vec<ItemLine>) -> Front {
    let published = |id: ItemId| {
        // A chosen item still to be published purges this page when it is.
        reader.depends_on(Dependency::Item(id));
        reader.snapshot.item(id).cloned()
    };
    let lead = arrangement.lead.and_then(published);
    let top: Vec<Arc<ItemMeta>> = arrangement
        .top
        .iter()
        .filter_map(|id| published(*id))
        .collect();
    let shown: HashSet<ItemId> = lead.iter().chain(&top).map(|i| i.id).collect();
    Front {
        breaking,
        lead: lead.map(|item| lead_story(reader, &item)),
        top: reader.views().lines(&top),
        blocks: blocks(reader, &arrangement.sections, &shown),
    }
}

/// The front with nothing arranged: the pinned lead stories, then each section's latest.
fn automatic(reader: &Reader, breaking: Vec<ItemLine>) -> Front {
    let pinned: Vec<Arc<ItemMeta>> = reader
        .snapshot
        .pinned(reader.code())
        .iter()
        .take(LEADS)
        .cloned()
        .collect();
    let shown: HashSet<ItemId> = pinned.iter().map(|i| i.id).collect();
    let sections: Vec<SectionBlock> = reader
        .snapshot
        .sections_of(reader.code())
        .into_iter()
        .filter(|s| !s.hidden)
        .map(|s| SectionBlock {
            section: s.id,
            count: AUTOMATIC_BLOCK,
        })
        .collect();
    Front {
        breaking,
        lead: pinned.first().map(|item| lead_story(reader, item)),
        top: reader.views().lines(pinned.get(1..).unwrap_or_default()),
        blocks: blocks(reader, &sections, &shown),
    }
}

/// Each section's latest items, leaving out those shown above; empty sections are
/// left out.
fn blocks(reader: &Reader, sections: &[SectionBlock], shown: &HashSet<ItemId>) -> Vec<Block> {
    let views = reader.views();
    sections
        .iter()
        .filter_map(|block| {
            let section = reader.snapshot.section(block.section)?;
            reader.depends_on(Dependency::SectionFront(reader.edition_key(), section.id));
            let items: Vec<Arc<ItemMeta>> = reader
                .snapshot
                .in_section(reader.code(), section.id)
                .iter()
                .filter(|i| !shown.contains(&i.id))
                .take(block.count)
                .cloned()
                .collect();
            (!items.is_empty()).then(|| Block {
                id: section.id,
                title: section.name.clone(),
                href: crate::web::urls::section(reader.code(), section.slug.as_ref(), 1),
                items: views.lines(&items),
            })
        })
        .collect()
}
