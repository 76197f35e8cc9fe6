//! An immutable picture of everything readers can see, indexed for every page.
//!
//! Every index is a persistent structure (`imbl`): a snapshot is cloned in O(1) and a
//! change to one item touches O(log n) nodes of each list it is in, sharing the rest
//! with the previous snapshot. So the feeder applies a change without rebuilding
//! anything, and a request keeps reading the snapshot it started with.
//!
//! Newest-first lists are `imbl::Vector`s (RRB trees) kept sorted: `OrdMap` would give
//! ordered insertion too, but not positional access, and archive page 10,000 must cost
//! what page 1 does. A sorted vector finds a position by binary search (O(log² n):
//! log n probes of an O(log n) index) and inserts or removes there in O(log n), with
//! structural sharing; it costs about one pointer per entry plus the tree's nodes.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use imbl::Vector;
use jiff::Timestamp;

use super::item::{ItemMeta, newest_first};
use crate::domain::{Author, AuthorId, Edition, ItemId, Section, SectionId, Tag, TagId};

/// A newest-first list of published items; cheap to clone and to cut.
pub type Listing = Vector<Arc<ItemMeta>>;

static EMPTY: LazyLock<Listing> = LazyLock::new(Listing::new);

/// Published items and the taxonomy, with the orderings pages need.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The last change-log entry reflected here.
    pub applied_seq: i64,
    catalog: Arc<Catalog>,
    /// Every item by id. An ordered map rather than a hash map: the start inserts a
    /// million ids in ascending order, always along the same right-hand path of the
    /// tree, which takes a third of the time and a quarter of the memory of scattering
    /// them over a hash trie (measured: 0.22 s and 34 MB against 0.59 s and 136 MB).
    items: imbl::OrdMap<ItemId, Arc<ItemMeta>>,
    by_edition: imbl::HashMap<Arc<str>, EditionIndex>,
    /// The editors' live front-page arrangement of each edition that has one; a
    /// handful, replaced whole when one goes live.
    fronts: Arc<HashMap<Arc<str>, Arc<crate::domain::Arrangement>>>,
    /// Published translations by the head of their group (which may be unpublished).
    translations: Translations,
}

/// Published members of each group of translations, by the group's head.
type Translations = imbl::OrdMap<ItemId, imbl::Vector<ItemId>>;

fn join_group(groups: &mut Translations, item: &ItemMeta) {
    if let Some(head) = item.translation_of {
        groups.entry(head).or_default().push_back(item.id);
    }
}

fn leave_group(groups: &mut Translations, item: &ItemMeta) {
    let Some(head) = item.translation_of else {
        return;
    };
    let emptied = groups.get_mut(&head).is_some_and(|members| {
        members.retain(|id| *id != item.id);
        members.is_empty()
    });
    if emptied {
        groups.remove(&head);
    }
}

/// The taxonomy, small and replaced whole when it changes.
#[derive(Debug, Default)]
struct Catalog {
    /// Launched editions: the only ones readers see.
    editions: Vec<Arc<Edition>>,
    /// Editions the newsroom is preparing, not yet launched.
    drafts: Vec<Arc<Edition>>,
    codes: HashMap<String, Arc<str>>,
    sections: HashMap<SectionId, Arc<Section>>,
    section_order: HashMap<String, Vec<SectionId>>,
    sections_by_slug: HashMap<(String, String), SectionId>,
    /// Sections' earlier addresses, by (edition, old slug).
    moved_sections: HashMap<(String, String), SectionId>,
    authors: HashMap<AuthorId, Arc<Author>>,
    authors_by_slug: HashMap<String, AuthorId>,
    tags: HashMap<TagId, Arc<Tag>>,
    tags_by_slug: HashMap<(String, String), TagId>,
    media: HashMap<i64, Arc<crate::store::MediaRecord>>,
}

/// One edition's orderings; every list is newest first.
#[derive(Debug, Clone, Default)]
struct EditionIndex {
    newest: Listing,
    pinned: Listing,
    /// Items with corrections, by their newest correction, newest first.
    corrected: Listing,
    sections: imbl::HashMap<SectionId, Listing>,
    authors: imbl::HashMap<AuthorId, Listing>,
    tags: imbl::HashMap<TagId, Listing>,
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
    /// Sections' earlier addresses: (edition, old slug, section).
    pub section_redirects: Vec<(String, String, SectionId)>,
}

