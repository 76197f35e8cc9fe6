//! A published item as listings, the news line and feeds need it: metadata only.

use std::sync::Arc;

use jiff::Timestamp;

use crate::domain::{AuthorId, Correction, Item, ItemId, ItemKind, SectionId, TagId};
use crate::store::PublishedRow;

/// What the read model keeps of a published item. The body stays in the store (see
/// [`super::Bodies`]), so memory grows with the number of items, not with their text;
/// text fields are boxed to their length and the edition code is shared, not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemMeta {
    /// Database identity; decides the URL.
    pub id: ItemId,
    /// The edition's code, one shared allocation per edition.
    pub edition: Arc<str>,
    /// Article or brief.
    pub kind: ItemKind,
    /// The headline.
    pub headline: Box<str>,
    /// URL decoration.
    pub slug: Box<str>,
    /// Optional standfirst.
    pub dek: Option<Box<str>>,
    /// The section it is filed in.
    pub section: SectionId,
    /// Authors in byline order.
    pub authors: Box<[AuthorId]>,
    /// Outlet after the byline, when it differs from the edition's.
    pub outlet: Option<Box<str>>,
    /// Topic labels in the order given.
    pub tags: Box<[TagId]>,
    /// An item the editor promotes under this one.
    pub related: Option<ItemId>,
    /// The first item of its group of translations.
    pub translation_of: Option<ItemId>,
    /// A lead story on the edition's home page.
    pub pinned: bool,
    /// Marked as breaking news.
    pub breaking: bool,
    /// The lead image, if any.
    pub lead_media: Option<i64>,
    /// Dated correction notes, oldest first (almost always none).
    pub corrections: Box<[Correction]>,
    /// Publication time in microseconds since the epoch (the store's precision).
    published: i64,
    /// Last editorial change, in microseconds since the epoch.
    updated: i64,
}

impl ItemMeta {
    /// When it went public.
    pub fn published_at(&self) -> Timestamp {
        micros(self.published)
    }

    /// Its last editorial change.
    pub fn updated_at(&self) -> Timestamp {
        micros(self.updated)
    }

    /// When its newest correction was noted, if any.
    pub fn corrected_at(&self) -> Option<Timestamp> {
        self.corrections.iter().map(|c| c.noted_at).max()
    }

    /// The ordering key of every newest-first list: time, then id so equal times
    /// keep a stable order.
    pub(super) fn newest_key(&self) -> (i64, ItemId) {
        (self.published, self.id)
    }

    /// The metadata of a published item loaded whole; `None` when it has no
    /// publication time (it cannot be listed).
    pub fn from_item(item: &Item, edition: Arc<str>) -> Option<Self> {
        Some(Self {
            id: item.id,
            edition,
            kind: item.kind,
            headline: item.headline.as_str().into(),
            slug: item.slug.as_str().into(),
            dek: item.dek.as_deref().map(Into::into),
            section: item.section,
            authors: item.authors.as_slice().into(),
            outlet: item.outlet.as_deref().map(Into::into),
            tags: item.tags.as_slice().into(),
            related: item.related,
            translation_of: item.translation_of,
            pinned: item.pinned,
            breaking: item.breaking,
            lead_media: item.lead_media,
            corrections: item.corrections.as_slice().into(),
            published: item.published_at?.as_microsecond(),
            updated: item.updated_at.as_microsecond(),
        })
    }

    /// The metadata from a streamed row (corrections come after).
    pub(super) fn from_row(row: PublishedRow, edition: Arc<str>) -> Self {
        Self {
            id: row.id,
            edition,
            kind: row.kind,
            headline: row.headline,
            slug: row.slug,
            dek: row.dek,
            section: row.section,
            authors: row.authors,
            outlet: row.outlet,
            tags: row.tags,
            related: row.related,
            translation_of: row.translation_of,
            pinned: row.pinned,
            breaking: row.breaking,
            lead_media: row.lead_media,
            corrections: Box::default(),
            published: row.published_at,
            updated: row.updated_at,
        }
    }
}

fn micros(at: i64) -> Timestamp {
    // The store wrote these from Timestamps, so they are in range; the epoch is a
    // harmless stand-in for a corrupt value rather than a panic on a reader's request.
    Timestamp::from_microsecond(at).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Newest first: by publication time, then by id.
pub(super) fn newest_first(a: &ItemMeta, b: &ItemMeta) -> std::cmp::Ordering {
    b.newest_key().cmp(&a.newest_key())
}
