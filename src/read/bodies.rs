//! Rendered bodies, read from the store when a page that shows them is rendered.

use std::collections::HashMap;

use crate::domain::ItemId;
use crate::store::{Store, StoreResult};

/// Reads items' rendered bodies. The read model keeps metadata only; a page cache miss
/// on an article or a feed reads the few bodies it shows here (from a replica when
/// one is configured).
#[derive(Clone, Debug)]
pub struct Bodies {
    store: Store,
}

impl Bodies {
    /// Bodies read from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// One item's rendered body; `None` when the item is gone from the store.
    pub async fn body(&self, id: ItemId) -> StoreResult<Option<String>> {
        Ok(self.store.bodies(&[id]).await?.pop().map(|(_, html)| html))
    }

    /// Several items' rendered bodies, in one query.
    pub async fn many(&self, ids: &[ItemId]) -> StoreResult<HashMap<ItemId, String>> {
        Ok(self.store.bodies(ids).await?.into_iter().collect())
    }
}
