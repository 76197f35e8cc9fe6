//! What a WordPress post becomes in the newsroom: its workflow state, its time, its
//! section, tags, byline and standfirst, and the old addresses that lead to it.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::content;
use crate::domain::{Headline, ItemKind, first_paragraph_text, sanitize_html};
use crate::import::wxr::{Item, Site};
use crate::newsroom::{Filing, SectionRef, Standing};

/// Why a post that is imported is kept from readers, for its audit entry and the report.
pub const PRIVATE_NOTE: &str =
    "private in WordPress: kept as a draft so that it is never public without an editor";
/// The same, for a password-protected post.
pub const PASSWORD_NOTE: &str =
    "password-protected in WordPress: kept as a draft so that it is never public without an editor";

/// What to do with an item of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Import it, standing so, with a note when it is held back.
    Import {
        /// Its workflow state.
        standing: Standing,
        /// Why it is held back from readers, if it is.
        note: Option<&'static str>,
    },
    /// Leave it out, for this reason.
    Skip(String),
}

/// Maps a post's (or page's) status to the newsroom's workflow, at `time`.
pub fn plan(item: &Item, time: Timestamp) -> Plan {
    let held = if !item.post_password.is_empty() {
        Some(PASSWORD_NOTE)
    } else if item.status == "private" {
        Some(PRIVATE_NOTE)
    } else {
        None
    };
    if let Some(note) = held {
        return Plan::Import {
            standing: Standing::Draft,
            note: Some(note),
        };
    }
    let standing = match item.status.as_str() {
        "publish" | "future" => Standing::PublishedAsOf(time),
        "draft" => Standing::Draft,
        "pending" => Standing::InReview,
        "trash" => return Plan::Skip("in the trash".into()),
        "auto-draft" => return Plan::Skip("an unsaved automatic draft".into()),
        "inherit" => return Plan::Skip("a revision of another post".into()),
        other => return Plan::Skip(format!("status '{other}' is not imported")),
    };
    Plan::Import {
        standing,
        note: None,
    }
}

/// WordPress's way of writing no date.
const NO_DATE: &str = "0000-00-00 00:00:00";

/// When the post was published: its GMT date, else its local date in the site's zone.
pub fn post_time(item: &Item, zone: &TimeZone) -> Option<Timestamp> {
    let civil = |text: &str| -> Option<DateTime> {
        let text = text.trim();
        if text.is_empty() || text == NO_DATE {
            return None;
        }
        DateTime::strptime("%Y-%m-%d %H:%M:%S", text).ok()
    };
    if let Some(gmt) = civil(&item.post_date_gmt) {
        return TimeZone::UTC.to_timestamp(gmt).ok();
    }
    civil(&item.post_date).and_then(|local| zone.to_timestamp(local).ok())
}

/// The export's identity of one post: the site it came from and its id there.
pub fn source_key(site: &Site, post_id: &str) -> String {
    format!("wordpress:{}:{}", site_address(site), post_id.trim())
}

/// The site's address without a trailing slash.
fn site_address(site: &Site) -> &str {
    let address = if site.base_site_url.trim().is_empty() {
        site.link.trim()
    } else {
        site.base_site_url.trim()
    };
    address.trim_end_matches('/')
}

/// The path (and query) of an absolute or relative address.
fn path_of(link: &str) -> Option<&str> {
    let link = link.trim();
    let rest = match link.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None if link.starts_with('/') => link,
        None => return None,
    };
    let rest = rest.split('#').next().unwrap_or(rest);
    Some(rest)
}

/// The old addresses of a post: `/?p=ID` (or `/?page_id=ID` for a page) and the path
/// of its permalink, trailing slash trimmed (the lookup trims it too).
pub fn old_paths(item: &Item) -> Vec<String> {
    let id = item.post_id.trim();
    let mut paths = Vec::new();
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        let query = if item.post_type == "page" {
            "page_id"
        } else {
            "p"
        };
        paths.push(format!("/?{query}={id}"));
    }
    if let Some(path) = path_of(&item.link) {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let path = normalize(path);
        // A plain permalink is `/?p=ID`, written above; the home page is nobody's.
        if path != "/" {
            let path = if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            };
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    paths
}

