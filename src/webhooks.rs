//! The delivery worker: sends what the outbox holds to webhooks, signed, in order,
//! retrying with backoff for a day.
//!
//! Each process runs one worker. It leases due deliveries in the database (see
//! [`Store::claim_deliveries`]), so when several nodes share PostgreSQL each delivery
//! is attempted by one node at a time; a server that stops lets go of its leases, and
//! a lease left by a process that died runs out after [`LEASE`]. Within one webhook a
//! delivery is attempted only after every earlier one is delivered or has failed for
//! good, so receivers hear of changes in the order they were made, retries included;
//! different webhooks are served at once, so one slow receiver holds up only itself.
//! Publishing never waits on any of this: a use case only writes the outbox row.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::domain::Clock;
use crate::store::{AttemptOutcome, ClaimedDelivery, Store};

/// The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
pub const SIGNATURE_HEADER: &str = "Newsline-Signature";
/// The header naming the event.
pub const EVENT_HEADER: &str = "Newsline-Event";
/// The header naming the delivery, for receivers to skip one they had already.
pub const DELIVERY_HEADER: &str = "Newsline-Delivery";

/// How long a node may hold a delivery before another may take it over; longer than
/// an attempt can last.
pub const LEASE: SignedDuration = SignedDuration::from_secs(30);
/// How long a delivery is retried, from when it was queued.
pub const RETRY_FOR: SignedDuration = SignedDuration::from_hours(24);
/// The wait after a first failed attempt; it doubles after each further one.
pub const FIRST_RETRY: SignedDuration = SignedDuration::from_secs(2);
/// The longest wait between attempts.
pub const MAX_RETRY: SignedDuration = SignedDuration::from_hours(1);
/// How long to wait for a connection to a receiver.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole attempt may take, answer included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an answer is kept to show in the newsroom.
pub const RESPONSE_KEPT: usize = 1024;
/// Most attempts in flight at once in one process.
const IN_FLIGHT: usize = 32;

/// The signature header's value for `body` sent at `timestamp` (unix seconds): an
/// HMAC-SHA256 with the webhook's secret over `"<timestamp>.<body>"`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={timestamp},v1={hex}")
}

/// The wait before attempt `failed + 1`, after `failed` attempts failed: doubling from
/// [`FIRST_RETRY`] up to [`MAX_RETRY`], then a random part of it taken off (between
/// none and half), so receivers that come back are not hit by every sender at once.
/// `unit` is a random number in `[0, 1)`.
pub fn backoff(failed: i64, unit: f64) -> SignedDuration {
    let doublings = u32::try_from(failed.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let full = FIRST_RETRY
        .checked_mul(1 << doublings)
        .unwrap_or(MAX_RETRY)
        .min(MAX_RETRY);
    let unit = unit.clamp(0.0, 1.0);
    full.mul_f64(1.0 - unit / 2.0)
}

fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    // Jitter only spreads retries; without randomness they are merely less spread.
    let _ = getrandom::fill(&mut bytes);
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// Sends the outbox's deliveries; one per process.
pub struct Deliverer {
    store: Store,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
    /// Names this process in leases.
    owner: Arc<str>,
}

impl Deliverer {
    /// A worker sending through `store`'s outbox, by `clock`'s time.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // A receiver that moved says so by being edited in the newsroom; following
            // a redirect would send signed content wherever the answer points.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Newsline-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
        let owner: String = id.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            store,
            clock,
            client,
            owner: Arc::from(owner),
        })
    }

    /// The name this worker's leases carry, to let go of them when the server stops.
    pub fn owner(&self) -> Arc<str> {
        self.owner.clone()
    }

    /// Attempts due deliveries every second, and at once when `wake` is notified
    /// (after a commit); never returns.
    pub async fn run(self, wake: Arc<Notify>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Attempts end with the worker: a server stopping lets go of their leases, one
        // that dies leaves them to run out.
        let mut attempts = JoinSet::new();
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = wake.notified() => {}
                // A finished attempt may free the next delivery to its webhook.
                Some(_) = attempts.join_next(), if !attempts.is_empty() => {}
            }
            let room = IN_FLIGHT.saturating_sub(attempts.len());
            if room == 0 {
                continue;
            }
            match self.claim(room).await {
                Ok(claimed) => {
                    for delivery in claimed {
                        attempts.spawn(attempt(
                            self.store.clone(),
                            self.clock.clone(),
                            self.client.clone(),
                            self.owner.clone(),
                            delivery,
                        ));
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not look for webhook deliveries; retrying");
                }
            }
        }
    }

    async fn claim(&self, room: usize) -> crate::store::StoreResult<Vec<ClaimedDelivery>> {
        let now = self.clock.now();
        if !self.store.has_due_deliveries(now).await? {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(room).unwrap_or(1);
        self.store
            .claim_deliveries(&self.owner, now, now + LEASE, limit)
            .await
    }
}

