//! Agency feeds, their polling state, and the wire copy they bring.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Dialect, Store, StoreResult, Writer, rows};
use crate::domain::{EditionCode, ItemId, UserId};

/// An agency feed as stored, with its polling state.
#[derive(Debug, Clone)]
pub struct FeedRecord {
    /// Its id.
    pub id: i64,
    /// The source's name, which its copy is filed under.
    pub name: String,
    /// Where it is fetched from.
    pub url: String,
    /// The edition its copy is for.
    pub edition: String,
    /// Seconds between polls.
    pub interval_secs: i64,
    /// Whether it is polled.
    pub enabled: bool,
    /// Declared in the site config (kept in step with it at start-up).
    pub configured: bool,
    /// The feed's last `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The feed's last `Last-Modified`, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When it is next due.
    pub next_poll_at: Timestamp,
    /// Polls failed in a row.
    pub failures: i64,
    /// Why the last poll failed, while it keeps failing.
    pub last_error: Option<String>,
    /// When it was last polled.
    pub last_polled_at: Option<Timestamp>,
    /// When a poll last succeeded.
    pub last_success_at: Option<Timestamp>,
}

/// A feed to add.
#[derive(Debug, Clone, Copy)]
pub struct NewFeed<'a> {
    /// The source's name.
    pub name: &'a str,
    /// Where it is fetched from.
    pub url: &'a str,
    /// Its edition.
    pub edition: &'a EditionCode,
    /// Seconds between polls.
    pub interval_secs: i64,
    /// Declared in the site config.
    pub configured: bool,
}

/// How one poll ended, to record on its feed.
#[derive(Debug, Clone)]
pub struct PollRecord<'a> {
    /// The validators to send next time (kept as they were on failure).
    pub etag: Option<&'a str>,
    /// See `etag`.
    pub last_modified: Option<&'a str>,
    /// When to poll next.
    pub next_poll_at: Timestamp,
    /// Polls failed in a row, this one counted.
    pub failures: i64,
    /// Why it failed; `None` when it did not.
    pub error: Option<&'a str>,
}

/// A story in the wire queue.
#[derive(Debug, Clone)]
pub struct CopyRecord {
    /// Its id.
    pub id: i64,
    /// The feed it came from, while that feed exists.
    pub feed_id: Option<i64>,
    /// The source's name.
    pub source: String,
    /// Its identity in the source.
    pub guid: String,
    /// The edition it is for.
    pub edition: String,
    /// Title, plain text.
    pub title: String,
    /// Summary, sanitized HTML.
    pub summary: String,
    /// Full text, sanitized HTML.
    pub content: String,
    /// The original on the source's site.
    pub link: Option<String>,
    /// When the source published it.
    pub published_at: Option<Timestamp>,
    /// When the source last changed it.
    pub updated_at: Option<Timestamp>,
    /// When it reached the queue.
    pub received_at: Timestamp,
    /// `waiting`, `taken` or `dismissed`.
    pub state: String,
    /// The draft it was taken as.
    pub item_id: Option<ItemId>,
    /// Who took or dismissed it.
    pub handled_by: Option<UserId>,
}

/// A story to file into the queue.
#[derive(Debug, Clone, Copy)]
pub struct NewCopy<'a> {
    /// The feed it came from.
    pub feed_id: Option<i64>,
    /// The source's name.
    pub source: &'a str,
    /// Its identity in the source.
    pub guid: &'a str,
    /// The edition it is for.
    pub edition: &'a str,
    /// Title, plain text.
    pub title: &'a str,
    /// Summary, sanitized HTML.
    pub summary: &'a str,
    /// Full text, sanitized HTML.
    pub content: &'a str,
    /// The original.
    pub link: Option<&'a str>,
    /// When the source published it.
    pub published_at: Option<Timestamp>,
    /// When the source last changed it.
    pub updated_at: Option<Timestamp>,
}

const FEED_COLUMNS: &str = "id, name, url, edition, interval_secs, enabled, configured, etag, \
     last_modified, next_poll_at, failures, last_error, last_polled_at, last_success_at";

const COPY_COLUMNS: &str = "id, feed_id, source, guid, edition, title, summary, content, link, \
     published_at, updated_at, received_at, state, item_id, handled_by";

fn optional_instant(row: &AnyRow, column: &str) -> StoreResult<Option<Timestamp>> {
    row.try_get::<Option<i64>, _>(column)?
        .map(rows::instant)
        .transpose()
}

fn feed_from(row: &AnyRow) -> StoreResult<FeedRecord> {
    Ok(FeedRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        url: row.try_get("url")?,
        edition: row.try_get("edition")?,
        interval_secs: row.try_get("interval_secs")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        configured: row.try_get::<i64, _>("configured")? != 0,
        etag: row.try_get("etag")?,
        last_modified: row.try_get("last_modified")?,
        next_poll_at: rows::instant(row.try_get("next_poll_at")?)?,
        failures: row.try_get("failures")?,
        last_error: row.try_get("last_error")?,
        last_polled_at: optional_instant(row, "last_polled_at")?,
        last_success_at: optional_instant(row, "last_success_at")?,
    })
}

