//! The feed poller: fetches due agency feeds with conditional requests and files what
//! is new into the wire queue, backing off from feeds that fail.
//!
//! Each process runs one poller. It leases due feeds in the database (see
//! [`Store::claim_wire_feeds`]), so when several nodes share PostgreSQL each feed is
//! polled by one node at a time and once per interval; a server that stops lets go of
//! its leases, and a lease left by a process that died runs out after [`LEASE`]. A
//! feed sends its `ETag` and `Last-Modified`, which go back as `If-None-Match` and
//! `If-Modified-Since`, so an unchanged feed costs its server a 304. A feed that fails
//! (no answer, an error status, a body that is no feed) is tried again after a wait
//! that doubles with each failure in a row, up to [`MAX_BACKOFF`]; the last error
//! shows on the feeds page. All times are the injected clock's.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use thiserror::Error;

use crate::domain::{Clock, EditionCode, PollInterval, SourceName};
use crate::import::feed::{self, Feed, FeedError, MAX_FEED_BYTES};
use crate::newsroom::{Actor, Newsroom, WIRE_ACTOR};
use crate::store::{FeedRecord, PollRecord, Store, StoreResult};

/// How long a node may hold a feed before another may take it over; longer than a
/// poll can last.
pub const LEASE: SignedDuration = SignedDuration::from_secs(120);
/// How long to wait for a connection to a feed's server.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole fetch may take, body included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest wait after failures: a broken feed is still tried this often.
pub const MAX_BACKOFF: SignedDuration = SignedDuration::from_hours(6);
/// Most feeds polled at once by one process.
const AT_ONCE: i64 = 8;
/// Redirects followed: feeds move (http to https, a new path) more than receivers do.
const MAX_REDIRECTS: usize = 5;

/// Why a feed could not be fetched or read; nothing from it was stored.
#[derive(Debug, Error)]
pub enum FetchError {
    /// The server did not answer in time.
    #[error("no answer within {} seconds", FETCH_TIMEOUT.as_secs())]
    Timeout,
    /// No connection could be made.
    #[error("could not connect to the feed's server")]
    Connect,
    /// The server answered with an error, or something that is not the feed.
    #[error("the feed's server answered {0}")]
    Status(u16),
    /// The body was cut off or unreadable.
    #[error("the connection failed: {0}")]
    Transport(String),
    /// The body is larger than [`MAX_FEED_BYTES`].
    #[error("the feed is larger than {MAX_FEED_BYTES} bytes")]
    TooLarge,
    /// The body is not a feed we read.
    #[error(transparent)]
    Feed(#[from] FeedError),
}

/// What a fetch brought.
#[derive(Debug)]
pub enum Fetched {
    /// The feed has not changed since the validators sent (304).
    NotModified,
    /// The feed, with its new validators.
    Feed {
        /// The stories.
        feed: Feed,
        /// Its `ETag`, to send as `If-None-Match` next time.
        etag: Option<String>,
        /// Its `Last-Modified`, to send as `If-Modified-Since` next time.
        last_modified: Option<String>,
    },
}

/// The client feeds are fetched with: bounded in time, a few redirects at most.
pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .user_agent(concat!("Newsline-Wire/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// Fetches and reads the feed at `url`, sending the validators of the last fetch.
pub async fn fetch(
    client: &reqwest::Client,
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> Result<Fetched, FetchError> {
    let mut request = client.get(url);
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(since) = last_modified {
        request = request.header(IF_MODIFIED_SINCE, since);
    }
    let mut response = request.send().await.map_err(|e| describe(&e))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(FetchError::Status(status.as_u16()));
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_FEED_BYTES as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .filter(|v| !v.is_empty() && v.len() <= 500)
    };
    let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
        if body.len() + chunk.len() > MAX_FEED_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched::Feed {
        feed: feed::parse(&body)?,
        etag,
        last_modified,
    })
}

fn describe(err: &reqwest::Error) -> FetchError {
    if err.is_timeout() {
        FetchError::Timeout
    } else if err.is_connect() {
        FetchError::Connect
    } else {
        let mut text = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            text = format!("{text}: {cause}");
            source = cause.source();
        }
        FetchError::Transport(text.chars().take(300).collect())
    }
}

/// The wait before the next poll after `failures` failed polls in a row: the
/// interval, doubled for each failure, but never more than [`MAX_BACKOFF`] (or the
/// interval itself, if that is longer).
pub fn backoff(interval: PollInterval, failures: i64) -> SignedDuration {
    let interval = interval.duration();
    let doublings = u32::try_from(failures.clamp(0, 20)).unwrap_or(20);
    let wait = interval
        .checked_mul(1 << doublings)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    wait.max(interval)
}

/// Polls due feeds; one per process, cheap to clone.
#[derive(Clone)]
pub struct Poller {
    newsroom: Newsroom,
    store: Store,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
    /// Names this process in leases.
    owner: Arc<str>,
}

/// How one poll went, as the poller logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Polled {
    /// 304: nothing new.
    Unchanged,
    /// The feed was read and its stories filed.
    Filed {
        /// New to the queue.
        new: usize,
        /// In the queue already.
        already: usize,
    },
    /// The poll failed; the text says why.
    Failed(String),
}

