//! Tells a CDN or Varnish in front which dependency keys a change touched, so it can
//! drop exactly those pages: an HTTP PURGE carrying the keys, retried, logged.

use std::time::Duration;

use axum::http::{Method, Uri};
use tokio::sync::mpsc;

use crate::read::Dependency;

/// The key every cached page carries, so one purge can drop them all.
pub const ALL: &str = "all";

/// Purges waiting to be sent before new ones are dropped (and logged).
const QUEUE: usize = 1024;
/// Attempts per purge.
const ATTEMPTS: u32 = 4;
/// How long one attempt may take, connecting included.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Sends purges to one endpoint, in the order the changes were applied.
pub struct CdnPurger {
    queue: mpsc::Sender<Vec<String>>,
}

impl CdnPurger {
    /// Starts sending purges to `endpoint` (an `http://` URL).
    pub fn start(endpoint: Uri) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            // A purge answered with a redirect is a misconfigured endpoint, not a new target.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let endpoint = endpoint.to_string();
        let (queue, mut rx) = mpsc::channel::<Vec<String>>(QUEUE);
        tokio::spawn(async move {
            while let Some(keys) = rx.recv().await {
                send_with_retries(&client, &endpoint, &keys).await;
            }
        });
        Ok(Self { queue })
    }
}

async fn send_with_retries(client: &reqwest::Client, endpoint: &str, keys: &[String]) {
    let header = keys.join(" ");
    for attempt in 1..=ATTEMPTS {
        match send(client, endpoint, &header).await {
            Ok(status) if status.is_success() => {
                tracing::debug!(keys = %header, "purged {} keys at the CDN", keys.len());
                return;
            }
            Ok(status) => tracing::warn!(%status, attempt, "the CDN refused a purge"),
            Err(err) => tracing::warn!(error = %err, attempt, "could not reach the CDN to purge"),
        }
        tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt - 1))).await;
    }
    tracing::error!(keys = %header, "gave up purging at the CDN after {ATTEMPTS} attempts");
}

async fn send(
    client: &reqwest::Client,
    endpoint: &str,
    keys: &str,
) -> anyhow::Result<reqwest::StatusCode> {
    let response = client
        .request(Method::from_bytes(b"PURGE")?, endpoint)
        // Fastly and others read Surrogate-Key; Varnish's xkey module reads xkey.
        .header("surrogate-key", keys)
        .header("xkey", keys)
        .send()
        .await?;
    Ok(response.status())
}

impl crate::read::Invalidate for CdnPurger {
    fn invalidate(&self, _seq: i64, keys: &[Dependency], everything: bool) {
        let keys = if everything {
            vec![ALL.to_owned()]
        } else {
            keys.iter().map(ToString::to_string).collect()
        };
        if self.queue.try_send(keys).is_err() {
            tracing::error!("the CDN purge queue is full; a purge was dropped");
        }
    }
}