fn copy_from(row: &AnyRow) -> StoreResult<CopyRecord> {
    Ok(CopyRecord {
        id: row.try_get("id")?,
        feed_id: row.try_get("feed_id")?,
        source: row.try_get("source")?,
        guid: row.try_get("guid")?,
        edition: row.try_get("edition")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        content: row.try_get("content")?,
        link: row.try_get("link")?,
        published_at: optional_instant(row, "published_at")?,
        updated_at: optional_instant(row, "updated_at")?,
        received_at: rows::instant(row.try_get("received_at")?)?,
        state: row.try_get("state")?,
        item_id: row.try_get("item_id")?,
        handled_by: row.try_get("handled_by")?,
    })
}

impl Writer {
    /// Adds a feed, due at once; returns its id.
    pub async fn insert_wire_feed(&mut self, feed: NewFeed<'_>) -> StoreResult<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO wire_feeds (name, url, edition, interval_secs, enabled, configured, \
             next_poll_at, failures, created_at) VALUES ($1, $2, $3, $4, 1, $5, $6, 0, $6) \
             RETURNING id",
        )
        .bind(feed.name)
        .bind(feed.url)
        .bind(feed.edition.as_ref())
        .bind(feed.interval_secs)
        .bind(i64::from(feed.configured))
        .bind(self.now.as_microsecond())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// The feed called `name`, as this transaction sees it.
    pub async fn wire_feed_named(&mut self, name: &str) -> StoreResult<Option<FeedRecord>> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM wire_feeds WHERE name = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(feed_from).transpose()
    }

    /// Changes a feed's address, edition and interval. A new address starts afresh:
    /// its validators are dropped and it is due at once.
    pub async fn update_wire_feed(&mut self, id: i64, feed: NewFeed<'_>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE wire_feeds SET url = $1, edition = $2, interval_secs = $3, configured = $4, \
             etag = CASE WHEN url = $1 THEN etag END, \
             last_modified = CASE WHEN url = $1 THEN last_modified END, \
             next_poll_at = CASE WHEN url = $1 THEN next_poll_at ELSE $5 END \
             WHERE id = $6",
        )
        .bind(feed.url)
        .bind(feed.edition.as_ref())
        .bind(feed.interval_secs)
        .bind(i64::from(feed.configured))
        .bind(self.now.as_microsecond())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Removes a feed; its copy stays in the queue. False when there was none.
    pub async fn delete_wire_feed(&mut self, id: i64) -> StoreResult<Option<String>> {
        let name: Option<String> =
            sqlx::query_scalar("DELETE FROM wire_feeds WHERE id = $1 RETURNING name")
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(name)
    }

    /// Pauses or resumes a feed; a resumed one is due at once and its failures are
    /// forgotten. Returns its name, or `None` when there is no such feed.
    pub async fn set_wire_feed_enabled(
        &mut self,
        id: i64,
        enabled: bool,
    ) -> StoreResult<Option<String>> {
        let name: Option<String> = sqlx::query_scalar(
            "UPDATE wire_feeds SET enabled = $1, \
             failures = CASE WHEN $1 = 1 THEN 0 ELSE failures END, \
             next_poll_at = CASE WHEN $1 = 1 THEN $2 ELSE next_poll_at END \
             WHERE id = $3 RETURNING name",
        )
        .bind(i64::from(enabled))
        .bind(self.now.as_microsecond())
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(name)
    }

    /// Files a story into the queue; `None` when the source filed it before.
    pub async fn insert_wire_copy(&mut self, copy: NewCopy<'_>) -> StoreResult<Option<i64>> {
        let id = sqlx::query_scalar(
            "INSERT INTO wire_copy (feed_id, source, guid, edition, title, summary, content, \
             link, published_at, updated_at, received_at, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'waiting') \
             ON CONFLICT (source, guid) DO NOTHING RETURNING id",
        )
        .bind(copy.feed_id)
        .bind(copy.source)
        .bind(copy.guid)
        .bind(copy.edition)
        .bind(copy.title)
        .bind(copy.summary)
        .bind(copy.content)
        .bind(copy.link)
        .bind(copy.published_at.map(Timestamp::as_microsecond))
        .bind(copy.updated_at.map(Timestamp::as_microsecond))
        .bind(self.now.as_microsecond())
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// A story of the queue, as this transaction sees it.
    pub async fn wire_copy(&mut self, id: i64) -> StoreResult<Option<CopyRecord>> {
        let sql = format!("SELECT {COPY_COLUMNS} FROM wire_copy WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(copy_from).transpose()
    }

    /// Marks a waiting story taken (as `item`) or dismissed; false when it was no
    /// longer waiting.
    pub async fn handle_wire_copy(
        &mut self,
        id: i64,
        state: &str,
        item: Option<ItemId>,
        by: Option<UserId>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE wire_copy SET state = $1, item_id = $2, handled_by = $3, handled_at = $4 \
             WHERE id = $5 AND state = 'waiting'",
        )
        .bind(state)
        .bind(item)
        .bind(by)
        .bind(self.now.as_microsecond())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The slug of an edition's first section, where taken copy lands until an editor
    /// moves it.
    pub async fn first_section(&mut self, edition: &EditionCode) -> StoreResult<Option<String>> {
        let slug = sqlx::query_scalar(
            "SELECT slug FROM sections WHERE edition = $1 ORDER BY position, id LIMIT 1",
        )
        .bind(edition.as_ref())
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(slug)
    }
}

impl Store {
    /// Every feed, by name.
    pub async fn wire_feeds(&self) -> StoreResult<Vec<FeedRecord>> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM wire_feeds ORDER BY name");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(feed_from).collect()
    }

    /// Waiting stories, newest first: the most recently received, and within one
    /// poll the most recently published.
    pub async fn waiting_wire_copy(&self, limit: i64, offset: i64) -> StoreResult<Vec<CopyRecord>> {
        let sql = format!(
            "SELECT {COPY_COLUMNS} FROM wire_copy WHERE state = 'waiting' \
             ORDER BY received_at DESC, COALESCE(published_at, received_at) DESC, id DESC \
             LIMIT $1 OFFSET $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(copy_from).collect()
    }

    /// How many stories wait.
    pub async fn waiting_wire_copy_count(&self) -> StoreResult<i64> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM wire_copy WHERE state = 'waiting'")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// A story of the queue, in any state.
    pub async fn wire_copy(&self, id: i64) -> StoreResult<Option<CopyRecord>> {
        let sql = format!("SELECT {COPY_COLUMNS} FROM wire_copy WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(copy_from).transpose()
    }

    /// How many stories the queue holds in all, whatever their state.
    pub async fn wire_copy_total(&self) -> StoreResult<i64> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM wire_copy")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Whether an enabled feed may be due by `now`, to skip the claim when not.
    pub async fn has_due_wire_feeds(&self, now: Timestamp) -> StoreResult<bool> {
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM wire_feeds WHERE enabled = 1 AND next_poll_at <= $1 \
             AND (leased_until IS NULL OR leased_until <= $1) LIMIT 1",
        )
        .bind(now.as_microsecond())
        .fetch_optional(&self.pool)
        .await?;
        Ok(due.is_some())
    }

    /// Leases up to `limit` enabled feeds due at `now` to `owner` until `until`.
    ///
    /// One statement, so the lease is taken atomically: SQLite runs it under its single
    /// write lock; on PostgreSQL `FOR UPDATE SKIP LOCKED` passes over feeds another
    /// node is leasing at that moment and re-checks the lease on those it locks, so
    /// two nodes never poll one feed at once.
    pub async fn claim_wire_feeds(
        &self,
        owner: &str,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<FeedRecord>> {
        let lock = match self.dialect {
            Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE wire_feeds SET lease_owner = $1, leased_until = $2 \
             WHERE id IN (\
                SELECT id FROM wire_feeds WHERE enabled = 1 AND next_poll_at <= $3 \
                  AND (leased_until IS NULL OR leased_until <= $3) \
                ORDER BY next_poll_at, id LIMIT $4 {lock}) \
             RETURNING {FEED_COLUMNS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner)
            .bind(until.as_microsecond())
            .bind(now.as_microsecond())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(feed_from).collect()
    }

    /// Lets go of every feed `owner` holds, so another node polls it at once instead of
    /// when the lease runs out; returns how many were let go.
    pub async fn release_wire_feeds(&self, owner: &str) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE wire_feeds SET lease_owner = NULL, leased_until = NULL \
             WHERE lease_owner = $1",
        )
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Records how `owner`'s poll of feed `id` ended and lets go of the lease; false
    /// when the lease had passed to another node meanwhile.
    pub async fn record_poll(
        &self,
        id: i64,
        owner: &str,
        now: Timestamp,
        poll: &PollRecord<'_>,
    ) -> StoreResult<bool> {
        let succeeded = poll.error.is_none().then(|| now.as_microsecond());
        let done = sqlx::query(
            "UPDATE wire_feeds SET etag = $1, last_modified = $2, next_poll_at = $3, \
             failures = $4, last_error = $5, last_polled_at = $6, \
             last_success_at = COALESCE($7, last_success_at), \
             lease_owner = NULL, leased_until = NULL \
             WHERE id = $8 AND lease_owner = $9",
        )
        .bind(poll.etag)
        .bind(poll.last_modified)
        .bind(poll.next_poll_at.as_microsecond())
        .bind(poll.failures)
        .bind(poll.error)
        .bind(now.as_microsecond())
        .bind(succeeded)
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
