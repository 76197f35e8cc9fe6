//! An immutable picture of everything readers can see, indexed for every page.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use crate::domain::{Author, AuthorId, Edition, Item, ItemId, Section, SectionId, Tag, TagId};

/// Published items and the taxonomy, with the orderings pages need.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The last change-log entry reflected here.
    pub applied_seq: i64,
    editions: Vec<Arc<Edition>>,
    sections: HashMap<SectionId, Arc<Section>>,
    authors: HashMap<AuthorId, Arc<Author>>,
    tags: HashMap<TagId, Arc<Tag>>,
    items: HashMap<ItemId, Arc<Item>>,
    authors_by_slug: HashMap<String, AuthorId>,
    by_edition: HashMap<String, EditionIndex>,
    media: HashMap<i64, Arc<crate::store::MediaRecord>>,
}

/// One edition's orderings; every list is newest first.
#[derive(Debug, Default)]
struct EditionIndex {
    newest: Vec<Arc<Item>>,
    pinned: Vec<Arc<Item>>,
    sections: HashMap<SectionId, Vec<Arc<Item>>>,
    section_order: Vec<SectionId>,
    sections_by_slug: HashMap<String, SectionId>,
    authors: HashMap<AuthorId, Vec<Arc<Item>>>,
    tags: HashMap<TagId, Vec<Arc<Item>>>,
    tags_by_slug: HashMap<String, TagId>,
}

/// The taxonomy as loaded from the store.
#[derive(Debug, Default, Clone)]
pub struct Taxonomy {
    /// Editions in display order.
    pub editions: Vec<Edition>,
    /// Sections in display order.
    pub sections: Vec<Section>,
    /// Authors.
    pub authors: Vec<Author>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Uploaded images.
    pub media: Vec<crate::store::MediaRecord>,
}

/// Newest first: by publication time, then by id so equal times keep a stable order.
fn newest_first(a: &Arc<Item>, b: &Arc<Item>) -> std::cmp::Ordering {
    b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id))
}

impl Snapshot {
    /// Indexes a taxonomy and a set of published items.
    pub fn build(applied_seq: i64, taxonomy: &Taxonomy, items: HashMap<ItemId, Arc<Item>>) -> Self {
        let editions: Vec<Arc<Edition>> = taxonomy.editions.iter().cloned().map(Arc::new).collect();
        let mut by_edition: HashMap<String, EditionIndex> = editions
            .iter()
            .map(|e| (e.code.to_string(), EditionIndex::default()))
            .collect();
        let sections: HashMap<SectionId, Arc<Section>> = taxonomy
            .sections
            .iter()
            .map(|s| (s.id, Arc::new(s.clone())))
            .collect();
        for s in &taxonomy.sections {
            if let Some(index) = by_edition.get_mut(s.edition.as_ref()) {
                index.section_order.push(s.id);
                index.sections_by_slug.insert(s.slug.to_string(), s.id);
            }
        }
        for t in &taxonomy.tags {
            if let Some(index) = by_edition.get_mut(t.edition.as_ref()) {
                index.tags_by_slug.insert(t.slug.to_string(), t.id);
            }
        }
        let mut ordered: Vec<Arc<Item>> = items.values().cloned().collect();
        ordered.sort_by(newest_first);
        for item in &ordered {
            let Some(index) = by_edition.get_mut(item.edition.as_ref()) else {
                continue;
            };
            index.newest.push(item.clone());
            if item.pinned {
                index.pinned.push(item.clone());
            }
            index
                .sections
                .entry(item.section)
                .or_default()
                .push(item.clone());
            for author in &item.authors {
                index.authors.entry(*author).or_default().push(item.clone());
            }
            for tag in &item.tags {
                index.tags.entry(*tag).or_default().push(item.clone());
            }
        }
        Self {
            applied_seq,
            editions,
            sections,
            authors: taxonomy
                .authors
                .iter()
                .map(|a| (a.id, Arc::new(a.clone())))
                .collect(),
            tags: taxonomy
                .tags
                .iter()
                .map(|t| (t.id, Arc::new(t.clone())))
                .collect(),
            authors_by_slug: taxonomy
                .authors
                .iter()
                .map(|a| (a.slug.to_string(), a.id))
                .collect(),
            items,
            by_edition,
            media: taxonomy
                .media
                .iter()
                .map(|m| (m.id, Arc::new(m.clone())))
                .collect(),
        }
    }

    /// An uploaded image.
    pub fn media(&self, id: i64) -> Option<&Arc<crate::store::MediaRecord>> {
        self.media.get(&id)
    }

