//! Published items' metadata as the read model loads it: every item at start, a few
//! after each batch of changes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::Row;
use sqlx::any::AnyRow;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{Store, StoreError, StoreResult, rows};
use crate::domain::{AuthorId, Correction, ItemId, ItemKind, SectionId, TagId};

/// A published item's metadata, as streamed to the read model at start: everything
/// but the body, which is read on demand.
#[derive(Debug)]
pub struct PublishedRow {
    /// Database identity.
    pub id: ItemId,
    /// Edition code, one allocation per edition for all the rows of one read.
    pub edition: Arc<str>,
    /// Article or brief.
    pub kind: ItemKind,
    /// The headline.
    pub headline: Box<str>,
    /// URL decoration.
    pub slug: Box<str>,
    /// Optional standfirst.
    pub dek: Option<Box<str>>,
    /// Its section.
    pub section: SectionId,
    /// Authors in byline order.
    pub authors: Box<[AuthorId]>,
    /// Outlet after the byline, if set.
    pub outlet: Option<Box<str>>,
    /// Tags in the order given.
    pub tags: Box<[TagId]>,
    /// Promoted item.
    pub related: Option<ItemId>,
    /// The first item of its group of translations.
    pub translation_of: Option<ItemId>,
    /// Lead story.
    pub pinned: bool,
    /// Breaking news.
    pub breaking: bool,
    /// Lead image.
    pub lead_media: Option<i64>,
    /// Publication time, microseconds since the epoch.
    pub published_at: i64,
    /// Last editorial change, microseconds since the epoch.
    pub updated_at: i64,
}

/// Some published items' metadata and corrections.
#[derive(Debug, Default)]
pub struct PublishedSet {
    /// Metadata rows, by id.
    pub rows: Vec<PublishedRow>,
    /// Correction notes, oldest first within an item.
    pub corrections: Vec<(ItemId, Correction)>,
}

/// Batches of published rows from a reader running beside the caller; see
/// [`Store::published_rows`].
pub struct PublishedRows {
    receive: mpsc::Receiver<StoreResult<Vec<PublishedRow>>>,
    reader: Option<JoinHandle<()>>,
}

impl PublishedRows {
    /// The next batch, by id; `None` once every row has been handed over.
    pub async fn next(&mut self) -> Option<StoreResult<Vec<PublishedRow>>> {
        if let Some(batch) = self.receive.recv().await {
            return Some(batch);
        }
        // The channel closes when the reader ends. One that panicked did not hand over
        // every row, and a partial load must not pass for the whole archive.
        match self.reader.take()?.await {
            Ok(()) => None,
            Err(err) => Some(Err(StoreError::ReaderStopped(err))),
        }
    }
}

/// The columns both decoders read, in their order. An item's authors and tags come
/// as lists in its own row (migration 0005), so a million items are a million rows,
/// not the 3.3 million they were with a row per link.
const PUBLISHED_COLUMNS: &str = "id, edition, kind, headline, slug, dek, section_id, outlet, \
    related_id, pinned, published_at, updated_at, breaking, lead_media_id, author_ids, tag_ids, \
    translation_of";

/// Rows handed over at a time by [`Store::published_rows`]: few enough to keep memory
/// flat, enough that the hand-over costs nothing per row.
const BATCH: usize = 2048;

/// Edition codes shared by the rows of one read: there are a handful, and a million
/// rows would otherwise allocate a million copies.
#[derive(Default)]
struct Codes(Vec<Arc<str>>);

impl Codes {
    fn get(&mut self, code: &str) -> Arc<str> {
        if let Some(known) = self.0.iter().find(|c| c.as_ref() == code) {
            return known.clone();
        }
        let code: Arc<str> = code.into();
        self.0.push(code.clone());
        code
    }
}

fn published_row(row: &AnyRow, codes: &mut Codes) -> StoreResult<PublishedRow> {
    let text = |i: usize| -> StoreResult<Box<str>> { Ok(row.try_get::<&str, _>(i)?.into()) };
    let optional_text = |i: usize| -> StoreResult<Option<Box<str>>> {
        Ok(row.try_get::<Option<&str>, _>(i)?.map(Into::into))
    };
    Ok(PublishedRow {
        id: row.try_get(0)?,
        edition: codes.get(row.try_get::<&str, _>(1)?),
        kind: ItemKind::parse(row.try_get::<&str, _>(2)?).map_err(rows::corrupt)?,
        headline: text(3)?,
        slug: text(4)?,
        dek: optional_text(5)?,
        section: row.try_get(6)?,
        outlet: optional_text(7)?,
        related: row.try_get(8)?,
        pinned: row.try_get::<i64, _>(9)? != 0,
        published_at: row.try_get(10)?,
        updated_at: row.try_get(11)?,
        breaking: row.try_get::<i64, _>(12)? != 0,
        lead_media: row.try_get(13)?,
        authors: ids(row.try_get::<&str, _>(14)?)?,
        tags: ids(row.try_get::<&str, _>(15)?)?,
        translation_of: row.try_get(16)?,
    })
}

