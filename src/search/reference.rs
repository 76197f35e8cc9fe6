//! tantivy alone, as a yardstick: the same text in a plain index (headline and body,
//! tantivy's default analyzer), the same queries through tantivy's own parser, every
//! word required. What the benchmark compares the bare query with.

use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::QueryParser;
use tantivy::schema::{Schema, TEXT};
use tantivy::{Index, IndexReader, TantivyDocument};

use super::analyzer::plain_text;
use super::{SearchError, SearchResult};
use crate::store::Store;

/// A plain tantivy index of every item's headline and body.
pub struct Reference {
    reader: IndexReader,
    parser: QueryParser,
}

impl Reference {
    /// Indexes every item of `store` into `dir` (made anew), reporting (done, total).
    pub async fn build(
        store: &Store,
        dir: &Path,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> SearchResult<Self> {
        let mut schema = Schema::builder();
        let headline = schema.add_text_field("headline", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = super::create(dir, schema.build())?;
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(
            super::follow::REBUILD_THREADS,
            super::follow::REBUILD_BUDGET,
        )?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let total = store.item_count().await?.max(0) as u64;
        let (mut after, mut done) = (0, 0u64);
        loop {
            let rows = store.index_rows_after(after, 2000).await?;
            let Some(last) = rows.last().map(|r| r.id) else {
                break;
            };
            after = last;
            for row in &rows {
                let mut doc = TantivyDocument::default();
                doc.add_text(headline, &row.headline);
                doc.add_text(body, plain_text(&row.markdown));
                writer.add_document(doc)?;
            }
            done += rows.len() as u64;
            progress(done, total);
        }
        writer.commit()?;
        // One segment, as `newsline reindex` leaves its own index.
        super::follow::merge_all(&index, writer)?;
        Self::open(dir)
    }

    /// Opens a reference index built before.
    pub fn open(dir: &Path) -> SearchResult<Self> {
        let index = Index::open_in_dir(dir)?;
        let schema = index.schema();
        let fields = [schema.get_field("headline")?, schema.get_field("body")?];
        let mut parser = QueryParser::for_index(&index, fields.to_vec());
        parser.set_conjunction_by_default();
        Ok(Self {
            reader: index.reader()?,
            parser,
        })
    }

    /// The best `limit` documents for `text` (plain words); how many there were.
    pub fn query(&self, text: &str, limit: usize) -> SearchResult<usize> {
        let query = self.parser.parse_query(text).map_err(|e| {
            SearchError::Index(tantivy::TantivyError::InvalidArgument(e.to_string()))
        })?;
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        Ok(top.len())
    }
}
