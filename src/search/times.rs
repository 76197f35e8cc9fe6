//! Each segment's publication times, opened once per segment instead of once per
//! query: finding the column by name in a segment costs more than ranking a page.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{Searcher, SearcherGeneration, Warmer};

use super::schema::TIME;

/// The time column of every live segment, kept as the index's readers move on.
#[derive(Default)]
pub struct TimeColumns {
    columns: RwLock<HashMap<SegmentId, Column<i64>>>,
}

impl TimeColumns {
    /// The time column of `searcher`'s segment `ord`; `None` when it has none.
    pub fn get(&self, searcher: &Searcher, ord: u32) -> Option<Column<i64>> {
        let reader = searcher.segment_reader(ord);
        let id = reader.segment_id();
        if let Some(column) = self.columns.read().ok().and_then(|c| c.get(&id).cloned()) {
            return Some(column);
        }
        let column = reader.fast_fields().i64(TIME).ok()?;
        if let Ok(mut columns) = self.columns.write() {
            columns.insert(id, column.clone());
        }
        Some(column)
    }
}

impl Warmer for TimeColumns {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for ord in 0..searcher.segment_readers().len() {
            self.get(searcher, ord as u32);
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let alive: HashSet<&SegmentId> = live.iter().flat_map(|g| g.segments().keys()).collect();
        if let Ok(mut columns) = self.columns.write() {
            columns.retain(|id, _| alive.contains(id));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tantivy::schema::{FAST, Schema};
    use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument};

    use super::*;

    fn add(writer: &mut IndexWriter, field: tantivy::schema::Field, time: i64) {
        let mut doc = TantivyDocument::default();
        doc.add_i64(field, time);
        writer.add_document(doc).expect("added");
        writer.commit().expect("committed");
    }

    #[test]
    fn columns_are_read_per_segment_and_dropped_with_their_segment() {
        let mut schema = Schema::builder();
        let time = schema.add_i64_field(TIME, FAST);
        let index = Index::create_in_ram(schema.build());
        let times = Arc::new(TimeColumns::default());
        let warmer: std::sync::Weak<dyn Warmer> = Arc::downgrade(&times) as _;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![warmer])
            .try_into()
            .expect("reader");
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        add(&mut writer, time, 10);
        add(&mut writer, time, 20);
        reader.reload().expect("reloaded");
        let searcher = reader.searcher();
        let mut seen: Vec<i64> = (0..searcher.segment_readers().len() as u32)
            .filter_map(|ord| times.get(&searcher, ord)?.first(0))
            .collect();
        seen.sort();
        assert_eq!(seen, [10, 20]);
        assert_eq!(times.columns.read().expect("lock").len(), 2);
        // Merged into one segment: the two old columns go once no searcher holds them
        // (tantivy collects after warming, in the background; called here directly).
        let ids = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect::<Vec<_>>();
        drop(searcher);
        writer.merge(&ids).wait().expect("merged");
        reader.reload().expect("reloaded");
        let searcher = reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let merged = times.get(&searcher, 0).expect("column");
        let mut both = [merged.first(0), merged.first(1)];
        both.sort();
        assert_eq!(both, [Some(10), Some(20)]);
        times.garbage_collect(&[searcher.generation()]);
        let kept: Vec<SegmentId> = times
            .columns
            .read()
            .expect("lock")
            .keys()
            .copied()
            .collect();
        assert_eq!(kept, [searcher.segment_readers()[0].segment_id()]);
    }
}