impl Catalog {
    fn of(taxonomy: &Taxonomy) -> Self {
        let mut catalog = Self {
            editions: taxonomy
                .editions
                .iter()
                .filter(|e| e.launched)
                .cloned()
                .map(Arc::new)
                .collect(),
            drafts: taxonomy
                .editions
                .iter()
                .filter(|e| !e.launched)
                .cloned()
                .map(Arc::new)
                .collect(),
            codes: taxonomy
                .editions
                .iter()
                .map(|e| (e.code.to_string(), Arc::from(e.code.as_ref())))
                .collect(),
            ..Self::default()
        };
        for s in &taxonomy.sections {
            catalog.sections.insert(s.id, Arc::new(s.clone()));
            catalog
                .section_order
                .entry(s.edition.to_string())
                .or_default()
                .push(s.id);
            catalog
                .sections_by_slug
                .insert((s.edition.to_string(), s.slug.to_string()), s.id);
        }
        for (edition, slug, id) in &taxonomy.section_redirects {
            catalog
                .moved_sections
                .insert((edition.clone(), slug.clone()), *id);
        }
        for a in &taxonomy.authors {
            catalog.authors.insert(a.id, Arc::new(a.clone()));
            catalog.authors_by_slug.insert(a.slug.to_string(), a.id);
        }
        for t in &taxonomy.tags {
            catalog.tags.insert(t.id, Arc::new(t.clone()));
            catalog
                .tags_by_slug
                .insert((t.edition.to_string(), t.slug.to_string()), t.id);
        }
        catalog.media = taxonomy
            .media
            .iter()
            .map(|m| (m.id, Arc::new(m.clone())))
            .collect();
        catalog
    }
}

/// Newest correction first, then id.
fn corrected_first(a: &ItemMeta, b: &ItemMeta) -> std::cmp::Ordering {
    (b.corrected_at(), b.id).cmp(&(a.corrected_at(), a.id))
}

type Order = fn(&ItemMeta, &ItemMeta) -> std::cmp::Ordering;

/// Puts `item` in its place in a sorted list, replacing an entry with the same key.
fn put(list: &mut Listing, item: &Arc<ItemMeta>, order: Order) {
    match list.binary_search_by(|x| order(x, item)) {
        Ok(i) => {
            list.set(i, item.clone());
        }
        Err(i) => list.insert(i, item.clone()),
    }
}

/// Takes `item` out of a sorted list; the list must be ordered by `order`.
fn take(list: &mut Listing, item: &ItemMeta, order: Order) {
    if let Ok(i) = list.binary_search_by(|x| order(x, item)) {
        list.remove(i);
    }
}

fn put_keyed<K: std::hash::Hash + Eq + Clone>(
    map: &mut imbl::HashMap<K, Listing>,
    key: K,
    item: &Arc<ItemMeta>,
) {
    put(map.entry(key).or_default(), item, newest_first);
}

fn take_keyed<K: std::hash::Hash + Eq + Clone>(
    map: &mut imbl::HashMap<K, Listing>,
    key: &K,
    item: &ItemMeta,
) {
    let emptied = map.get_mut(key).is_some_and(|list| {
        take(list, item, newest_first);
        list.is_empty()
    });
    if emptied {
        map.remove(key);
    }
}

/// The first position whose item fails `before`, in a list where every item that
/// satisfies it comes first.
fn partition_point(list: &Listing, before: impl Fn(&ItemMeta) -> bool) -> usize {
    match list.binary_search_by(|x| {
        if before(x) {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        }
    }) {
        Ok(i) | Err(i) => i,
    }
}

/// Items in an edition from which finishing its lists gets a thread of its own:
/// below this a thread costs more than it saves. The unit tests' snapshots are small,
/// so there it is low enough for them to take the threaded path too (the integration
/// tests take the other).
const PARALLEL_FROM: usize = if cfg!(test) { 8 } else { 20_000 };

/// Collects published items, added one at a time in any order, into the lists a
/// snapshot indexes them by: the read model's start adds each item as the store hands
/// it over, so this work is done while the store is still reading.
#[derive(Default)]
pub(super) struct Builder {
    by_id: imbl::OrdMap<ItemId, Arc<ItemMeta>>,
    /// Per edition; there are a handful, searched in turn.
    editions: Vec<(Arc<str>, Lists)>,
    translations: Translations,
}

