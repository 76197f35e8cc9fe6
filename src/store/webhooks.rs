//! Webhooks and their outbox of deliveries.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Dialect, Store, StoreResult, Writer, rows};
use crate::domain::{ItemId, UserId};

/// A registered webhook, with its secret (which signs deliveries).
#[derive(Debug, Clone)]
pub struct WebhookRecord {
    /// Its id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// The events it is told about, comma-separated.
    pub events: String,
    /// The signing secret.
    pub secret: String,
    /// Whether deliveries are made to it.
    pub active: bool,
    /// When it was registered.
    pub created_at: Timestamp,
}

/// What the outbox holds about one delivery.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    /// Its row id, which orders deliveries as their changes committed.
    pub id: i64,
    /// The id receivers see, to recognise a delivery they had already.
    pub public_id: String,
    /// The webhook it goes to.
    pub webhook_id: i64,
    /// The event's name.
    pub event: String,
    /// The item it is about.
    pub item_id: ItemId,
    /// The JSON body, as built when the change was made.
    pub body: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Timestamp,
    /// The HTTP status of the last answer, if there was one.
    pub last_status: Option<i64>,
    /// The start of the last answer's body.
    pub last_response: Option<String>,
    /// Why the last attempt failed without an answer, or with a bad one.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: Timestamp,
}

/// A delivery this node has leased and is to attempt.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub delivery: DeliveryRecord,
    /// The address it goes to.
    pub url: String,
    /// The secret it is signed with.
    pub secret: String,
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub struct AttemptOutcome<'a> {
    /// `delivered`, `pending` (to retry at `next_attempt_at`) or `failed`.
    pub status: &'a str,
    /// When to try again, while pending.
    pub next_attempt_at: Timestamp,
    /// The answer's HTTP status, if there was an answer.
    pub http_status: Option<i64>,
    /// The start of the answer's body.
    pub response: Option<&'a str>,
    /// Why it failed, if it did.
    pub error: Option<&'a str>,
}

/// A delivery to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewDelivery<'a> {
    /// The id receivers see.
    pub public_id: &'a str,
    /// The webhook it goes to.
    pub webhook_id: i64,
    /// The event's name.
    pub event: &'a str,
    /// The item it is about.
    pub item_id: ItemId,
    /// The change-log entry it announces.
    pub change_seq: i64,
    /// The signed body.
    pub body: &'a str,
}

/// What a webhook's body says about an item, read inside the change's transaction.
#[derive(Debug, Clone)]
pub struct ItemForWebhook {
    /// The item's id.
    pub id: ItemId,
    /// Its edition's code.
    pub edition: String,
    /// Its section's slug.
    pub section: String,
    /// Its slug.
    pub slug: String,
    /// Its headline.
    pub headline: String,
    /// Its workflow status.
    pub status: String,
    /// Its version.
    pub version: i64,
    /// When it was (or is to be) published.
    pub published_at: Option<Timestamp>,
}

const WEBHOOK_COLUMNS: &str = "id, url, events, secret, active, created_at";

const DELIVERY_COLUMNS: &str = "d.id, d.public_id, d.webhook_id, d.event, d.item_id, d.body, \
     d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_response, d.last_error, \
     d.created_at";

fn webhook_from(row: &AnyRow) -> StoreResult<WebhookRecord> {
    Ok(WebhookRecord {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        events: row.try_get("events")?,
        secret: row.try_get("secret")?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: rows::instant(row.try_get("created_at")?)?,
    })
}

fn delivery_from(row: &AnyRow) -> StoreResult<DeliveryRecord> {
    Ok(DeliveryRecord {
        id: row.try_get("id")?,
        public_id: row.try_get("public_id")?,
        webhook_id: row.try_get("webhook_id")?,
        event: row.try_get("event")?,
        item_id: row.try_get("item_id")?,
        body: row.try_get("body")?,
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: rows::instant(row.try_get("next_attempt_at")?)?,
        last_status: row.try_get("last_status")?,
        last_response: row.try_get("last_response")?,
        last_error: row.try_get("last_error")?,
        created_at: rows::instant(row.try_get("created_at")?)?,
    })
}

impl Writer {
    /// Registers a webhook; returns its id.
    pub async fn insert_webhook(
        &mut self,
        url: &str,
        events: &str,
        secret: &str,
        created_by: Option<UserId>,
    ) -> StoreResult<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO webhooks (url, events, secret, active, created_by, created_at) \
             VALUES ($1, $2, $3, 1, $4, $5) RETURNING id",
        )
        .bind(url)
        .bind(events)
        .bind(secret)
        .bind(created_by)
        .bind(self.now.as_microsecond())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Removes a webhook and its deliveries; false when there was none.
    pub async fn delete_webhook(&mut self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Turns deliveries to a webhook on or off; false when there is no such webhook.
    pub async fn set_webhook_active(&mut self, id: i64, active: bool) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE webhooks SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The active webhooks, oldest first, with their events, as this transaction sees
    /// them.
    pub async fn active_webhooks(&mut self) -> StoreResult<Vec<WebhookRecord>> {
        let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE active = 1 ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(webhook_from).collect()
    }

    /// A delivery of this webhook, to queue again.
    pub async fn delivery(
        &mut self,
        webhook_id: i64,
        id: i64,
    ) -> StoreResult<Option<DeliveryRecord>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
             WHERE d.webhook_id = $1 AND d.id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(webhook_id)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(delivery_from).transpose()
    }

    /// Queues a delivery, due at once; returns its row id.
    pub async fn insert_delivery(&mut self, d: NewDelivery<'_>) -> StoreResult<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries \
             (public_id, webhook_id, event, item_id, change_seq, body, status, attempts, \
              next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7) RETURNING id",
        )
        .bind(d.public_id)
        .bind(d.webhook_id)
        .bind(d.event)
        .bind(d.item_id)
        .bind(d.change_seq)
        .bind(d.body)
        .bind(self.now.as_microsecond())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// What a webhook's body says about item `id`, as this transaction sees it.
    pub async fn item_for_webhook(&mut self, id: ItemId) -> StoreResult<Option<ItemForWebhook>> {
        let row = sqlx::query(
            "SELECT i.id, i.edition, s.slug AS section, i.slug, i.headline, i.status, \
             i.version, i.published_at FROM items i JOIN sections s ON s.id = i.section_id \
             WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|row| {
            Ok(ItemForWebhook {
                id: row.try_get("id")?,
                edition: row.try_get("edition")?,
                section: row.try_get("section")?,
                slug: row.try_get("slug")?,
                headline: row.try_get("headline")?,
                status: row.try_get("status")?,
                version: row.try_get("version")?,
                published_at: row
                    .try_get::<Option<i64>, _>("published_at")?
                    .map(rows::instant)
                    .transpose()?,
            })
        })
        .transpose()
    }
}

