//! Keeps the index in step with the change log, and rebuilds it from the store.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tantivy::indexer::NoMergePolicy;
use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};
use tokio::sync::Notify;

use super::schema::{Fields, Names};
use super::{FORMAT, Payload, SearchError, SearchIndex, SearchResult};
use crate::domain::ItemId;
use crate::store::{Entity, IndexRow, Store};

/// How many change-log entries one pass reads.
const BATCH: i64 = 1000;
/// Items read from the store per page of a rebuild.
const REBUILD_PAGE: i64 = 2000;
/// A server's rebuild commits every this many items, so searches meanwhile find what
/// is done; `newsline reindex` commits once, as every commit ends segments early.
const REBUILD_COMMIT_EVERY: u64 = 100_000;
/// The writer that follows the log: one indexing thread, a small arena (a batch of
/// changes is rarely more than a thousand items).
const FOLLOW_THREADS: usize = 1;
const FOLLOW_BUDGET: usize = 40_000_000;
/// The writer of a rebuild: both cores, and a large arena (half of it per
/// thread) so segments come out big: every segment costs each query a term
/// lookup per field. Only `newsline reindex` uses it; a server's rebuild keeps the
/// follower's small arena.
pub(super) const REBUILD_THREADS: usize = 2;
pub(super) const REBUILD_BUDGET: usize = 1_000_000_000;

type SharedWriter = Arc<Mutex<IndexWriter<TantivyDocument>>>;

