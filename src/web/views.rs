//! What templates show: plain strings prepared once per request from the snapshot.

use std::sync::Arc;

use jiff::Timestamp;

use super::strings::{self, Strings};
use super::urls;
use crate::config::Site;
use crate::domain::{Edition, ItemId, ItemKind, time};
use crate::read::{ItemMeta, Page, Snapshot};

/// A link with a label, marked when it is the page being shown.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Where it goes.
    pub href: String,
    /// What it says.
    pub label: String,
    /// Whether it is the current page (for `aria-current`).
    pub current: bool,
}

/// A link to an edition, labelled in that edition's language.
#[derive(Debug, Clone)]
pub struct EditionLink {
    /// The edition's home.
    pub href: String,
    /// Its code.
    pub code: String,
    /// Its language tag.
    pub lang: String,
    /// The language's own name.
    pub label: &'static str,
    /// Whether it is the edition being read.
    pub current: bool,
}

/// A time shown as the seed shows it, with the machine-readable form beside it.
#[derive(Debug, Clone)]
pub struct TimeView {
    /// `HH:MM DD.MM.YYYY` in the site's zone.
    pub display: String,
    /// ISO 8601 with the zone's offset, for `<time datetime>`.
    pub machine: String,
}

/// The frame of every page: language, title, navigation.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// `lang` of the document: the edition's language tag.
    pub lang: String,
    /// The edition's code, which starts its addresses.
    pub code: String,
    /// The edition's site name.
    pub site_name: String,
    /// The document title.
    pub title: String,
    /// The edition's home.
    pub home_href: String,
    /// The stylesheet's hashed path.
    pub stylesheet: &'static str,
    /// The live news line script's hashed path.
    pub live_script: &'static str,
    /// The site icon's hashed path (same-origin, as the content policy wants).
    pub icon: &'static str,
    /// Interface words.
    pub strings: &'static Strings,
    /// Sections of the edition.
    pub sections: Vec<NavLink>,
    /// Every edition, in its own language.
    pub editions: Vec<EditionLink>,
    /// Canonical address, social cards and structured data.
    pub head: super::metadata::HeadMeta,
}

impl Chrome {
    /// The frame for a page of `edition` (or of no known edition, for errors).
    pub fn new(
        site: &Site,
        snapshot: &Snapshot,
        edition: Option<&Edition>,
        code: &str,
        heading: &str,
        path: Option<&str>,
    ) -> Self {
        let site_name = edition.map_or_else(|| site.name.clone(), |e| e.name.clone());
        let title = if heading.is_empty() {
            site_name.clone()
        } else {
            format!("{heading} | {site_name}")
        };
        let current_section = path.and_then(|p| p.split('/').nth(2));
        Self {
            lang: edition.map_or_else(|| code.to_owned(), |e| e.language.to_string()),
            code: code.to_owned(),
            title,
            home_href: urls::home(code),
            stylesheet: urls::stylesheet(),
            live_script: super::assets::LIVE_SCRIPT.path.as_str(),
            icon: super::assets::LOGO.path.as_str(),
            strings: strings::for_language(code),
            sections: snapshot
                .sections_of(code)
                .into_iter()
                .filter(|s| !s.hidden)
                .map(|s| NavLink {
                    href: urls::section(code, s.slug.as_ref(), 1),
                    label: s.name.clone(),
                    current: current_section == Some(s.slug.as_ref()),
                })
                .collect(),
            editions: snapshot
                .editions()
                .iter()
                .map(|e| EditionLink {
                    href: urls::home(e.code.as_ref()),
                    code: e.code.to_string(),
                    lang: e.language.to_string(),
                    label: strings::for_language(e.code.as_ref()).language_name,
                    current: e.code.as_ref() == code,
                })
                .collect(),
            head: super::metadata::HeadMeta::default(),
            site_name,
        }
    }
}