/// One edition's lists, unsorted.
#[derive(Default)]
struct Lists {
    newest: Vec<Arc<ItemMeta>>,
    pinned: Vec<Arc<ItemMeta>>,
    corrected: Vec<Arc<ItemMeta>>,
    sections: HashMap<SectionId, Vec<Arc<ItemMeta>>>,
    authors: HashMap<AuthorId, Vec<Arc<ItemMeta>>>,
    tags: HashMap<TagId, Vec<Arc<ItemMeta>>>,
}

impl Builder {
    /// Adds a published item; every id at most once.
    pub(super) fn add(&mut self, item: ItemMeta) {
        let item = Arc::new(item);
        let at = match self
            .editions
            .iter()
            .position(|(code, _)| *code == item.edition)
        {
            Some(at) => at,
            None => {
                self.editions.push((item.edition.clone(), Lists::default()));
                self.editions.len() - 1
            }
        };
        self.editions[at].1.add(&item);
        join_group(&mut self.translations, &item);
        self.by_id.insert(item.id, item);
    }

    /// Sorts every list and indexes it. Editions share nothing, so large ones are
    /// finished on threads of their own.
    pub(super) fn finish(self, applied_seq: i64, taxonomy: &Taxonomy) -> Snapshot {
        let large = self
            .editions
            .iter()
            .filter(|(_, lists)| lists.newest.len() >= PARALLEL_FROM)
            .count();
        let by_edition = if large > 1 {
            std::thread::scope(|scope| {
                let running: Vec<_> = self
                    .editions
                    .into_iter()
                    .map(|(code, lists)| scope.spawn(move || (code, lists.index())))
                    .collect();
                running
                    .into_iter()
                    .map(|r| {
                        r.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            })
        } else {
            self.editions
                .into_iter()
                .map(|(code, lists)| (code, lists.index()))
                .collect()
        };
        Snapshot {
            applied_seq,
            catalog: Arc::new(Catalog::of(taxonomy)),
            items: self.by_id,
            by_edition,
            translations: self.translations,
            fronts: Arc::default(),
        }
    }
}

impl Lists {
    fn add(&mut self, item: &Arc<ItemMeta>) {
        self.newest.push(item.clone());
        if item.pinned {
            self.pinned.push(item.clone());
        }
        if !item.corrections.is_empty() {
            self.corrected.push(item.clone());
        }
        self.sections
            .entry(item.section)
            .or_default()
            .push(item.clone());
        for author in &item.authors {
            self.authors.entry(*author).or_default().push(item.clone());
        }
        for tag in &item.tags {
            self.tags.entry(*tag).or_default().push(item.clone());
        }
    }

    fn index(self) -> EditionIndex {
        // Stable sorts: they merge runs already in order, and items come by id, which
        // mostly follows publication time, so there is little left to do.
        fn sorted(mut list: Vec<Arc<ItemMeta>>, order: Order) -> Listing {
            list.sort_by(|a, b| order(a, b));
            Listing::from(list)
        }
        fn keyed<K: std::hash::Hash + Eq + Clone>(
            map: HashMap<K, Vec<Arc<ItemMeta>>>,
        ) -> imbl::HashMap<K, Listing> {
            map.into_iter()
                .map(|(k, v)| (k, sorted(v, newest_first)))
                .collect()
        }
        EditionIndex {
            newest: sorted(self.newest, newest_first),
            pinned: sorted(self.pinned, newest_first),
            corrected: sorted(self.corrected, corrected_first),
            sections: keyed(self.sections),
            authors: keyed(self.authors),
            tags: keyed(self.tags),
        }
    }
}

impl EditionIndex {
    fn add(&mut self, item: &Arc<ItemMeta>) {
        put(&mut self.newest, item, newest_first);
        if item.pinned {
            put(&mut self.pinned, item, newest_first);
        }
        if !item.corrections.is_empty() {
            put(&mut self.corrected, item, corrected_first);
        }
        put_keyed(&mut self.sections, item.section, item);
        for author in &item.authors {
            put_keyed(&mut self.authors, *author, item);
        }
        for tag in &item.tags {
            put_keyed(&mut self.tags, *tag, item);
        }
    }

    fn remove(&mut self, item: &ItemMeta) {
        take(&mut self.newest, item, newest_first);
        if item.pinned {
            take(&mut self.pinned, item, newest_first);
        }
        if !item.corrections.is_empty() {
            take(&mut self.corrected, item, corrected_first);
        }
        take_keyed(&mut self.sections, &item.section, item);
        for author in &item.authors {
            take_keyed(&mut self.authors, author, item);
        }
        for tag in &item.tags {
            take_keyed(&mut self.tags, tag, item);
        }
    }
}

impl Snapshot {
    /// Indexes a taxonomy and a set of published items, in bulk.
    pub fn build(applied_seq: i64, taxonomy: &Taxonomy, items: Vec<ItemMeta>) -> Self {
        let mut builder = Builder::default();
        for item in items {
            builder.add(item);
        }
        builder.finish(applied_seq, taxonomy)
    }

    /// This snapshot with a new taxonomy; the item indexes are shared, not copied
    /// (items refer to sections, authors and tags by id, so a rename moves nothing).
    pub fn with_taxonomy(&self, taxonomy: &Taxonomy) -> Self {
        Self {
            catalog: Arc::new(Catalog::of(taxonomy)),
            ..self.clone()
        }
    }

    /// The shared code of an edition, so items do not each carry a copy.
    pub fn edition_code(&self, code: &str) -> Arc<str> {
        self.catalog
            .codes
            .get(code)
            .cloned()
            .unwrap_or_else(|| Arc::from(code))
    }

    /// Sets what is public of item `id` (`None`: nothing) in every index, in
    /// O(log n) per list the item is in, before and after; returns the item as it was.
    pub fn apply(&mut self, id: ItemId, now: Option<ItemMeta>) -> Option<Arc<ItemMeta>> {
        let before = self.items.remove(&id);
        if let Some(old) = &before
            && let Some(index) = self.by_edition.get_mut(old.edition.as_ref())
        {
            index.remove(old);
        }
        if let Some(old) = &before {
            leave_group(&mut self.translations, old);
        }
        if let Some(new) = now {
            let new = Arc::new(new);
            join_group(&mut self.translations, &new);
            self.by_edition
                .entry(new.edition.clone())
                .or_default()
                .add(&new);
            self.items.insert(id, new);
        }
        before
    }

    /// The published versions of `item`'s story in other editions, in edition order.
    pub fn translations(&self, item: &ItemMeta) -> Vec<Arc<ItemMeta>> {
        let head = item.translation_of.unwrap_or(item.id);
        let members = self.translations.get(&head);
        let mut found: Vec<Arc<ItemMeta>> = std::iter::once(head)
            .chain(members.into_iter().flatten().copied())
            .filter(|id| *id != item.id)
            .filter_map(|id| self.item(id).cloned())
            .filter(|other| other.edition != item.edition)
            .collect();
        let position = |code: &str| {
            self.catalog
                .editions
                .iter()
                .position(|e| e.code.as_ref() == code)
        };
        // A version in a draft edition has no public page to point to yet.
        found.retain(|other| position(&other.edition).is_some());
        found.sort_by_key(|other| (position(&other.edition), other.id));
        found
    }

    /// The ids of every item, published or not, whose page lists `item` among its
    /// translations: the rest of its group.
    pub fn group_of(&self, item: &ItemMeta) -> Vec<ItemId> {
        let head = item.translation_of.unwrap_or(item.id);
        std::iter::once(head)
            .chain(self.translations.get(&head).into_iter().flatten().copied())
            .filter(|id| *id != item.id)
            .collect()
    }

    /// The live front-page arrangement of an edition, if its editors made one.
    pub fn front(&self, edition: &str) -> Option<&Arc<crate::domain::Arrangement>> {
        self.fronts.get(edition)
    }

    /// Sets (or, with `None`, clears) the live front-page arrangement of an edition.
    pub fn set_front(&mut self, edition: &str, arrangement: Option<crate::domain::Arrangement>) {
        let code = self.edition_code(edition);
        let mut fronts = HashMap::clone(&self.fronts);
        match arrangement {
            Some(a) => fronts.insert(code, Arc::new(a)),
            None => fronts.remove(&code),
        };
        self.fronts = Arc::new(fronts);
    }

    /// An uploaded image.
    pub fn media(&self, id: i64) -> Option<&Arc<crate::store::MediaRecord>> {
        self.catalog.media.get(&id)
    }

    /// How many items are published, in every edition.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing is published.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every launched edition in display order.
    pub fn editions(&self) -> &[Arc<Edition>] {
        &self.catalog.editions
    }

    /// Every edition, launched ones first in display order, then the drafts: for the
    /// newsroom.
    pub fn all_editions(&self) -> impl Iterator<Item = &Arc<Edition>> {
        self.catalog.editions.iter().chain(&self.catalog.drafts)
    }

    /// The edition with this code, launched or still a draft: for the newsroom, which
    /// prepares a draft edition before readers see it.
    pub fn any_edition(&self, code: &str) -> Option<&Arc<Edition>> {
        self.edition(code)
            .or_else(|| self.catalog.drafts.iter().find(|e| e.code.as_ref() == code))
    }

    /// The launched edition with this code.
    pub fn edition(&self, code: &str) -> Option<&Arc<Edition>> {
        self.catalog
            .editions
            .iter()
            .find(|e| e.code.as_ref() == code)
    }

    /// A published item.
    pub fn item(&self, id: ItemId) -> Option<&Arc<ItemMeta>> {
        self.items.get(&id)
    }

    /// A section by id.
    pub fn section(&self, id: SectionId) -> Option<&Arc<Section>> {
        self.catalog.sections.get(&id)
    }

    /// An author by id.
    pub fn author(&self, id: AuthorId) -> Option<&Arc<Author>> {
        self.catalog.authors.get(&id)
    }

    /// A tag by id.
    pub fn tag(&self, id: TagId) -> Option<&Arc<Tag>> {
        self.catalog.tags.get(&id)
    }

    /// An edition's sections in display order.
    pub fn sections_of(&self, edition: &str) -> Vec<&Arc<Section>> {
        self.catalog
            .section_order
            .get(edition)
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| self.catalog.sections.get(id))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The section that used to be at `slug` in `edition`, before its address changed.
    pub fn moved_section(&self, edition: &str, slug: &str) -> Option<&Arc<Section>> {
        self.catalog
            .moved_sections
            .get(&(edition.to_owned(), slug.to_owned()))
            .and_then(|id| self.catalog.sections.get(id))
    }

    /// A section of an edition by slug.
    pub fn section_by_slug(&self, edition: &str, slug: &str) -> Option<&Arc<Section>> {
        let id = self
            .catalog
            .sections_by_slug
            .get(&(edition.to_owned(), slug.to_owned()))?;
        self.catalog.sections.get(id)
    }

    /// Every author, by name.
    pub fn authors(&self) -> Vec<&Arc<Author>> {
        let mut all: Vec<&Arc<Author>> = self.catalog.authors.values().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        all
    }

    /// An author by slug.
    pub fn author_by_slug(&self, slug: &str) -> Option<&Arc<Author>> {
        self.catalog
            .authors
            .get(self.catalog.authors_by_slug.get(slug)?)
    }

    /// Every tag of every edition, in no particular order.
    pub fn tags(&self) -> impl Iterator<Item = &Arc<Tag>> {
        self.catalog.tags.values()
    }

    /// A tag of an edition by slug.
    pub fn tag_by_slug(&self, edition: &str, slug: &str) -> Option<&Arc<Tag>> {
        let id = self
            .catalog
            .tags_by_slug
            .get(&(edition.to_owned(), slug.to_owned()))?;
        self.catalog.tags.get(id)
    }

    fn index(&self, edition: &str) -> Option<&EditionIndex> {
        self.by_edition.get(edition)
    }

    /// Every published item of an edition, newest first.
    pub fn newest(&self, edition: &str) -> &Listing {
        self.index(edition).map_or(&EMPTY, |i| &i.newest)
    }

    /// The latest `n` items of an edition, newest first: the news line.
    pub fn latest(&self, edition: &str, n: usize) -> Vec<Arc<ItemMeta>> {
        self.newest(edition).iter().take(n).cloned().collect()
    }

    /// The edition's lead stories, newest first.
    pub fn pinned(&self, edition: &str) -> &Listing {
        self.index(edition).map_or(&EMPTY, |i| &i.pinned)
    }

    /// The edition's items with corrections, the most recently corrected first.
    pub fn corrected(&self, edition: &str) -> &Listing {
        self.index(edition).map_or(&EMPTY, |i| &i.corrected)
    }

    /// A section's items, newest first.
    pub fn in_section(&self, edition: &str, section: SectionId) -> &Listing {
        self.index(edition)
            .and_then(|i| i.sections.get(&section))
            .unwrap_or(&EMPTY)
    }

    /// An author's items in an edition, newest first.
    pub fn by_author(&self, edition: &str, author: AuthorId) -> &Listing {
        self.index(edition)
            .and_then(|i| i.authors.get(&author))
            .unwrap_or(&EMPTY)
    }

    /// A tag's items, newest first.
    pub fn with_tag(&self, edition: &str, tag: TagId) -> &Listing {
        self.index(edition)
            .and_then(|i| i.tags.get(&tag))
            .unwrap_or(&EMPTY)
    }

    /// The items published in `[from, until)`, newest first; found by binary search,
    /// cut in O(log n).
    pub fn published_between(&self, edition: &str, from: Timestamp, until: Timestamp) -> Listing {
        published_between(self.newest(edition), from, until)
    }
}

/// Up to `count` items of `list` from position `start`, in O(log n); clamped to the
/// list, so no cut is ever out of range.
pub fn cut(list: &Listing, start: usize, count: usize) -> Listing {
    let start = start.min(list.len());
    let count = count.min(list.len() - start);
    list.skip(start).take(count)
}

/// How many items at the head of a newest-first list were published at or after `at`.
pub fn count_from(list: &Listing, at: Timestamp) -> usize {
    partition_point(list, |i| i.published_at() >= at)
}

/// The items of a newest-first list published in `[from, until)`.
pub fn published_between(list: &Listing, from: Timestamp, until: Timestamp) -> Listing {
    let start = count_from(list, until);
    let end = count_from(list, from).max(start);
    cut(list, start, end - start)
}

/// One page of a newest-first list.
#[derive(Debug)]
pub struct Page {
    /// Items on this page.
    pub items: Vec<Arc<ItemMeta>>,
    /// This page's number, from 1.
    pub number: usize,
    /// How many pages the list has (at least 1).
    pub count: usize,
}

/// Cuts page `number` (from 1) of `size` items; `None` past the last page. Positional
/// access into the tree makes page 10,000 cost what page 1 does.
pub fn page_of(list: &Listing, number: usize, size: usize) -> Option<Page> {
    let size = size.max(1);
    let count = list.len().div_ceil(size).max(1);
    if number == 0 || number > count {
        return None;
    }
    let start = (number - 1) * size;
    let end = (start + size).min(list.len());
    Some(Page {
        items: cut(list, start, end - start).into_iter().collect(),
        number,
        count,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::{Body, Correction, EditionCode, Item, ItemKind, Slug, Status};

    /// xorshift64: a fixed seed gives the same run everywhere.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn at(minute: u64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + minute as i64 * 60).expect("in range")
    }

    fn taxonomy(section_name: &str) -> Taxonomy {
        let code = |c: &str| EditionCode::parse(c).expect("valid");
        Taxonomy {
            editions: ["en", "az"]
                .into_iter()
                .map(|c| Edition::new(code(c), c, c))
                .collect(),
            sections: (1..=4)
                .map(|id| Section {
                    id,
                    edition: code(if id % 2 == 0 { "az" } else { "en" }),
                    slug: Slug::parse(&format!("s{id}")).expect("valid"),
                    name: format!("{section_name} {id}"),
                    hidden: false,
                })
                .collect(),
            ..Taxonomy::default()
        }
    }

    /// A random published item: few times, sections, authors and tags, so items
    /// collide, tie and move between lists.
    fn random_item(rng: &mut Rng, id: ItemId) -> ItemMeta {
        let section = 1 + rng.below(4) as i64;
        let edition = if section % 2 == 0 { "az" } else { "en" };
        let published = at(rng.below(20));
        let pick = |rng: &mut Rng| -> Vec<i64> {
            let mut ids: Vec<i64> = (1..=5).filter(|_| rng.below(3) == 0).collect();
            ids.dedup();
            ids
        };
        let authors = pick(rng);
        let tags = pick(rng);
        let corrections = (0..rng.below(3))
            .map(|n| Correction {
                noted_at: at(30 + rng.below(10) + n),
                note: "Fixed.".into(),
            })
            .collect();
        let item = Item {
            id,
            edition: EditionCode::parse(edition).expect("valid"),
            kind: ItemKind::Brief,
            headline: format!("Item {id} v{}", rng.below(1000)),
            slug: format!("item-{id}"),
            dek: None,
            seo: crate::domain::Seo::default(),
            body: Body::default(),
            section,
            authors,
            outlet: None,
            tags,
            related: None,
            translation_of: None,
            status: Status::Published,
            pinned: rng.below(4) == 0,
            published_at: Some(published),
            updated_at: published,
            corrections,
            breaking: false,
            embargo_until: None,
            unpublish_at: None,
            lead_media: None,
            created_by: None,
            version: 1,
        };
        ItemMeta::from_item(&item, Arc::from(edition)).expect("published")
    }

    /// Every list of a snapshot as ids, keyed by name, to compare two snapshots.
    fn shape(s: &Snapshot) -> BTreeMap<String, Vec<ItemId>> {
        let ids = |l: &Listing| l.iter().map(|i| i.id).collect::<Vec<_>>();
        let mut out = BTreeMap::new();
        let mut all: Vec<ItemId> = s.items.keys().copied().collect();
        all.sort_unstable();
        out.insert("by id".to_owned(), all);
        for (code, index) in s.by_edition.iter() {
            let mut put = |name: String, list: &Listing| {
                if !list.is_empty() {
                    out.insert(format!("{code} {name}"), ids(list));
                }
            };
            put("newest".into(), &index.newest);
            put("pinned".into(), &index.pinned);
            put("corrected".into(), &index.corrected);
            for (k, l) in index.sections.iter() {
                put(format!("section {k}"), l);
            }
            for (k, l) in index.authors.iter() {
                put(format!("author {k}"), l);
            }
            for (k, l) in index.tags.iter() {
                put(format!("tag {k}"), l);
            }
        }
        out
    }

    /// Every listed item is the one the by-id index holds, and every list is in order.
    fn assert_agrees(s: &Snapshot) {
        for index in s.by_edition.values() {
            let lists = [&index.newest, &index.pinned]
                .into_iter()
                .chain(index.sections.values())
                .chain(index.authors.values())
                .chain(index.tags.values());
            for list in lists {
                let items: Vec<&Arc<ItemMeta>> = list.iter().collect();
                for item in &items {
                    assert_eq!(s.item(item.id), Some(*item), "listed item {}", item.id);
                }
                assert!(
                    items.windows(2).all(|w| newest_first(w[0], w[1]).is_lt()),
                    "a list is out of order"
                );
            }
        }
    }

    #[test]
    fn applying_changes_one_by_one_matches_a_rebuild_from_scratch() {
        let mut rng = Rng(0x5eed_cafe_f00d_1234);
        let mut taxonomy = taxonomy("Section");
        let mut snapshot = Snapshot::build(0, &taxonomy, Vec::new());
        let mut truth: BTreeMap<ItemId, ItemMeta> = BTreeMap::new();
        for step in 0..3000 {
            let id = 1 + rng.below(80) as i64;
            match rng.below(10) {
                // Unpublished (or never was).
                0..=2 => {
                    snapshot.apply(id, None);
                    truth.remove(&id);
                }
                // Taxonomy renamed: lists stay, names follow.
                3 if step % 7 == 0 => {
                    taxonomy = self::taxonomy(&format!("Renamed {step}"));
                    snapshot = snapshot.with_taxonomy(&taxonomy);
                    let name = &snapshot.section(1).expect("section 1").name;
                    assert_eq!(name, &format!("Renamed {step} 1"));
                }
                // Published, or updated: may move section, edition, time, authors, tags.
                _ => {
                    let item = random_item(&mut rng, id);
                    snapshot.apply(id, Some(item.clone()));
                    truth.insert(id, item);
                }
            }
            if step % 50 == 0 || step == 2999 {
                let rebuilt = Snapshot::build(0, &taxonomy, truth.values().cloned().collect());
                assert_eq!(shape(&snapshot), shape(&rebuilt), "step {step}");
                assert_agrees(&snapshot);
            }
        }
        assert!(!truth.is_empty());
    }

    /// Every item the by-id index holds is in each list it belongs to, and no other.
    fn assert_every_item_in_all_its_lists(s: &Snapshot) {
        let has = |list: &Listing, id: ItemId| list.iter().any(|i| i.id == id);
        for (id, item) in s.items.iter() {
            let code = item.edition.as_ref();
            assert!(has(s.newest(code), *id), "{id} missing from newest");
            assert!(
                has(s.in_section(code, item.section), *id),
                "{id} missing from its section"
            );
            for author in &item.authors {
                assert!(has(s.by_author(code, *author), *id), "{id} by {author}");
            }
            for tag in &item.tags {
                assert!(has(s.with_tag(code, *tag), *id), "{id} tagged {tag}");
            }
            assert_eq!(has(s.pinned(code), *id), item.pinned, "{id} pinned");
        }
        assert_agrees(s);
    }

    #[test]
    fn readers_racing_a_writer_never_see_an_item_in_one_index_and_not_another() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let taxonomy = taxonomy("Section");
        let current = Arc::new(arc_swap::ArcSwap::from_pointee(Snapshot::build(
            0,
            &taxonomy,
            Vec::new(),
        )));
        let done = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let current = current.clone();
                let done = done.clone();
                std::thread::spawn(move || {
                    let mut checked = 0u32;
                    while !done.load(Ordering::Acquire) || checked == 0 {
                        assert_every_item_in_all_its_lists(&current.load_full());
                        checked += 1;
                    }
                    checked
                })
            })
            .collect();
        let mut rng = Rng(0xdead_beef);
        let mut snapshot = Snapshot::build(0, &taxonomy, Vec::new());
        for step in 0..2000 {
            let id = 1 + rng.below(60) as i64;
            let now = (rng.below(4) != 0).then(|| random_item(&mut rng, id));
            snapshot.apply(id, now);
            snapshot.applied_seq = step;
            current.store(Arc::new(snapshot.clone()));
        }
        done.store(true, Ordering::Release);
        for reader in readers {
            let checked = reader.join().expect("a reader saw every index agree");
            assert!(checked > 0);
        }
        assert_every_item_in_all_its_lists(&current.load_full());
    }