impl Poller {
    /// A poller filing through `newsroom`, leasing feeds in `store`, by `clock`'s time.
    pub fn new(newsroom: Newsroom, store: Store, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
        let owner: String = id.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            newsroom,
            store,
            clock,
            client: client()?,
            owner: Arc::from(owner),
        })
    }

    /// Lets go of every feed this poller holds, once it no longer runs, so another
    /// node polls them at once; returns how many were let go.
    pub async fn release_leases(&self) -> StoreResult<u64> {
        self.store.release_wire_feeds(&self.owner).await
    }

    /// Polls due feeds every second; never returns.
    pub async fn run(self) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(err) = self.poll_due().await {
                tracing::warn!(error = %err, "could not look for due wire feeds; retrying");
            }
        }
    }

    /// Leases the feeds due now, polls them at once and records how each went; returns
    /// the feeds this call polled (none when another node holds them).
    pub async fn poll_due(&self) -> StoreResult<Vec<(i64, Polled)>> {
        let now = self.clock.now();
        if !self.store.has_due_wire_feeds(now).await? {
            return Ok(Vec::new());
        }
        let feeds = self
            .store
            .claim_wire_feeds(&self.owner, now, now + LEASE, AT_ONCE)
            .await?;
        let polls = feeds.into_iter().map(|feed| async move {
            let id = feed.id;
            (id, self.poll(feed).await)
        });
        Ok(futures_util::future::join_all(polls).await)
    }

    async fn poll(&self, feed: FeedRecord) -> Polled {
        let fetched = fetch(
            &self.client,
            &feed.url,
            feed.etag.as_deref(),
            feed.last_modified.as_deref(),
        )
        .await;
        let outcome = match fetched {
            Ok(Fetched::NotModified) => Ok((
                Polled::Unchanged,
                feed.etag.clone(),
                feed.last_modified.clone(),
            )),
            Ok(Fetched::Feed {
                feed: parsed,
                etag,
                last_modified,
            }) => self
                .file(&feed, &parsed)
                .await
                .map(|polled| (polled, etag, last_modified)),
            Err(err) => Err(err.to_string()),
        };
        let now = self.clock.now();
        let interval = PollInterval::from_secs(feed.interval_secs);
        let (polled, record) = match &outcome {
            Ok((polled, etag, last_modified)) => (
                polled.clone(),
                PollRecord {
                    etag: etag.as_deref(),
                    last_modified: last_modified.as_deref(),
                    next_poll_at: now + interval.duration(),
                    failures: 0,
                    error: None,
                },
            ),
            Err(error) => {
                let failures = feed.failures.saturating_add(1);
                (
                    Polled::Failed(error.clone()),
                    PollRecord {
                        etag: feed.etag.as_deref(),
                        last_modified: feed.last_modified.as_deref(),
                        next_poll_at: now + backoff(interval, failures),
                        failures,
                        error: Some(error),
                    },
                )
            }
        };
        self.record(&feed, now, &record, &polled).await;
        polled
    }

    async fn file(&self, feed: &FeedRecord, parsed: &Feed) -> Result<Polled, String> {
        let source = SourceName::parse(&feed.name).map_err(|e| e.to_string())?;
        let edition = EditionCode::parse(&feed.edition)
            .map_err(|_| format!("there is no edition '{}'", feed.edition))?;
        self.newsroom
            .file_wire_copy(
                &Actor::system(WIRE_ACTOR),
                &source,
                Some(feed.id),
                &edition,
                &parsed.stories,
            )
            .await
            .map(|filed| Polled::Filed {
                new: filed.new,
                already: filed.already,
            })
            .map_err(|e| e.to_string())
    }

    async fn record(
        &self,
        feed: &FeedRecord,
        now: Timestamp,
        record: &PollRecord<'_>,
        polled: &Polled,
    ) {
        match self
            .store
            .record_poll(feed.id, &self.owner, now, record)
            .await
        {
            Ok(true) => match polled {
                Polled::Failed(error) => tracing::warn!(
                    wire.feed = feed.id,
                    failures = record.failures,
                    "wire feed {} failed ({} in a row): {error}",
                    feed.name,
                    record.failures
                ),
                Polled::Filed { new, already } => tracing::info!(
                    wire.feed = feed.id,
                    "wire feed {}: {new} new, {already} already in the queue",
                    feed.name
                ),
                Polled::Unchanged => {
                    tracing::debug!(wire.feed = feed.id, "wire feed {} unchanged", feed.name);
                }
            },
            Ok(false) => tracing::warn!(
                wire.feed = feed.id,
                "wire feed {} was removed, or taken over by another node, while it was polled",
                feed.name
            ),
            Err(err) => tracing::warn!(
                error = %err,
                wire.feed = feed.id,
                "could not record the poll of wire feed {}; its lease will run out and it is polled again",
                feed.name
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_feed_waits_twice_as_long_each_time_up_to_the_cap() {
        let five = PollInterval::minutes(5).expect("interval");
        assert_eq!(backoff(five, 1), SignedDuration::from_mins(10));
        assert_eq!(backoff(five, 2), SignedDuration::from_mins(20));
        assert_eq!(backoff(five, 3), SignedDuration::from_mins(40));
        assert_eq!(backoff(five, 10), MAX_BACKOFF);
        assert_eq!(backoff(five, 1_000), MAX_BACKOFF);
        let daily = PollInterval::minutes(1440).expect("interval");
        assert_eq!(backoff(daily, 3), SignedDuration::from_hours(24));
    }
}
