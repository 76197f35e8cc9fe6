//! Tails the change log in sequence order and applies each change to the read model.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::item::ItemMeta;
use super::{
    Bodies, Dependency, Invalidate, LiveChange, LiveEvent, ReadModel, Snapshot, Taxonomy,
    TaxonomyChange, load,
};
use crate::domain::ItemId;
use crate::store::{Entity, Store, StoreResult};

/// How many change-log entries one pass reads.
const BATCH: i64 = 1000;

/// The one task per process that keeps the read model up to date.
pub struct Feeder {
    store: Store,
    model: Arc<ReadModel>,
    invalidate: Vec<Arc<dyn Invalidate>>,
    /// Woken after each applied batch: projections that follow the log behind this one.
    followers: Vec<Arc<Notify>>,
    /// Where each batch's apply time is recorded, in seconds.
    apply_time: Option<prometheus_client::metrics::histogram::Histogram>,
}

impl Feeder {
    /// Loads everything published (from the primary, so a lagging replica cannot
    /// start a node behind) and returns the feeder with its read model.
    pub async fn start(store: Store) -> StoreResult<(Self, Arc<ReadModel>)> {
        // Read the position first: changes committed while loading are replayed
        // afterwards, and replaying an item change is harmless (it reloads the row).
        let primary = store.primary();
        let seq = primary.last_seq().await?;
        let taxonomy = load_taxonomy(&primary).await?;
        let started = std::time::Instant::now();
        let codes = Snapshot::build(seq, &taxonomy, Vec::new());
        let builder = load::published(&primary, |code| codes.edition_code(code)).await?;
        let loaded = started.elapsed();
        let mut snapshot = builder.finish(seq, &taxonomy);
        for front in primary.live_front_pages().await? {
            snapshot.set_front(&front.edition, Some(front.arrangement));
        }
        tracing::info!(
            items = snapshot.len(),
            "loaded {} published items in {} ms, sorted the lists in {} ms",
            snapshot.len(),
            loaded.as_millis(),
            (started.elapsed() - loaded).as_millis()
        );
        let model = Arc::new(ReadModel::new(snapshot, Bodies::new(store.clone())));
        let feeder = Self {
            store,
            model: model.clone(),
            invalidate: Vec::new(),
            followers: Vec::new(),
            apply_time: None,
        };
        Ok((feeder, model))
    }

    /// Adds a projection to purge before each new snapshot goes live.
    pub fn invalidating(mut self, projection: Arc<dyn Invalidate>) -> Self {
        self.invalidate.push(projection);
        self
    }

    /// Adds a projection to wake once each batch of changes is applied (the search
    /// index follows the log on its own task, woken by this one).
    pub fn notifying(mut self, follower: Arc<Notify>) -> Self {
        self.followers.push(follower);
        self
    }

    /// Records how long each batch takes to apply, from reading it to its snapshot
    /// going live, in `histogram`.
    pub fn timing(mut self, histogram: prometheus_client::metrics::histogram::Histogram) -> Self {
        self.apply_time = Some(histogram);
        self
    }

