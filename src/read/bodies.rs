//! Rendered bodies, read from the store when a page that shows them is rendered.

use std::collections::HashMap;

use crate::domain::ItemId;
use crate::store::{Store, StoreResult};

/// An item's body as an article page shows it.
#[derive(Debug, Clone)]
pub struct ArticleBody {
    /// Rendered and sanitized HTML.
    pub html: String,
    /// The first paragraph as plain text, if the body has one.
    pub summary: Option<String>,
    /// What search engines and social cards show, when the newsroom chose it.
    pub seo: crate::domain::Seo,
}

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

    /// One item's rendered body and summary; `None` when the item is gone from the store.
    pub async fn body(&self, id: ItemId) -> StoreResult<Option<ArticleBody>> {
        Ok(self
            .store
            .article_body(id)
            .await?
            .map(|(html, summary, seo)| ArticleBody { html, summary, seo }))
    }

    /// Several items' summaries, in one query; items whose body has none are left out.
    pub async fn summaries(&self, ids: &[ItemId]) -> StoreResult<HashMap<ItemId, String>> {
        Ok(self.store.summaries(ids).await?.into_iter().collect())
    }
}