impl Store {
    /// Every webhook, oldest first.
    pub async fn webhooks(&self) -> StoreResult<Vec<WebhookRecord>> {
        let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(webhook_from).collect()
    }

    /// The webhook with this id.
    pub async fn webhook(&self, id: i64) -> StoreResult<Option<WebhookRecord>> {
        let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(webhook_from).transpose()
    }

    /// A webhook's newest deliveries, newest first, at most `limit`.
    pub async fn deliveries(
        &self,
        webhook_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.webhook_id = $1 \
             ORDER BY d.id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(webhook_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(delivery_from).collect()
    }

    /// Leases up to `limit` deliveries due at `now` to `owner` until `until`: for each
    /// active webhook only its oldest pending delivery, so that a webhook hears of
    /// changes in the order they were made, retries included.
    ///
    /// One statement, so the lease is taken atomically: SQLite runs it under its single
    /// write lock; on PostgreSQL `FOR UPDATE SKIP LOCKED` passes over rows another node
    /// is leasing at that moment and re-checks the lease on rows it locks, so two nodes
    /// never lease the same row, and the `NOT EXISTS` keeps them off a webhook's later
    /// rows while an earlier one is pending.
    pub async fn claim_deliveries(
        &self,
        owner: &str,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let lock = match self.dialect {
            Dialect::Postgres => "FOR UPDATE OF d SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE webhook_deliveries SET lease_owner = $1, leased_until = $2 \
             WHERE id IN (\
                SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                WHERE d.status = 'pending' AND w.active = 1 AND d.next_attempt_at <= $3 \
                  AND (d.leased_until IS NULL OR d.leased_until <= $3) \
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e \
                      WHERE e.webhook_id = d.webhook_id AND e.status = 'pending' AND e.id < d.id) \
                ORDER BY d.id LIMIT $4 {lock}) \
             RETURNING id"
        );
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(owner)
            .bind(until.as_microsecond())
            .bind(now.as_microsecond())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS}, w.url, w.secret FROM webhook_deliveries d \
             JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.lease_owner = $1 AND d.id IN ({}) ORDER BY d.id",
            ids.iter()
                .enumerate()
                .map(|(i, _)| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(owner);
        for id in &ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(ClaimedDelivery {
                    delivery: delivery_from(row)?,
                    url: row.try_get("url")?,
                    secret: row.try_get("secret")?,
                })
            })
            .collect()
    }

    /// Records how an attempt by `owner` ended and lets go of the lease; false when the
    /// lease had passed to another node meanwhile, whose attempt then counts.
    pub async fn record_attempt(
        &self,
        id: i64,
        owner: &str,
        now: Timestamp,
        outcome: &AttemptOutcome<'_>,
    ) -> StoreResult<bool> {
        let delivered_at = (outcome.status == "delivered").then(|| now.as_microsecond());
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, \
             next_attempt_at = $2, last_status = $3, last_response = $4, last_error = $5, \
             delivered_at = $6, lease_owner = NULL, leased_until = NULL \
             WHERE id = $7 AND lease_owner = $8 AND status = 'pending'",
        )
        .bind(outcome.status)
        .bind(outcome.next_attempt_at.as_microsecond())
        .bind(outcome.http_status)
        .bind(outcome.response)
        .bind(outcome.error)
        .bind(delivered_at)
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many deliveries wait to go out, retries included.
    pub async fn pending_delivery_count(&self) -> StoreResult<i64> {
        let n =
            sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }

    /// Lets go of every delivery `owner` holds, so another node attempts it at once
    /// instead of when the lease runs out; returns how many were let go.
    pub async fn release_deliveries(&self, owner: &str) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET lease_owner = NULL, leased_until = NULL \
             WHERE lease_owner = $1",
        )
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// How many deliveries and wire feeds are leased to some node right now.
    pub async fn leases_held(&self) -> StoreResult<i64> {
        let n = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM webhook_deliveries WHERE lease_owner IS NOT NULL) \
                  + (SELECT COUNT(*) FROM wire_feeds WHERE lease_owner IS NOT NULL)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// Whether a pending delivery may be due by `now`, to skip the claim when not.
    pub async fn has_due_deliveries(&self, now: Timestamp) -> StoreResult<bool> {
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM webhook_deliveries WHERE status = 'pending' \
             AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until <= $1) LIMIT 1",
        )
        .bind(now.as_microsecond())
        .fetch_optional(&self.pool)
        .await?;
        Ok(due.is_some())
    }
}
