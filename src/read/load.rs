//! The read model's start: every published item's metadata, streamed from the store.

use std::pin::pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt, stream};

use super::item::ItemMeta;
use crate::domain::{Correction, ItemId};
use crate::store::{Link, Store, StoreResult};

/// Every published item's metadata with its authors, tags and corrections. Rows are
/// streamed one at a time (no body is ever read), and links are attached by binary
/// search on the id-ordered items rather than through a map per item.
pub(super) async fn published(
    store: &Store,
    edition: impl Fn(&str) -> Arc<str>,
) -> StoreResult<Vec<ItemMeta>> {
    let mut items: Vec<ItemMeta> = Vec::new();
    let mut rows = pin!(store.published_rows());
    let mut interned = Interned::new(edition);
    while let Some(row) = rows.next().await {
        let row = row?;
        let code = interned.get(&row.edition);
        items.push(ItemMeta::from_row(row, code));
    }
    let authors = linked(&items, store.author_links()).await?;
    attach(&mut items, authors, |item, ids| item.authors = ids);
    let tags = linked(&items, store.tag_links()).await?;
    attach(&mut items, tags, |item, ids| item.tags = ids);
    attach_notes(&mut items, store.all_corrections().await?);
    Ok(items)
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
    let authors = linked(&items, stream::iter(set.authors.into_iter().map(Ok))).await?;
    attach(&mut items, authors, |item, ids| item.authors = ids);
    let tags = linked(&items, stream::iter(set.tags.into_iter().map(Ok))).await?;
    attach(&mut items, tags, |item, ids| item.tags = ids);
    attach_notes(&mut items, set.corrections);
    Ok(items)
}

/// Edition codes shared, not copied per item; rows mostly alternate between a few.
struct Interned<F> {
    lookup: F,
    last: Option<Arc<str>>,
}

impl<F: Fn(&str) -> Arc<str>> Interned<F> {
    fn new(lookup: F) -> Self {
        Self { lookup, last: None }
    }

    fn get(&mut self, code: &str) -> Arc<str> {
        match &self.last {
            Some(last) if last.as_ref() == code => last.clone(),
            _ => {
                let code = (self.lookup)(code);
                self.last = Some(code.clone());
                code
            }
        }
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

/// The links of loaded items as (item position, link position, linked id), sorted.
async fn linked(
    items: &[ItemMeta],
    links: impl Stream<Item = StoreResult<Link>>,
) -> StoreResult<Vec<(usize, i64, i64)>> {
    let mut out = Vec::new();
    let mut links = pin!(links);
    while let Some(link) = links.next().await {
        let (item, order, other) = link?;
        if let Some(at) = position(items, item) {
            out.push((at, order, other));
        }
    }
    out.sort_unstable();
    Ok(out)
}

fn attach(
    items: &mut [ItemMeta],
    links: Vec<(usize, i64, i64)>,
    set: impl Fn(&mut ItemMeta, Box<[i64]>),
) {
    let mut start = 0;
    while start < links.len() {
        let at = links[start].0;
        let end = start + links[start..].partition_point(|l| l.0 == at);
        let ids: Box<[i64]> = links[start..end].iter().map(|l| l.2).collect();
        set(&mut items[at], ids);
        start = end;
    }
}
