//! Tells a CDN or Varnish in front which dependency keys a change touched, so it can
//! drop exactly those pages: an HTTP PURGE carrying the keys, retried, logged.

use std::time::Duration;

use axum::http::{Method, Request, Uri};
use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;

use crate::read::Dependency;

/// The key every cached page carries, so one purge can drop them all.
pub const ALL: &str = "all";

/// Purges waiting to be sent before new ones are dropped (and logged).
const QUEUE: usize = 1024;
/// Attempts per purge.
const ATTEMPTS: u32 = 4;

/// Sends purges to one endpoint, in the order the changes were applied.
pub struct CdnPurger {
    queue: mpsc::Sender<Vec<String>>,
}

impl CdnPurger {
    /// Starts sending purges to `endpoint` (an `http://` URL).
    pub fn start(endpoint: Uri) -> Self {
        let (queue, mut rx) = mpsc::channel::<Vec<String>>(QUEUE);
        tokio::spawn(async move {
            while let Some(keys) = rx.recv().await {
                send_with_retries(&endpoint, &keys).await;
            }
        });
        Self { queue }
    }
}

async fn send_with_retries(endpoint: &Uri, keys: &[String]) {
    let header = keys.join(" ");
    for attempt in 1..=ATTEMPTS {
        match send(endpoint, &header).await {
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

async fn send(endpoint: &Uri, keys: &str) -> anyhow::Result<hyper::StatusCode> {
    let host = endpoint
        .host()
        .ok_or_else(|| anyhow::anyhow!("the purge URL has no host"))?;
    let port = endpoint.port_u16().unwrap_or(80);
    let stream = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::TcpStream::connect((host, port)),
    )
    .await??;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let authority = endpoint
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    let request = Request::builder()
        .method(Method::from_bytes(b"PURGE")?)
        .uri(endpoint.path_and_query().map_or("/", |p| p.as_str()))
        .header(hyper::header::HOST, authority)
        // Fastly and others read Surrogate-Key; Varnish's xkey module reads xkey.
        .header("surrogate-key", keys)
        .header("xkey", keys)
        .body(Empty::<Bytes>::new())?;
    let response =
        tokio::time::timeout(Duration::from_secs(5), sender.send_request(request)).await??;
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