/// One item as a line of a list: headline, time, section.
#[derive(Debug, Clone)]
pub struct ItemLine {
    /// The item's id, for the live news line's script.
    pub id: i64,
    /// The item's URL.
    pub href: String,
    /// The headline.
    pub headline: String,
    /// Standfirst, shown in fuller lists.
    pub dek: Option<String>,
    /// Publication time.
    pub time: TimeView,
    /// Its section.
    pub section: NavLink,
    /// Whether it is a brief.
    pub brief: bool,
    /// Marked as breaking news.
    pub breaking: bool,
    /// Whether it is the page being read.
    pub current: bool,
}

/// The news line: the edition's latest items, newest first.
#[derive(Debug, Clone)]
pub struct NewsLine {
    /// The items.
    pub items: Vec<ItemLine>,
    /// Link to the archive.
    pub all_href: String,
    /// The live stream of changes after the snapshot this page shows.
    pub live_href: String,
}

/// Links between the pages of a list.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Newer items.
    pub previous: Option<String>,
    /// Older items.
    pub next: Option<String>,
    /// This page's number.
    pub number: usize,
    /// How many pages there are.
    pub count: usize,
}

impl Pagination {
    /// Links for `page`, given how to build the URL of page n.
    pub fn new(page: &Page, url: impl Fn(usize) -> String) -> Self {
        Self {
            previous: (page.number > 1).then(|| url(page.number - 1)),
            next: (page.number < page.count).then(|| url(page.number + 1)),
            number: page.number,
            count: page.count,
        }
    }
}

/// Builds views from one snapshot for one edition.
pub struct Views<'a> {
    /// The snapshot being read.
    pub snapshot: &'a Snapshot,
    /// The edition's code.
    pub code: &'a str,
    /// Site settings.
    pub site: &'a Site,
}

impl Views<'_> {
    /// A time in the site's zone.
    pub fn time(&self, at: Timestamp) -> TimeView {
        TimeView {
            display: time::display(at, &self.site.time_zone),
            machine: time::machine(at, &self.site.time_zone),
        }
    }

    /// The slug of an item's section (the archive's path when the section is gone).
    pub fn section_slug(&self, item: &ItemMeta) -> String {
        self.snapshot
            .section(item.section)
            .map_or_else(|| "news".to_owned(), |s| s.slug.to_string())
    }

    /// An item's canonical path.
    pub fn item_href(&self, item: &ItemMeta) -> String {
        urls::item(&item.edition, item.id, &item.slug, &self.section_slug(item))
    }

    /// An item as a line of a list.
    pub fn line(&self, item: &ItemMeta, current: Option<ItemId>) -> ItemLine {
        let section = self.snapshot.section(item.section);
        ItemLine {
            id: item.id,
            href: self.item_href(item),
            headline: item.headline.to_string(),
            dek: item.dek.as_deref().map(str::to_owned),
            time: self.time(item.published_at()),
            section: NavLink {
                href: section.map_or_else(
                    || urls::news(self.code, 1),
                    |s| urls::section(self.code, s.slug.as_ref(), 1),
                ),
                label: section.map(|s| s.name.clone()).unwrap_or_default(),
                current: false,
            },
            brief: item.kind == ItemKind::Brief,
            breaking: item.breaking,
            current: current == Some(item.id),
        }
    }

    /// Lines for a list of items.
    pub fn lines(&self, items: &[Arc<ItemMeta>]) -> Vec<ItemLine> {
        items.iter().map(|i| self.line(i, None)).collect()
    }

    /// The edition's news line, marking `current` when it is among the latest.
    pub fn news_line(&self, current: Option<ItemId>) -> NewsLine {
        NewsLine {
            items: self
                .snapshot
                .newest(self.code)
                .iter()
                .take(NEWS_LINE_LENGTH)
                .map(|i| self.line(i, current))
                .collect(),
            all_href: urls::news(self.code, 1),
            live_href: format!("/{}/live?after={}", self.code, self.snapshot.applied_seq),
        }
    }
}