/// A request path as redirects are keyed: without a trailing slash, except the root.
pub fn normalize(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// What the channel tells of authors: login to display name.
pub type Authors = HashMap<String, String>;

/// Cuts `text` to at most `max` characters at a word, marking the cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max - 1).collect();
    }
    out.push('…');
    out
}

/// Plain text of a piece of WordPress HTML (an excerpt, a title), whitespace collapsed.
pub(super) fn plain_text(html: &str) -> String {
    let paragraph = format!(
        "<p>{}</p>",
        sanitize_html(html).replace("<p>", " ").replace("</p>", " ")
    );
    first_paragraph_text(&paragraph).unwrap_or_default()
}

/// The item a post becomes in `edition`, before any check.
pub fn filing(
    item: &Item,
    site: &Site,
    authors: &Authors,
    edition: &str,
    published_at: Timestamp,
) -> Filing {
    let body = content::to_body(&item.content);
    let mut headline = plain_text(&item.title);
    if headline.is_empty() {
        // WordPress shows "(no title)"; the opening words say more.
        let opening = first_paragraph_text(&content::to_html(&item.content)).unwrap_or_default();
        headline = if opening.is_empty() {
            "Untitled".to_owned()
        } else {
            shorten(&opening, 80)
        };
    }
    let headline = shorten(&headline, Headline::MAX_CHARS);
    let categories: Vec<&str> = item
        .terms
        .iter()
        .filter(|t| t.domain == "category")
        .map(|t| t.name.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let section = match (item.post_type.as_str(), categories.first()) {
        ("page", _) => "Pages".to_owned(),
        (_, Some(first)) => (*first).to_owned(),
        (_, None) => "Uncategorized".to_owned(),
    };
    let tags = categories
        .iter()
        .skip(1)
        .copied()
        .chain(
            item.terms
                .iter()
                .filter(|t| t.domain == "post_tag")
                .map(|t| t.name.trim()),
        )
        .filter(|n| !n.is_empty() && n.chars().count() <= 120)
        .map(str::to_owned)
        .collect();
    let login = item.creator.trim();
    let author = authors
        .get(login)
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .or(Some(login).filter(|l| !l.is_empty()))
        .or(Some(site.title.trim()).filter(|t| !t.is_empty()))
        .unwrap_or("Staff")
        .to_owned();
    let dek = plain_text(&item.excerpt);
    Filing {
        section: SectionRef::Named(section),
        kind: ItemKind::Article,
        dek: Some(shorten(&dek, crate::domain::MAX_DEK_CHARS)).filter(|d| !d.is_empty()),
        body,
        authors: vec![author],
        tags,
        pinned: item.is_sticky.trim() == "1",
        source_key: Some(source_key(site, &item.post_id)),
        ..Filing::brief(edition, SectionRef::default(), &headline, published_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::wxr::ItemTerm;

    fn post(status: &str) -> Item {
        Item {
            title: "Harbour &amp; <em>town</em>".into(),
            link: "https://old.example/2024/05/harbour-town/".into(),
            creator: "ayla".into(),
            content: "First.\n\nSecond.".into(),
            excerpt: "<p>A short <b>summary</b>.</p>".into(),
            post_id: "42".into(),
            post_date: "2024-05-21 16:29:00".into(),
            post_date_gmt: "2024-05-21 12:29:00".into(),
            status: status.into(),
            post_type: "post".into(),
            is_sticky: "0".into(),
            terms: vec![
                ItemTerm {
                    domain: "category".into(),
                    slug: "politics".into(),
                    name: "Politics".into(),
                },
                ItemTerm {
                    domain: "category".into(),
                    slug: "energy".into(),
                    name: "Energy".into(),
                },
                ItemTerm {
                    domain: "post_tag".into(),
                    slug: "baku".into(),
                    name: "Baku".into(),
                },
                ItemTerm {
                    domain: "post_format".into(),
                    slug: "post-format-aside".into(),
                    name: "Aside".into(),
                },
            ],
            ..Item::default()
        }
    }

    fn site() -> Site {
        Site {
            title: "Old Site".into(),
            link: "https://old.example".into(),
            base_site_url: "https://old.example/".into(),
            ..Site::default()
        }
    }

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    #[test]
    fn statuses_map_to_the_workflow() {
        let t = at("2024-05-21T12:29:00Z");
        let import = |standing, note| Plan::Import { standing, note };
        assert_eq!(
            plan(&post("publish"), t),
            import(Standing::PublishedAsOf(t), None)
        );
        assert_eq!(
            plan(&post("future"), t),
            import(Standing::PublishedAsOf(t), None)
        );
        assert_eq!(plan(&post("draft"), t), import(Standing::Draft, None));
        assert_eq!(plan(&post("pending"), t), import(Standing::InReview, None));
        assert_eq!(
            plan(&post("private"), t),
            import(Standing::Draft, Some(PRIVATE_NOTE))
        );
        let locked = Item {
            post_password: "secret".into(),
            ..post("publish")
        };
        assert_eq!(
            plan(&locked, t),
            import(Standing::Draft, Some(PASSWORD_NOTE))
        );
        for status in ["trash", "auto-draft", "inherit", "weird"] {
            assert!(matches!(plan(&post(status), t), Plan::Skip(_)), "{status}");
        }
    }

    #[test]
    fn times_come_from_gmt_else_from_the_local_date_in_the_sites_zone() {
        let baku = TimeZone::get("Asia/Baku").expect("zone");
        assert_eq!(
            post_time(&post("publish"), &baku),
            Some(at("2024-05-21T12:29:00Z"))
        );
        let local_only = Item {
            post_date_gmt: NO_DATE.into(),
            ..post("draft")
        };
        assert_eq!(
            post_time(&local_only, &baku),
            Some(at("2024-05-21T12:29:00Z"))
        );
        let none = Item {
            post_date: NO_DATE.into(),
            ..local_only
        };
        assert_eq!(post_time(&none, &baku), None);
    }

    #[test]
    fn a_post_becomes_an_article_with_section_tags_byline_and_standfirst() {
        let authors: Authors = [("ayla".to_owned(), "Ayla Karimova".to_owned())].into();
        let f = filing(
            &post("publish"),
            &site(),
            &authors,
            "en",
            at("2024-05-21T12:29:00Z"),
        );
        assert_eq!(f.headline, "Harbour & town");
        assert_eq!(f.section, SectionRef::Named("Politics".into()));
        assert_eq!(f.tags, ["Energy", "Baku"]);
        assert_eq!(f.authors, ["Ayla Karimova"]);
        assert_eq!(f.dek.as_deref(), Some("A short summary."));
        assert_eq!(f.kind, ItemKind::Article);
        assert!(!f.pinned);
        assert_eq!(
            f.source_key.as_deref(),
            Some("wordpress:https://old.example:42")
        );
        assert!(f.body.contains("<p>First.</p>"), "{}", f.body);
        assert!(f.draft().is_ok());
    }

    #[test]
    fn sticky_posts_lead_and_unknown_authors_keep_their_login() {
        let sticky = Item {
            is_sticky: "1".into(),
            creator: "ghost".into(),
            title: "  ".into(),
            terms: Vec::new(),
            ..post("publish")
        };
        let f = filing(
            &sticky,
            &site(),
            &Authors::new(),
            "en",
            at("2024-05-21T12:29:00Z"),
        );
        assert!(f.pinned);
        assert_eq!(f.authors, ["ghost"]);
        assert_eq!(f.headline, "First.");
        assert_eq!(f.section, SectionRef::Named("Uncategorized".into()));
    }

    #[test]
    fn old_addresses_are_the_query_forms_and_the_permalinks_path() {
        assert_eq!(
            old_paths(&post("publish")),
            ["/?p=42", "/2024/05/harbour-town"]
        );
        let plain = Item {
            link: "https://old.example/?p=42".into(),
            ..post("publish")
        };
        assert_eq!(old_paths(&plain), ["/?p=42"]);
        let page = Item {
            post_type: "page".into(),
            link: "https://old.example/about/".into(),
            ..post("publish")
        };
        assert_eq!(old_paths(&page), ["/?page_id=42", "/about"]);
        assert_eq!(normalize("/"), "/");
    }
}
