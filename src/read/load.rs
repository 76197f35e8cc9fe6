//! The read model's start: every published item's metadata, streamed from the store.

use std::collections::HashMap;
use std::sync::Arc;

use super::item::ItemMeta;
use super::snapshot::Builder;
use crate::domain::{Correction, ItemId};
use crate::store::{Store, StoreResult};

/// Every published item's metadata with its authors, tags and corrections, added to
/// a snapshot's builder. The store reads rows (never a body) on threads of its own
/// while this task adds the batches already read, so the two overlap.
pub(super) async fn published(
    store: &Store,
    edition: impl Fn(&str) -> Arc<str>,
) -> StoreResult<Builder> {
    // Corrections are rare: read them first and attach each as its item comes by.
    // Their position in the change log was read before either query, so a note
    // added in between is applied again afterwards.
    let mut notes: HashMap<ItemId, Vec<Correction>> = HashMap::new();
    for (id, note) in store.all_corrections().await? {
        notes.entry(id).or_default().push(note);
    }
    let mut interned = Interned::new(edition);
    let mut builder = Builder::default();
    let mut batches = store.published_rows();
    while let Some(batch) = batches.next().await {
        for row in batch? {
            let code = interned.get(&row.edition);
            let mut item = ItemMeta::from_row(row, code);
            if !notes.is_empty()
                && let Some(all) = notes.remove(&item.id)
            {
                item.corrections = all.into_boxed_slice();
            }
            builder.add(item);
        }
    }
    Ok(builder)
}

/// The published ones among `ids`, loaded together: a batch of changes costs a few
/// queries, not a few per item.
pub(super) async fn among(
    store: &Store,
    ids: &[ItemId],
    edition: impl Fn(&str) -> Arc<str>,
) -> StoreResult<Vec<ItemMeta>> {
    let set = store.published_among(ids).await?;
    let mut interned = Interned::new(edition);
    let mut items: Vec<ItemMeta> = set
        .rows
        .into_iter()
        .map(|row| {
            let code = interned.get(&row.edition);
            ItemMeta::from_row(row, code)
        })
        .collect();
    attach_notes(&mut items, set.corrections);
    Ok(items)
}

/// Edition codes shared, not copied per item. There are a handful and rows take them
/// in turn, so the few seen so far are searched before the snapshot's map.
struct Interned<F> {
    lookup: F,
    seen: Vec<Arc<str>>,
}

impl<F: Fn(&str) -> Arc<str>> Interned<F> {
    fn new(lookup: F) -> Self {
        Self {
            lookup,
            seen: Vec::new(),
        }
    }

    fn get(&mut self, code: &str) -> Arc<str> {
        if let Some(known) = self.seen.iter().find(|c| c.as_ref() == code) {
            return known.clone();
        }
        let code = (self.lookup)(code);
        self.seen.push(code.clone());
        code
    }
}

/// Sets each item's correction notes; `notes` are oldest first within an item.
fn attach_notes(items: &mut [ItemMeta], notes: Vec<(ItemId, Correction)>) {
    let mut found: Vec<(usize, Correction)> = notes
        .into_iter()
        .filter_map(|(id, note)| Some((position(items, id)?, note)))
        .collect();
    found.sort_by_key(|(at, _)| *at);
    let mut found = found.into_iter().peekable();
    while let Some((at, note)) = found.next() {
        let mut all = vec![note];
        while let Some((_, more)) = found.next_if(|(next, _)| *next == at) {
            all.push(more);
        }
        items[at].corrections = all.into_boxed_slice();
    }
}

fn position(items: &[ItemMeta], id: ItemId) -> Option<usize> {
    items.binary_search_by_key(&id, |i| i.id).ok()
}