fn lock(writer: &SharedWriter) -> std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>> {
    writer.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The task that applies the change log to the index (one per process).
pub struct Follower {
    search: SearchIndex,
    rebuild: bool,
}

impl Follower {
    pub(super) fn new(search: SearchIndex, rebuild: bool) -> Self {
        Self { search, rebuild }
    }

    /// Rebuilds first if the index was missing, then applies changes whenever woken
    /// and every `poll` in any case, until the process ends.
    pub async fn run(self, store: Store, wake: Arc<Notify>, poll: Duration) {
        let writer = acquire(&self.search, FOLLOW_THREADS, FOLLOW_BUDGET).await;
        let mut names = None;
        if self.rebuild {
            loop {
                match build(
                    &store,
                    &self.search,
                    &writer,
                    REBUILD_COMMIT_EVERY,
                    &|_, _| {},
                )
                .await
                {
                    Ok(()) => break,
                    Err(err) => {
                        tracing::warn!(error = %err, "could not rebuild the search index; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        }
        loop {
            if let Err(err) = self.catch_up(&store, &writer, &mut names).await {
                tracing::warn!(error = %err, "could not apply the change log to the search index; retrying");
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// Applies every pending change; the index then reflects the log up to its end.
    async fn catch_up(
        &self,
        store: &Store,
        writer: &SharedWriter,
        names: &mut Option<Arc<Names>>,
    ) -> SearchResult<()> {
        loop {
            let from = self.search.applied();
            let changes = store.changes_after(from, BATCH).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                return Ok(());
            };
            let mut seen = HashSet::new();
            let mut ids: Vec<ItemId> = Vec::new();
            for change in &changes {
                match change.entity {
                    // Names may have changed: read them again before indexing more.
                    Entity::Taxonomy => *names = None,
                    // Arrangements change no item's text.
                    Entity::FrontPage => {}
                    Entity::Item => {
                        if let Ok(id) = change.entity_id.parse::<ItemId>()
                            && seen.insert(id)
                        {
                            ids.push(id);
                        }
                    }
                }
            }
            let rows = store.index_rows(&ids).await?;
            let current = match names {
                Some(n) => n.clone(),
                None => {
                    let loaded = Arc::new(load_names(store).await?);
                    *names = Some(loaded.clone());
                    loaded
                }
            };
            let search = self.search.clone();
            let writer = writer.clone();
            tokio::task::spawn_blocking(move || {
                let mut writer = lock(&writer);
                apply(&search.fields, &writer, &ids, &rows, &current)?;
                commit(&mut writer, last, true)?;
                search.reader.reload()?;
                Ok::<_, SearchError>(())
            })
            .await
            .map_err(|e| SearchError::Index(TantivyError::InternalError(e.to_string())))??;
            self.search.state.applied.send_replace(last);
            tracing::debug!(seq = last, "search applied {} changes", changes.len());
        }
    }
}

/// Replaces the documents of `ids` with `rows` (an id without a row is deleted).
fn apply(
    fields: &Fields,
    writer: &IndexWriter<TantivyDocument>,
    ids: &[ItemId],
    rows: &[IndexRow],
    names: &Names,
) -> SearchResult<()> {
    for id in ids {
        writer.delete_term(Term::from_field_u64(fields.id, *id as u64));
    }
    for row in rows {
        writer.add_document(fields.document(row, names))?;
    }
    Ok(())
}

fn commit(writer: &mut IndexWriter<TantivyDocument>, seq: i64, complete: bool) -> SearchResult<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(
        &Payload {
            format: FORMAT,
            seq,
            complete,
        }
        .text(),
    );
    prepared.commit()?;
    Ok(())
}

/// A writer on the index, waiting while another holds it (a server being replaced by
/// a new one in the same process lets go of it when its tasks end).
async fn acquire(search: &SearchIndex, threads: usize, budget: usize) -> SharedWriter {
    let mut warned = false;
    loop {
        match search.index.writer_with_num_threads(threads, budget) {
            Ok(writer) => return Arc::new(Mutex::new(writer)),
            Err(err) => {
                if !warned {
                    tracing::warn!(error = %err, "waiting for the search index's writer lock");
                    warned = true;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn load_names(store: &Store) -> SearchResult<Names> {
    Ok(Names {
        sections: store
            .sections()
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect(),
        tags: store
            .tags()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
        authors: store
            .authors()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect(),
    })
}

/// Indexes every item in the store into `search`, from scratch, reporting progress as
/// (done, total); the index then reflects the change log up to where the rebuild began.
async fn build(
    store: &Store,
    search: &SearchIndex,
    writer: &SharedWriter,
    commit_every: u64,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> SearchResult<()> {
    // The position first: changes committed while the rebuild reads are applied after
    // it, and applying an item again is harmless (its document is replaced).
    let primary = store.primary();
    let seq = primary.last_seq().await?;
    let names = Arc::new(load_names(&primary).await?);
    let total = primary.item_count().await?.max(0) as u64;
    let state = &search.state;
    state.building.store(true, Ordering::SeqCst);
    state.to_build.store(total, Ordering::Relaxed);
    state.built.store(0, Ordering::Relaxed);
    let started = std::time::Instant::now();
    {
        let writer = writer.clone();
        tokio::task::spawn_blocking(move || lock(&writer).delete_all_documents())
            .await
            .map_err(|e| SearchError::Index(TantivyError::InternalError(e.to_string())))??;
    }
    let mut next = primary.index_rows_after(0, REBUILD_PAGE).await?;
    let mut done: u64 = 0;
    let mut since_commit: u64 = 0;
    while !next.is_empty() {
        let rows = std::mem::take(&mut next);
        let after = rows.last().map_or(0, |r| r.id);
        let count = rows.len() as u64;
        since_commit += count;
        let checkpoint = since_commit >= commit_every;
        if checkpoint {
            since_commit = 0;
        }
        let (fields, writer_now, names_now, search_now) = (
            search.fields.clone(),
            writer.clone(),
            names.clone(),
            search.clone(),
        );
        // Index this page while the next one is read.
        let indexing = tokio::task::spawn_blocking(move || {
            let mut writer = lock(&writer_now);
            for row in &rows {
                writer.add_document(fields.document(row, &names_now))?;
            }
            if checkpoint {
                commit(&mut writer, seq, false)?;
                search_now.reader.reload()?;
            }
            Ok::<_, SearchError>(())
        });
        let (indexed, fetched) =
            tokio::join!(indexing, primary.index_rows_after(after, REBUILD_PAGE));
        indexed.map_err(|e| SearchError::Index(TantivyError::InternalError(e.to_string())))??;
        next = fetched?;
        done += count;
        state.built.store(done, Ordering::Relaxed);
        progress(done, total);
    }
    {
        let (writer, search) = (writer.clone(), search.clone());
        tokio::task::spawn_blocking(move || {
            commit(&mut lock(&writer), seq, true)?;
            search.reader.reload()?;
            Ok::<_, SearchError>(())
        })
        .await
        .map_err(|e| SearchError::Index(TantivyError::InternalError(e.to_string())))??;
    }
    state.applied.send_replace(seq);
    state.building.store(false, Ordering::SeqCst);
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        items = done,
        "search index rebuilt: {done} items in {seconds:.1} s ({:.0} items/s)",
        done as f64 / seconds.max(0.001)
    );
    Ok(())
}

/// Builds a new index of every item in `store` in `dir` (which must not exist), with
/// both cores, reporting progress as (done, total): what `newsline reindex` runs.
pub async fn rebuild_into(
    store: &Store,
    dir: &Path,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> SearchResult<()> {
    let (schema, fields) = Fields::build();
    let index = super::create(dir, schema)?;
    let search = SearchIndex::from_index(index, fields, 0)?;
    let writer = acquire(&search, REBUILD_THREADS, REBUILD_BUDGET).await;
    // The segments are merged into one at the end, not along the way.
    lock(&writer).set_merge_policy(Box::new(NoMergePolicy));
    build(store, &search, &writer, u64::MAX, progress).await?;
    let writer = Arc::try_unwrap(writer)
        .map_err(|_| SearchError::Index(TantivyError::InternalError("writer still shared".into())))?
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let index = search.index.clone();
    tokio::task::spawn_blocking(move || merge_all(&index, writer))
        .await
        .map_err(|e| SearchError::Index(TantivyError::InternalError(e.to_string())))??;
    Ok(())
}

/// Merges every segment of `index` into one and lets go of the writer: each query
/// looks every term up and computes its weight once per segment.
pub(super) fn merge_all(
    index: &tantivy::Index,
    mut writer: IndexWriter<TantivyDocument>,
) -> SearchResult<()> {
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Status;

    fn row(id: ItemId, headline: &str) -> IndexRow {
        IndexRow {
            id,
            edition: "en".into(),
            kind: crate::domain::ItemKind::Brief,
            status: Status::Published,
            headline: headline.into(),
            dek: None,
            markdown: String::new(),
            section: 1,
            authors: vec![],
            tags: vec![],
            published_at: Some(1),
            updated_at: 1,
            created_by: None,
        }
    }

    #[test]
    fn a_missing_or_incomplete_index_is_rebuilt_and_a_complete_one_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let folder = dir.path().join("search");
        let (search, follower) = SearchIndex::open(&folder).expect("opens");
        assert!(
            search.building() && follower.rebuild,
            "a new index is built first"
        );
        let mut writer = search
            .index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        apply(
            &search.fields,
            &writer,
            &[1],
            &[row(1, "one")],
            &Names::default(),
        )
        .expect("applied");
        // A rebuild stopped part way is not trusted.
        commit(&mut writer, 7, false).expect("committed");
        drop(writer);
        drop(search);
        let (search, follower) = SearchIndex::open(&folder).expect("opens");
        assert!(search.building() && follower.rebuild);
        assert_eq!(search.len(), 0, "the partial index was dropped");
        let mut writer = search
            .index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        commit(&mut writer, 9, true).expect("committed");
        drop(writer);
        drop(search);
        let (search, follower) = SearchIndex::open(&folder).expect("opens");
        assert!(!search.building() && !follower.rebuild);
        assert_eq!(
            search.applied(),
            9,
            "the follower resumes where the index stands"
        );
    }

    #[test]
    fn an_index_of_another_format_or_schema_is_rebuilt() {
        let dir = tempfile::tempdir().expect("dir");
        let folder = dir.path().join("search");
        // A complete index of the previous format, with today's fields.
        let (schema, _) = Fields::build();
        let index = crate::search::create(&folder, schema).expect("made");
        let mut writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        let mut prepared = writer.prepare_commit().expect("prepared");
        prepared.set_payload(
            &Payload {
                format: FORMAT - 1,
                seq: 9,
                complete: true,
            }
            .text(),
        );
        prepared.commit().expect("committed");
        drop(writer);
        drop(index);
        let (search, follower) = SearchIndex::open(&folder).expect("opens");
        assert!(
            search.building() && follower.rebuild,
            "an older format is rebuilt"
        );
        drop(search);
        std::fs::remove_dir_all(&folder).expect("removed");
        // A complete index of this format whose fields differ from today's.
        let mut builder = tantivy::schema::Schema::builder();
        builder.add_u64_field("id", tantivy::schema::INDEXED);
        let index = crate::search::create(&folder, builder.build()).expect("made");
        let mut writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        commit(&mut writer, 9, true).expect("committed");
        drop(writer);
        drop(index);
        let (search, follower) = SearchIndex::open(&folder).expect("opens");
        assert!(
            search.building() && follower.rebuild,
            "other fields are rebuilt"
        );
        assert_eq!(search.applied(), 0, "a rebuild starts from the beginning");
    }

    #[test]
    fn applying_an_item_again_replaces_its_document() {
        let dir = tempfile::tempdir().expect("dir");
        let (search, _) = SearchIndex::open(&dir.path().join("search")).expect("opens");
        let mut writer = search
            .index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        let names = Names::default();
        for headline in ["one", "two", "three"] {
            apply(&search.fields, &writer, &[5], &[row(5, headline)], &names).expect("applied");
            commit(&mut writer, 1, true).expect("committed");
            search.reader.reload().expect("reloads");
            assert_eq!(search.len(), 1);
        }
        apply(&search.fields, &writer, &[5], &[], &names).expect("applied");
        commit(&mut writer, 2, true).expect("committed");
        search.reader.reload().expect("reloads");
        assert_eq!(search.len(), 0);
    }
}