    /// The published items keyed by id, to patch into the next snapshot.
    pub fn items(&self) -> &HashMap<ItemId, Arc<Item>> {
        &self.items
    }

    /// Every edition in display order.
    pub fn editions(&self) -> &[Arc<Edition>] {
        &self.editions
    }

    /// The edition with this code.
    pub fn edition(&self, code: &str) -> Option<&Arc<Edition>> {
        self.editions.iter().find(|e| e.code.as_ref() == code)
    }

    /// A published item.
    pub fn item(&self, id: ItemId) -> Option<&Arc<Item>> {
        self.items.get(&id)
    }

    /// A section by id.
    pub fn section(&self, id: SectionId) -> Option<&Arc<Section>> {
        self.sections.get(&id)
    }

    /// An author by id.
    pub fn author(&self, id: AuthorId) -> Option<&Arc<Author>> {
        self.authors.get(&id)
    }

    /// A tag by id.
    pub fn tag(&self, id: TagId) -> Option<&Arc<Tag>> {
        self.tags.get(&id)
    }

    /// An edition's sections in display order.
    pub fn sections_of(&self, edition: &str) -> Vec<&Arc<Section>> {
        self.by_edition
            .get(edition)
            .map(|i| {
                i.section_order
                    .iter()
                    .filter_map(|id| self.sections.get(id))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A section of an edition by slug.
    pub fn section_by_slug(&self, edition: &str, slug: &str) -> Option<&Arc<Section>> {
        let id = self.by_edition.get(edition)?.sections_by_slug.get(slug)?;
        self.sections.get(id)
    }

    /// An author by slug.
    pub fn author_by_slug(&self, slug: &str) -> Option<&Arc<Author>> {
        self.authors.get(self.authors_by_slug.get(slug)?)
    }

    /// A tag of an edition by slug.
    pub fn tag_by_slug(&self, edition: &str, slug: &str) -> Option<&Arc<Tag>> {
        let id = self.by_edition.get(edition)?.tags_by_slug.get(slug)?;
        self.tags.get(id)
    }

    /// Every published item of an edition, newest first.
    pub fn newest(&self, edition: &str) -> &[Arc<Item>] {
        self.by_edition.get(edition).map_or(&[], |i| &i.newest)
    }

    /// The edition's lead stories, newest first.
    pub fn pinned(&self, edition: &str) -> &[Arc<Item>] {
        self.by_edition.get(edition).map_or(&[], |i| &i.pinned)
    }

    /// A section's items, newest first.
    pub fn in_section(&self, edition: &str, section: SectionId) -> &[Arc<Item>] {
        self.by_edition
            .get(edition)
            .and_then(|i| i.sections.get(&section))
            .map_or(&[], Vec::as_slice)
    }

    /// An author's items in an edition, newest first.
    pub fn by_author(&self, edition: &str, author: AuthorId) -> &[Arc<Item>] {
        self.by_edition
            .get(edition)
            .and_then(|i| i.authors.get(&author))
            .map_or(&[], Vec::as_slice)
    }

    /// A tag's items, newest first.
    pub fn with_tag(&self, edition: &str, tag: TagId) -> &[Arc<Item>] {
        self.by_edition
            .get(edition)
            .and_then(|i| i.tags.get(&tag))
            .map_or(&[], Vec::as_slice)
    }

    /// The items published in `[from, until)`, newest first.
    pub fn published_between(
        &self,
        edition: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> &[Arc<Item>] {
        let newest = self.newest(edition);
        // The list is sorted by time descending, so both bounds are partition points.
        let start = newest.partition_point(|i| i.published_at >= Some(until));
        let end = newest.partition_point(|i| i.published_at >= Some(from));
        &newest[start..end.max(start)]
    }
}

/// One page of a newest-first list.
#[derive(Debug)]
pub struct Page<'a> {
    /// Items on this page.
    pub items: &'a [Arc<Item>],
    /// This page's number, from 1.
    pub number: usize,
    /// How many pages the list has (at least 1).
    pub count: usize,
}

/// Cuts page `number` (from 1) of `size` items; `None` past the last page.
pub fn page_of(list: &[Arc<Item>], number: usize, size: usize) -> Option<Page<'_>> {
    let size = size.max(1);
    let count = list.len().div_ceil(size).max(1);
    if number == 0 || number > count {
        return None;
    }
    let start = (number - 1) * size;
    let end = (start + size).min(list.len());
    Some(Page {
        items: &list[start..end],
        number,
        count,
    })
}