/// The stored form of an item's author or tag ids: decimal, comma-separated, in
/// position order; empty for none.
pub(super) fn id_list(ids: &[i64]) -> String {
    let mut out = String::new();
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out
}

/// Reads [`id_list`]'s form back.
fn ids(stored: &str) -> StoreResult<Box<[i64]>> {
    if stored.is_empty() {
        return Ok(Box::default());
    }
    // Sized up front: a million rows should not each grow and then shrink a vector.
    let mut out = Vec::with_capacity(stored.bytes().filter(|b| *b == b',').count() + 1);
    for id in stored.split(',') {
        out.push(
            id.parse()
                .map_err(|_| StoreError::Corrupt(format!("'{stored}' is not a list of ids")))?,
        );
    }
    Ok(out.into_boxed_slice())
}

/// An SQLite file, for what bypasses the shared pool: the read that bypasses sqlx
/// (see [`Store::published_rows`]) and bulk loads.
#[derive(Clone, Debug)]
pub(super) struct SqliteFile {
    /// The URL it was opened by.
    pub(super) url: String,
    /// The file itself.
    pub(super) path: PathBuf,
    /// How long to wait for another connection's lock.
    pub(super) busy_timeout: Duration,
}

impl SqliteFile {
    pub(super) fn open(&self) -> StoreResult<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        // Read-write without create: the pool has migrated the file, and a read-only
        // connection to a WAL database can fail where this one cannot.
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(self.busy_timeout)?;
        conn.execute_batch("PRAGMA synchronous = FULL;")?;
        Ok(conn)
    }

    /// This file's connection's durability settings, as [`Store::durability`] reports.
    pub(super) fn durability(&self) -> StoreResult<super::Durability> {
        let conn = self.open()?;
        Ok(super::Durability::Sqlite {
            synchronous: conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
            journal_mode: conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
        })
    }

    /// Reads every published row, blocking, and sends them on in batches in id order;
    /// stops early if the receiver went away.
    ///
    /// The lower half of the ids is read on this thread and sent as it is read; the
    /// upper half is read at the same time on a second thread and sent once the
    /// lower half is through. Decoding is most of the cost, and so both cores share it.
    fn read_all(&self, send: &mpsc::Sender<StoreResult<Vec<PublishedRow>>>) -> StoreResult<()> {
        let conn = self.open()?;
        let (low, high): (Option<i64>, Option<i64>) =
            conn.query_row("SELECT min(id), max(id) FROM items", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        let (Some(low), Some(high)) = (low, high) else {
            return Ok(());
        };
        // Items filed after the first query have later change-log positions than the
        // one the read model starts from, so it applies them afterwards.
        // Halved separately so that no pair of ids can overflow.
        let middle = low / 2 + high / 2;
        let file = self.clone();
        let upper = tokio::task::spawn_blocking(move || {
            let mut batches = Vec::new();
            read_range(&file.open()?, middle + 1, high, |batch| {
                batches.push(batch);
                true
            })?;
            Ok::<_, StoreError>(batches)
        });
        let mut open = true;
        read_range(&conn, low, middle, |batch| {
            open = send.blocking_send(Ok(batch)).is_ok();
            open
        })?;
        if !open {
            return Ok(());
        }
        let upper = tokio::runtime::Handle::current()
            .block_on(upper)
            .map_err(StoreError::ReaderStopped)??;
        for batch in upper {
            if send.blocking_send(Ok(batch)).is_err() {
                break;
            }
        }
        Ok(())
    }
}

