//! The read model: what readers see, derived from the change log and held in memory.

mod bodies;
mod feeder;
mod item;
mod keys;
mod live;
mod load;
mod snapshot;

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::watch;

pub use bodies::{ArticleBody, Bodies};
pub use feeder::Feeder;
pub use item::ItemMeta;
pub use keys::{Dependency, TaxonomyChange, taxonomy_change};
pub use live::{LiveChange, LiveEvent, LiveNewsLine, Subscription};
pub use snapshot::{
    Listing, Page, Snapshot, Taxonomy, count_from, cut, page_of, published_between,
};

/// A projection that keeps copies of what pages show (a page cache, a CDN) and must
/// forget the ones a change touched.
pub trait Invalidate: Send + Sync {
    /// Forgets what depends on `keys` as of change-log position `seq`; `everything`
    /// forgets all of it (an edition was added).
    fn invalidate(&self, seq: i64, keys: &[Dependency], everything: bool);
}

/// The current snapshot, swapped whole so readers never take a lock.
pub struct ReadModel {
    current: ArcSwap<Snapshot>,
    applied: watch::Sender<i64>,
    bodies: Bodies,
    /// What changed, for readers' open pages.
    pub live: LiveNewsLine,
}

impl ReadModel {
    /// A read model starting from `snapshot`, reading bodies through `bodies`.
    pub fn new(snapshot: Snapshot, bodies: Bodies) -> Self {
        let (applied, _) = watch::channel(snapshot.applied_seq);
        Self {
            live: LiveNewsLine::new(snapshot.applied_seq),
            current: ArcSwap::from_pointee(snapshot),
            applied,
            bodies,
        }
    }

    /// The snapshot to answer one request from.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Where pages read the bodies the snapshot leaves out.
    pub fn bodies(&self) -> &Bodies {
        &self.bodies
    }

    fn replace(&self, snapshot: Snapshot) {
        let seq = snapshot.applied_seq;
        self.current.store(Arc::new(snapshot));
        self.applied.send_replace(seq);
    }

    /// Waits until the change with sequence number `seq` is visible; false on timeout.
    pub async fn wait_for(&self, seq: i64, timeout: Duration) -> bool {
        let mut rx = self.applied.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|applied| *applied >= seq))
            .await
            .is_ok_and(|r| r.is_ok())
    }
}