    /// Applies changes whenever woken, and every `poll` in any case, until the process ends.
    pub async fn run(self, wake: Arc<Notify>, poll: Duration) {
        loop {
            if let Err(err) = self.catch_up().await {
                tracing::warn!(error = %err, "could not apply the change log; retrying");
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// Applies every pending change; returns the last applied sequence number.
    ///
    /// Each batch is applied to a clone of the current snapshot (O(1): every index is
    /// persistent), item by item in O(log n), and swapped in whole, so a request sees
    /// all of a batch or none of it. A batch that fails part way is dropped whole and
    /// retried from its first change: nothing is ever skipped.
    pub async fn catch_up(&self) -> StoreResult<i64> {
        loop {
            let started = std::time::Instant::now();
            let current = self.model.snapshot();
            let changes = self.store.changes_after(current.applied_seq, BATCH).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                return Ok(current.applied_seq);
            };
            let mut next = Snapshot::clone(&current);
            let mut taxonomy_changed = false;
            let mut everything = false;
            let mut taxonomy_keys: Vec<Dependency> = Vec::new();
            // The last change of each item in this batch, in sequence order.
            let mut touched: Vec<(i64, ItemId)> = Vec::new();
            // Editions whose front page arrangement went live in this batch.
            let mut fronts: Vec<String> = Vec::new();
            for change in &changes {
                match change.entity {
                    Entity::Taxonomy => {
                        taxonomy_changed = true;
                        match super::taxonomy_change(&change.entity_id) {
                            TaxonomyChange::Keys(keys) => taxonomy_keys.extend(keys),
                            TaxonomyChange::Everything => everything = true,
                        }
                    }
                    Entity::FrontPage => {
                        if !fronts.contains(&change.entity_id) {
                            fronts.push(change.entity_id.clone());
                        }
                    }
                    Entity::Item => {
                        let Ok(id) = change.entity_id.parse::<ItemId>() else {
                            tracing::warn!(seq = change.seq, "change names no item id");
                            continue;
                        };
                        touched.retain(|(_, t)| *t != id);
                        touched.push((change.seq, id));
                    }
                }
            }
            // Each changed item as it is now (a later change of the same item in this
            // batch is already in its row), loaded together in a few queries.
            let ids: Vec<ItemId> = touched.iter().map(|(_, id)| *id).collect();
            let mut now: HashMap<ItemId, ItemMeta> =
                load::among(&self.store, &ids, |code| next.edition_code(code))
                    .await?
                    .into_iter()
                    .map(|item| (item.id, item))
                    .collect();
            for id in &ids {
                next.apply(*id, now.remove(id));
            }
            if taxonomy_changed {
                next = next.with_taxonomy(&load_taxonomy(&self.store).await?);
            }
            for edition in &fronts {
                let live = self.store.live_front_page(edition).await?;
                next.set_front(edition, live.map(|f| f.arrangement));
                // Only the edition's home page shows its arrangement.
                taxonomy_keys.push(Dependency::Home(next.edition_code(edition)));
            }
            next.applied_seq = last;
            let events = touched
                .into_iter()
                .filter_map(|(seq, id)| {
                    let (before, after) = (current.item(id), next.item(id));
                    let (edition, change) = match (before, after) {
                        (None, Some(now)) => {
                            (now.edition.to_string(), LiveChange::Published(now.clone()))
                        }
                        (Some(_), Some(now)) => {
                            (now.edition.to_string(), LiveChange::Updated(now.clone()))
                        }
                        (Some(was), None) => (was.edition.to_string(), LiveChange::Unpublished(id)),
                        (None, None) => return None,
                    };
                    Some(LiveEvent {
                        seq,
                        edition,
                        change,
                    })
                })
                .collect();
            // Purge before the swap: a page rendered from the old snapshot meanwhile is
            // older than the purge, so it is neither served nor kept.
            let mut keys = touched_keys(&current, &next, &ids);
            if !taxonomy_keys.is_empty() {
                keys.extend(taxonomy_keys);
                keys.sort();
                keys.dedup();
            }
            if !keys.is_empty() || everything {
                for projection in &self.invalidate {
                    projection.invalidate(last, &keys, everything);
                }
            }
            self.model.replace(next);
            if let Some(histogram) = &self.apply_time {
                histogram.observe(started.elapsed().as_secs_f64());
            }
            self.model.live.publish(events);
            for follower in &self.followers {
                follower.notify_one();
            }
            tracing::debug!(seq = last, "applied {} changes", changes.len());
        }
    }
}

async fn load_taxonomy(store: &Store) -> StoreResult<Taxonomy> {
    Ok(Taxonomy {
        editions: store.editions().await?,
        sections: store.sections().await?,
        authors: store.authors().await?,
        tags: store.tags().await?,
        media: store.media(i64::MAX).await?,
        section_redirects: store.section_redirects().await?,
    })
}

/// How many items the news line shows; a change below it leaves the news line alone.
const NEWS_LINE: usize = 40;

/// How deep into a section a home page's block can reach: its largest count, plus the
/// lead and top stories it leaves out because they are shown above it.
const SECTION_FRONT: usize = crate::domain::MAX_BLOCK_ITEMS + 1 + crate::domain::MAX_TOP_STORIES;

/// The dependency keys of pages an item change touches, from both sides of the change.
fn touched_keys(before: &Snapshot, after: &Snapshot, ids: &[ItemId]) -> Vec<Dependency> {
    let mut keys = Vec::new();
    if !ids.is_empty() {
        keys.push(Dependency::Sitemap);
    }
    for id in ids {
        keys.push(Dependency::Item(*id));
        for (snapshot, item) in [(before, before.item(*id)), (after, after.item(*id))] {
            let Some(item) = item else { continue };
            // The other versions' pages list this one among their translations.
            keys.extend(snapshot.group_of(item).into_iter().map(Dependency::Item));
            let ed = &item.edition;
            keys.push(Dependency::Archive(ed.clone()));
            keys.push(Dependency::Corrections(ed.clone()));
            keys.push(Dependency::Section(ed.clone(), item.section));
            if snapshot
                .in_section(ed, item.section)
                .iter()
                .take(SECTION_FRONT)
                .any(|i| i.id == *id)
            {
                keys.push(Dependency::SectionFront(ed.clone(), item.section));
            }
            keys.extend(
                item.authors
                    .iter()
                    .map(|a| Dependency::Author(ed.clone(), *a)),
            );
            keys.extend(item.tags.iter().map(|t| Dependency::Tag(ed.clone(), *t)));
            // The home page leads with pinned items and shows breaking ones in its strip.
            if item.pinned || item.breaking {
                keys.push(Dependency::Home(ed.clone()));
            }
            if snapshot
                .newest(ed)
                .iter()
                .take(NEWS_LINE)
                .any(|i| i.id == *id)
            {
                keys.push(Dependency::NewsLine(ed.clone()));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}