/// What a receiver answered, or why it did not.
struct Answer {
    status: Option<u16>,
    body: Option<String>,
    error: Option<String>,
}

/// Sends one delivery and records how it went.
async fn attempt(
    store: Store,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
    owner: Arc<str>,
    claimed: ClaimedDelivery,
) {
    let d = &claimed.delivery;
    let sent_at = clock.now();
    let answer = send(&client, &claimed, sent_at).await;
    let now = clock.now();
    let delivered = answer.status.is_some_and(|s| (200..300).contains(&s));
    let failed = d.attempts + 1;
    let (status, next) = if delivered {
        ("delivered", now)
    } else if now.duration_since(d.created_at) >= RETRY_FOR {
        ("failed", now)
    } else {
        ("pending", now + backoff(failed, random_unit()))
    };
    let error = match (&answer.error, answer.status) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(s)) if !delivered => Some(format!("answered {s}")),
        _ => None,
    };
    let outcome = AttemptOutcome {
        status,
        next_attempt_at: next,
        http_status: answer.status.map(i64::from),
        response: answer.body.as_deref(),
        error: error.as_deref(),
    };
    match store.record_attempt(d.id, &owner, now, &outcome).await {
        Ok(true) => tracing::info!(
            webhook.id = d.webhook_id,
            delivery = %d.public_id,
            status,
            "webhook delivery {} to webhook {}: {status}",
            d.public_id,
            d.webhook_id
        ),
        Ok(false) => tracing::warn!(
            delivery = %d.public_id,
            "webhook delivery {} was removed, or taken over by another node, while it was attempted",
            d.public_id
        ),
        Err(err) => tracing::warn!(
            error = %err,
            delivery = %d.public_id,
            "could not record webhook delivery {}; its lease will run out and it is retried",
            d.public_id
        ),
    }
}

async fn send(client: &reqwest::Client, claimed: &ClaimedDelivery, at: Timestamp) -> Answer {
    let d = &claimed.delivery;
    let request = client
        .post(&claimed.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(
            SIGNATURE_HEADER,
            signature(&claimed.secret, at.as_second(), &d.body),
        )
        .header(EVENT_HEADER, &d.event)
        .header(DELIVERY_HEADER, &d.public_id)
        .body(d.body.clone());
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            return Answer {
                status: None,
                body: None,
                error: Some(describe(&err)),
            };
        }
    };
    let status = response.status().as_u16();
    let mut kept = Vec::new();
    let mut error = None;
    while kept.len() < RESPONSE_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(err) => {
                error = Some(describe(&err));
                break;
            }
        }
    }
    kept.truncate(RESPONSE_KEPT);
    let body = String::from_utf8_lossy(&kept).into_owned();
    Answer {
        status: Some(status),
        body: (!body.is_empty()).then_some(body),
        error,
    }
}

/// A failed attempt in a few words, without the address (shown beside it anyway).
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        format!("no answer within {} seconds", REQUEST_TIMEOUT.as_secs())
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else {
        let mut text = String::from("the connection failed");
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            text = format!("{text}: {cause}");
            source = cause.source();
        }
        text.chars().take(300).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_an_hmac_of_the_time_and_the_body() {
        // Computed apart, with Python's hmac module.
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour_with_jitter() {
        assert_eq!(backoff(1, 0.0), SignedDuration::from_secs(2));
        assert_eq!(backoff(2, 0.0), SignedDuration::from_secs(4));
        assert_eq!(backoff(3, 0.0), SignedDuration::from_secs(8));
        let almost_half = backoff(1, 0.999_9);
        assert!(almost_half >= SignedDuration::from_secs(1));
        assert!(almost_half < SignedDuration::from_millis(1_001));
        assert_eq!(backoff(30, 0.0), MAX_RETRY);
        assert_eq!(backoff(1_000, 0.5), MAX_RETRY.mul_f64(0.75));
        for failed in 1..40 {
            let wait = backoff(failed, random_unit());
            assert!(wait >= FIRST_RETRY / 2 && wait <= MAX_RETRY, "{wait:?}");
        }
    }
}
