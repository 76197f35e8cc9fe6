//! Search: a tantivy index of every item, one more projection of the change log.
//!
//! Each node keeps its own index in its data directory and keeps it in step with the
//! change log, as the read model is. The index records in each commit the change-log
//! position it reflects, so a restart catches up from there. It is derived data: a
//! missing, unreadable or outdated index folder is rebuilt in the background while the
//! site serves (searches say so meanwhile), and `newsline reindex` rebuilds it on
//! demand.

pub mod analyzer;
mod follow;
mod highlight;
pub mod query;
pub mod reference;
mod run;
mod schema;
mod times;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};
use thiserror::Error;
use tokio::sync::watch;

pub use analyzer::Language;
pub use follow::{Follower, rebuild_into};
pub use query::{Clause, Parsed, parse};
pub use run::{DeskSearch, Hit, MAX_OFFSET, RERANK, ReaderSearch, Results, Sort};

/// The last page a search with `page_size` results a page can reach.
pub fn max_page(page_size: usize) -> usize {
    MAX_OFFSET / page_size.max(1) + 1
}
pub use schema::{Fields, Names};

use crate::store::StoreError;

/// Why the index could not be opened, read or written.
#[derive(Debug, Error)]
pub enum SearchError {
    /// tantivy refused.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index folder could not be made or read.
    #[error("search index folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// The store failed while the index read from it.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Result of a search operation.
pub type SearchResult<T> = Result<T, SearchError>;

/// Bumped whenever the schema or the analyzers change: an index of another version is
/// rebuilt.
const FORMAT: u32 = 4;
/// Bytes of stored documents compressed together (tantivy's default is 16 KiB).
const DOCSTORE_BLOCK: usize = 4096;

/// What each commit records: how far the index reflects the change log.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct Payload {
    format: u32,
    seq: i64,
    /// False while a rebuild is part way: such an index is rebuilt again at start.
    complete: bool,
}

impl Payload {
    fn read(index: &Index) -> Option<Self> {
        let meta = index.load_metas().ok()?;
        serde_json::from_str(meta.payload.as_deref()?).ok()
    }

    fn text(self) -> String {
        serde_json::to_string(&self).unwrap_or_default()
    }
}

/// The folder the index lives in, inside a data directory.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("search")
}

/// Shared state between the index's readers and its follower.
struct State {
    /// A rebuild is running: results may be incomplete.
    building: AtomicBool,
    /// Items the current rebuild has indexed, and how many there are.
    built: AtomicU64,
    to_build: AtomicU64,
    /// The change-log position searches reflect.
    applied: watch::Sender<i64>,
}

/// A handle on a node's search index, for searching; cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Arc<Fields>,
    analyzers: Arc<analyzer::Analyzers>,
    times: Arc<times::TimeColumns>,
    state: Arc<State>,
}

impl SearchIndex {
    /// Opens the index in `dir`, or makes an empty one when it is missing, unreadable
    /// or of another format; the follower then rebuilds it from the store.
    pub fn open(dir: &Path) -> SearchResult<(Self, Follower)> {
        let (schema, fields) = Fields::build();
        let existing = open_existing(dir).filter(|(index, payload)| {
            payload.format == FORMAT && payload.complete && index.schema() == schema
        });
        let (index, payload) = match existing {
            Some(found) => (found.0, Some(found.1)),
            None => {
                if dir.exists() {
                    tracing::warn!(
                        "the search index in {} is missing, incomplete or of another version: rebuilding it",
                        dir.display()
                    );
                    std::fs::remove_dir_all(dir).map_err(|source| SearchError::Folder {
                        path: dir.to_owned(),
                        source,
                    })?;
                }
                (create(dir, schema)?, None)
            }
        };
        let handle = Self::from_index(index, fields, payload.map_or(0, |p| p.seq))?;
        handle
            .state
            .building
            .store(payload.is_none(), Ordering::SeqCst);
        let follower = Follower::new(handle.clone(), payload.is_none());
        Ok((handle, follower))
    }

    fn from_index(index: Index, fields: Fields, applied: i64) -> SearchResult<Self> {
        analyzer::register_all(index.tokenizers());
        let times = Arc::new(times::TimeColumns::default());
        let warmer: std::sync::Weak<dyn tantivy::Warmer> = Arc::downgrade(&times) as _;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![warmer])
            .try_into()?;
        Ok(Self {
            times,
            analyzers: Arc::new(analyzer::Analyzers::new(index.tokenizers())),
            index,
            reader,
            fields: Arc::new(fields),
            state: Arc::new(State {
                building: AtomicBool::new(false),
                built: AtomicU64::new(0),
                to_build: AtomicU64::new(0),
                applied: watch::channel(applied).0,
            }),
        })
    }

    /// True while the index is being rebuilt and may miss items.
    pub fn building(&self) -> bool {
        self.state.building.load(Ordering::SeqCst)
    }

    /// How far a running rebuild has got: items indexed, and items in all.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.state.built.load(Ordering::Relaxed),
            self.state.to_build.load(Ordering::Relaxed),
        )
    }

    /// The change-log position searches reflect.
    pub fn applied(&self) -> i64 {
        *self.state.applied.borrow()
    }

    /// Waits until searches reflect change-log position `seq`; false on timeout.
    pub async fn wait_for(&self, seq: i64, timeout: std::time::Duration) -> bool {
        let mut rx = self.state.applied.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|applied| *applied >= seq))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// How many documents the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn open_existing(dir: &Path) -> Option<(Index, Payload)> {
    if !dir.join("meta.json").exists() {
        return None;
    }
    let index = Index::open_in_dir(dir)
        .inspect_err(|err| tracing::warn!(error = %err, "cannot open the search index"))
        .ok()?;
    let payload = Payload::read(&index)?;
    Some((index, payload))
}

fn create(dir: &Path, schema: tantivy::schema::Schema) -> SearchResult<Index> {
    std::fs::create_dir_all(dir).map_err(|source| SearchError::Folder {
        path: dir.to_owned(),
        source,
    })?;
    let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Index(e.into()))?;
    // A page of results reads 20 stored documents, and reading one decompresses its
    // whole block: small blocks keep that to the document's neighbours.
    let settings = tantivy::IndexSettings {
        docstore_blocksize: DOCSTORE_BLOCK,
        ..tantivy::IndexSettings::default()
    };
    Ok(Index::create(directory, schema, settings)?)
}