/// Reads the published rows with ids in `from..=until`, in id order, handing them to
/// `each` in batches until it returns false.
fn read_range(
    conn: &rusqlite::Connection,
    from: i64,
    until: i64,
    mut each: impl FnMut(Vec<PublishedRow>) -> bool,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT {PUBLISHED_COLUMNS} FROM items WHERE id BETWEEN ?1 AND ?2 \
         AND status = 'published' AND published_at IS NOT NULL ORDER BY id"
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([from, until])?;
    let mut codes = Codes::default();
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(row) = rows.next()? {
        batch.push(sqlite_row(row, &mut codes)?);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if !each(full) {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() {
        each(batch);
    }
    Ok(())
}

/// Decodes a row of [`PUBLISHED_COLUMNS`] in place: text is borrowed from SQLite's
/// own buffer and copied once, into the box the read model keeps.
fn sqlite_row(row: &rusqlite::Row<'_>, codes: &mut Codes) -> StoreResult<PublishedRow> {
    let text = |i: usize| -> StoreResult<&str> {
        row.get_ref(i)?
            .as_str()
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    };
    let optional_text = |i: usize| -> StoreResult<Option<Box<str>>> {
        Ok(row
            .get_ref(i)?
            .as_str_or_null()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .map(Into::into))
    };
    Ok(PublishedRow {
        id: row.get(0)?,
        edition: codes.get(text(1)?),
        kind: ItemKind::parse(text(2)?).map_err(rows::corrupt)?,
        headline: text(3)?.into(),
        slug: text(4)?.into(),
        dek: optional_text(5)?,
        section: row.get(6)?,
        outlet: optional_text(7)?,
        related: row.get(8)?,
        pinned: row.get::<_, i64>(9)? != 0,
        published_at: row.get(10)?,
        updated_at: row.get(11)?,
        breaking: row.get::<_, i64>(12)? != 0,
        lead_media: row.get(13)?,
        authors: ids(text(14)?)?,
        tags: ids(text(15)?)?,
        translation_of: row.get(16)?,
    })
}

impl Store {
    /// Every published item's metadata, by id, in batches, read while the caller
    /// works on the previous batch; the channel holds a few batches, never every row
    /// (nor any body).
    ///
    /// On SQLite the rows are read with rusqlite on blocking threads. Through sqlx,
    /// each column value of each row is copied into an allocation of its own on the
    /// driver's worker thread and handed across threads: about half a microsecond
    /// per value with the concrete driver as with `Any`, 8 s of CPU for a million
    /// rows. Here a row is decoded straight from SQLite's buffers, about 2 µs a row
    /// all told (docs/PERFORMANCE.md).
    pub fn published_rows(&self) -> PublishedRows {
        let (send, receive) = mpsc::channel(4);
        // An error goes down the channel after the rows read before it; a receiver
        // that went away wants neither.
        let reader = match &self.sqlite {
            Some(files) => {
                let file = files.reads.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(err) = file.read_all(&send) {
                        let _ = send.blocking_send(Err(err));
                    }
                })
            }
            None => {
                let reads = self.reads.clone();
                tokio::spawn(async move {
                    if let Err(err) = any_read_all(&reads, &send).await {
                        let _ = send.send(Err(err)).await;
                    }
                })
            }
        };
        PublishedRows {
            receive,
            reader: Some(reader),
        }
    }

    /// The published ones among `ids`, with their corrections, in a few queries
    /// whatever their number: how the feeder reloads a batch of changes.
    pub async fn published_among(&self, ids: &[ItemId]) -> StoreResult<PublishedSet> {
        let mut set = PublishedSet::default();
        let mut codes = Codes::default();
        for chunk in ids.chunks(500) {
            let list = rows::placeholders(chunk.len());
            let bind = |sql: String| {
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    query = query.bind(*id);
                }
                query
            };
            for row in bind(format!(
                "SELECT {PUBLISHED_COLUMNS} FROM items \
                 WHERE status = 'published' AND published_at IS NOT NULL AND id IN ({list})"
            ))
            .fetch_all(&self.reads)
            .await?
            {
                set.rows.push(published_row(&row, &mut codes)?);
            }
            for row in bind(format!(
                "SELECT item_id, noted_at, note FROM corrections WHERE item_id IN ({list}) \
                 ORDER BY item_id, noted_at, id"
            ))
            .fetch_all(&self.reads)
            .await?
            {
                set.corrections.push((
                    row.try_get(0)?,
                    Correction {
                        noted_at: rows::instant(row.try_get(1)?)?,
                        note: row.try_get(2)?,
                    },
                ));
            }
        }
        set.rows.sort_by_key(|r| r.id);
        Ok(set)
    }

    /// Every correction note, oldest first within an item.
    pub async fn all_corrections(&self) -> StoreResult<Vec<(ItemId, Correction)>> {
        let rows = sqlx::query(
            "SELECT item_id, noted_at, note FROM corrections ORDER BY item_id, noted_at, id",
        )
        .fetch_all(&self.reads)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get(0)?,
                    Correction {
                        noted_at: rows::instant(row.try_get(1)?)?,
                        note: row.try_get(2)?,
                    },
                ))
            })
            .collect()
    }
}

/// [`Store::published_rows`] through the `Any` driver (PostgreSQL).
async fn any_read_all(
    reads: &sqlx::AnyPool,
    send: &mpsc::Sender<StoreResult<Vec<PublishedRow>>>,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT {PUBLISHED_COLUMNS} FROM items \
         WHERE status = 'published' AND published_at IS NOT NULL ORDER BY id"
    );
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(reads);
    let mut codes = Codes::default();
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(row) = rows.try_next().await? {
        batch.push(published_row(&row, &mut codes)?);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if send.send(Ok(full)).await.is_err() {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() {
        let _ = send.send(Ok(batch)).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_read_back_as_written() {
        for list in [&[][..], &[7], &[3, 12, 1_000_000_000_001]] {
            assert_eq!(&*ids(&id_list(list)).expect("valid"), list);
        }
        assert!(matches!(ids("1,,2"), Err(StoreError::Corrupt(_))));
        assert!(matches!(ids("x"), Err(StoreError::Corrupt(_))));
    }
}