    #[test]
    fn an_earlier_snapshot_is_untouched_by_later_changes() {
        let mut rng = Rng(42);
        let taxonomy = taxonomy("Section");
        let items: Vec<ItemMeta> = (1..=30).map(|id| random_item(&mut rng, id)).collect();
        let before = Snapshot::build(1, &taxonomy, items);
        let shape_before = shape(&before);
        let mut after = before.clone();
        for id in 1..=10 {
            after.apply(id, None);
        }
        after.apply(31, Some(random_item(&mut rng, 31)));
        assert_eq!(shape(&before), shape_before);
        assert_ne!(shape(&after), shape_before);
        assert!(before.item(31).is_none() && after.item(31).is_some());
    }

    #[test]
    fn pages_and_days_are_cut_by_position_and_time() {
        let taxonomy = taxonomy("Section");
        let mut rng = Rng(7);
        let items: Vec<ItemMeta> = (1..=95)
            .map(|id| random_item(&mut rng, id))
            .filter(|i| i.edition.as_ref() == "en")
            .collect();
        let count = items.len();
        let snapshot = Snapshot::build(1, &taxonomy, items);
        let newest = snapshot.newest("en");
        let all: Vec<ItemId> = newest.iter().map(|i| i.id).collect();
        let mut paged = Vec::new();
        let mut number = 1;
        while let Some(page) = page_of(newest, number, 10) {
            assert_eq!(page.count, count.div_ceil(10));
            paged.extend(page.items.iter().map(|i| i.id));
            number += 1;
        }
        assert_eq!(paged, all);
        assert!(page_of(newest, 0, 10).is_none());
        let (from, until) = (at(5), at(10));
        let day: Vec<ItemId> = snapshot
            .published_between("en", from, until)
            .iter()
            .map(|i| i.id)
            .collect();
        let expected: Vec<ItemId> = newest
            .iter()
            .filter(|i| (from..until).contains(&i.published_at()))
            .map(|i| i.id)
            .collect();
        assert_eq!(day, expected);
        assert!(cut(newest, count + 5, 10).is_empty());
    }
}
