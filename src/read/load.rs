//! The read model's start: every published item's metadata, streamed from the store.

use std::pin::pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};

use super::item::ItemMeta;
use crate::domain::ItemId;
use crate::store::{Link, Store, StoreResult};

/// Every published item's metadata with its authors, tags and corrections. Rows are
/// streamed one at a time (no body is ever read), and links are attached by binary
/// search on the id-ordered items rather than through a map per item.
pub(super) async fn published(
    store: &Store,
    edition: impl Fn(&str) -> Arc<str>,
) -> StoreResult<Vec<ItemMeta>> {
    let mut items: Vec<ItemMeta> = Vec::new();
    let mut last: Option<Arc<str>> = None;
    let mut rows = pin!(store.published_rows());
    while let Some(row) = rows.next().await {
        let row = row?;
        // Rows come in id order, mostly alternating editions: remember the last one.
        let code = match &last {
            Some(code) if code.as_ref() == row.edition => code.clone(),
            _ => edition(&row.edition),
        };
        last = Some(code.clone());
        items.push(ItemMeta::from_row(row, code));
    }
    let authors = linked(&items, store.author_links()).await?;
    attach(&mut items, authors, |item, ids| item.authors = ids);
    let tags = linked(&items, store.tag_links()).await?;
    attach(&mut items, tags, |item, ids| item.tags = ids);
    let mut notes: Vec<(usize, crate::domain::Correction)> = Vec::new();
    for (id, note) in store.all_corrections().await? {
        if let Some(at) = position(&items, id) {
            notes.push((at, note));
        }
    }
    let mut notes = notes.into_iter().peekable();
    while let Some((at, note)) = notes.next() {
        let mut all = vec![note];
        while let Some((_, more)) = notes.next_if(|(next, _)| *next == at) {
            all.push(more);
        }
        items[at].corrections = all.into_boxed_slice();
    }
    Ok(items)
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