/// How many items the news line shows, as on the seed page.
pub const NEWS_LINE_LENGTH: usize = 40;

/// The frame of every newsroom page.
#[derive(Debug, Clone)]
pub struct NewsroomChrome {
    /// `lang` of the document: the account's chosen language.
    pub lang: &'static str,
    /// The newsroom's words in that language.
    pub words: &'static super::newsroom::words::NewsroomWords,
    /// The document title.
    pub title: String,
    /// The stylesheet's hashed path.
    pub stylesheet: &'static str,
    /// The newsroom script's hashed path.
    pub script: &'static str,
    /// The site icon's hashed path.
    pub icon: &'static str,
    /// The signed-in account's name, if any.
    pub user: Option<String>,
    /// Whether the account is an admin (sees the audit log).
    pub admin: bool,
    /// Whether the account may arrange the front page (sees its link).
    pub arranges: bool,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// How many items are new on the desk since the account last looked.
    pub desk_news: i64,
}

impl NewsroomChrome {
    /// The frame for a signed-in page.
    pub fn new(title: &str, editor: &super::newsroom::Editor) -> Self {
        let words = super::newsroom::words::for_language(editor.lang);
        Self {
            lang: editor.lang,
            words,
            title: format!("{title} | {}", words.newsroom),
            stylesheet: urls::stylesheet(),
            script: super::assets::NEWSROOM_SCRIPT.path.as_str(),
            icon: super::assets::LOGO.path.as_str(),
            user: Some(editor.actor().name.clone()),
            admin: editor.actor().role == crate::domain::Role::Admin,
            arranges: crate::domain::may(
                editor.actor().role,
                crate::domain::Action::ArrangeFrontPage,
                crate::domain::Scope::Newsroom,
            ),
            csrf: editor.session.csrf_token.clone(),
            desk_news: editor.desk_news,
        }
    }

    /// The frame for the sign-in page, in `lang`.
    pub fn signed_out(title: &str, lang: &'static str) -> Self {
        let words = super::newsroom::words::for_language(lang);
        Self {
            lang,
            words,
            title: format!("{title} | {}", words.newsroom),
            stylesheet: urls::stylesheet(),
            script: super::assets::NEWSROOM_SCRIPT.path.as_str(),
            icon: super::assets::LOGO.path.as_str(),
            user: None,
            admin: false,
            arranges: false,
            csrf: String::new(),
            desk_news: 0,
        }
    }
}

/// The address of an uploaded image: the original, or the variant `width` pixels wide
/// in the original format when one exists.
pub fn media_src(media: &crate::store::MediaRecord, width: Option<u32>) -> String {
    let has =
        |w: u32| media.widths.split(',').any(|x| x == w.to_string()) && i64::from(w) < media.width;
    match width {
        Some(w) if has(w) => format!("/media/{}-{w}.{}", media.hash, media.format),
        _ => format!("/media/{}.{}", media.hash, media.format),
    }
}

/// A `srcset` of an uploaded image's variants in `ext` (the original format or webp).
pub fn media_srcset(media: &crate::store::MediaRecord, ext: &str) -> String {
    let mut parts: Vec<String> = media
        .widths
        .split(',')
        .filter_map(|w| w.parse::<i64>().ok())
        .filter(|w| *w < media.width)
        .map(|w| format!("/media/{}-{w}.{ext} {w}w", media.hash))
        .collect();
    parts.push(format!("/media/{}.{ext} {}w", media.hash, media.width));
    parts.join(", ")
}

/// The classes that crop an image to the page's fixed shape around its focal point:
/// `crop fx-35 fy-50`. The point is rounded to 5% steps, which site.css has a class
/// for each of, since the security policy allows no inline style.
pub fn focal_classes(media: &crate::store::MediaRecord) -> String {
    let step = |v: i64| (v.clamp(0, 1000) + 25) / 50 * 5;
    format!("crop fx-{} fy-{}", step(media.focal_x), step(media.focal_y))
}
