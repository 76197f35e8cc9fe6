//! What a cached page depends on: one typed set of keys shared by the feeder (which
//! says what a change touched), the page cache, the CDN purge and the handlers (which
//! say what a page shows). Display gives the surrogate-key text a CDN purges by.

use std::fmt;
use std::sync::Arc;

use crate::domain::{AuthorId, ItemId, SectionId, TagId};

/// One thing a page shows; a change to it must purge the page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dependency {
    /// One item: its article page, and every page showing its headline outside a list.
    Item(ItemId),
    /// The newest items of an edition, as the news line shows them.
    NewsLine(Arc<str>),
    /// The pinned lead stories of an edition's home page.
    Home(Arc<str>),
    /// Everything an edition published, by date (archive, day pages, edition feed).
    Archive(Arc<str>),
    /// The corrections page of an edition.
    Corrections(Arc<str>),
    /// A section's listing (and its feed).
    Section(Arc<str>, SectionId),
    /// The latest items of a section, as a home page's section block shows them.
    SectionFront(Arc<str>, SectionId),
    /// An author's listing (and its feed).
    Author(Arc<str>, AuthorId),
    /// A tag's listing (and its feed).
    Tag(Arc<str>, TagId),
    /// The section navigation in the frame of every HTML page of an edition.
    Navigation(Arc<str>),
    /// One picture, as an article leading with it shows it.
    Media(i64),
    /// The sitemaps.
    Sitemap,
    /// robots.txt.
    Robots,
}

impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Item(id) => write!(f, "item:{id}"),
            Self::NewsLine(ed) => write!(f, "newsline:{ed}"),
            Self::Home(ed) => write!(f, "home:{ed}"),
            Self::Archive(ed) => write!(f, "archive:{ed}"),
            Self::Corrections(ed) => write!(f, "corrections:{ed}"),
            Self::Section(ed, id) => write!(f, "section:{ed}:{id}"),
            Self::SectionFront(ed, id) => write!(f, "sectionfront:{ed}:{id}"),
            Self::Author(ed, id) => write!(f, "author:{ed}:{id}"),
            Self::Tag(ed, id) => write!(f, "tag:{ed}:{id}"),
            Self::Navigation(ed) => write!(f, "nav:{ed}"),
            Self::Media(id) => write!(f, "media:{id}"),
            Self::Sitemap => f.write_str("sitemap"),
            Self::Robots => f.write_str("robots"),
        }
    }
}

/// What one taxonomy change in the change log touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxonomyChange {
    /// Pages showing these keys.
    Keys(Vec<Dependency>),
    /// Every page (an edition added shows in the frame of every page).
    Everything,
}

/// What the change-log entry `entity_id` of a taxonomy change touches, given the id of
/// the section it names (sections are logged by slug).
///
/// A new section shows in its edition's navigation, so every HTML page of that edition
/// is purged; a new author or tag has no page yet that anyone could have cached (its
/// listing answered 404 and the items showing it are changes of their own), so nothing
/// is; a new picture purges the articles leading with it. Anything unknown purges
/// everything, the safe side.
pub fn taxonomy_change(entity_id: &str) -> TaxonomyChange {
    let mut parts = entity_id.split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("section"), Some(ed), Some(_slug), None) => {
            TaxonomyChange::Keys(vec![Dependency::Navigation(Arc::from(ed))])
        }
        // A section's new address (every URL of its items), place or visibility (the
        // masthead, the home page) reaches pages beyond its own.
        (Some("section"), Some(_ed), Some(_slug), Some(crate::store::EVERYWHERE)) => {
            TaxonomyChange::Everything
        }
        (Some("author"), Some(_slug), None, None) => TaxonomyChange::Keys(Vec::new()),
        (Some("tag"), Some(_ed), Some(_slug), None) => TaxonomyChange::Keys(Vec::new()),
        (Some("media"), Some(id), None, None) => match id.parse() {
            Ok(id) => TaxonomyChange::Keys(vec![Dependency::Media(id)]),
            Err(_) => TaxonomyChange::Everything,
        },
        _ => TaxonomyChange::Everything,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_surrogate_key_spelling() {
        let en: Arc<str> = Arc::from("en");
        assert_eq!(Dependency::Item(42).to_string(), "item:42");
        assert_eq!(Dependency::NewsLine(en.clone()).to_string(), "newsline:en");
        assert_eq!(
            Dependency::Section(en.clone(), 3).to_string(),
            "section:en:3"
        );
        assert_eq!(Dependency::Author(en.clone(), 4).to_string(), "author:en:4");
        assert_eq!(Dependency::Tag(en, 5).to_string(), "tag:en:5");
        assert_eq!(Dependency::Sitemap.to_string(), "sitemap");
    }

    #[test]
    fn a_taxonomy_change_purges_only_what_it_touches() {
        assert_eq!(
            taxonomy_change("section:en:sport"),
            TaxonomyChange::Keys(vec![Dependency::Navigation(Arc::from("en"))])
        );
        assert_eq!(
            taxonomy_change("author:jane-doe"),
            TaxonomyChange::Keys(vec![])
        );
        assert_eq!(
            taxonomy_change("tag:en:elections"),
            TaxonomyChange::Keys(vec![])
        );
        assert_eq!(
            taxonomy_change("media:7"),
            TaxonomyChange::Keys(vec![Dependency::Media(7)])
        );
        assert_eq!(taxonomy_change("edition:de"), TaxonomyChange::Everything);
        assert_eq!(taxonomy_change("something:new"), TaxonomyChange::Everything);
    }
}
