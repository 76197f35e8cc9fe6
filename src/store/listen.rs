//! Wakes the local feeder when another node's commit grew the change log.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::Notify;

use super::{CHANGES_CHANNEL, Dialect, Store};

impl Store {
    /// Whether other processes announce their commits (PostgreSQL) or must be polled for.
    pub fn announces_changes(&self) -> bool {
        self.dialect == Dialect::Postgres
    }
}

/// Listens on PostgreSQL's change channel and wakes `wake` on every notification,
/// reconnecting after a lost connection; returns at once for SQLite.
pub async fn listen_for_changes(store: &Store, url: &str, wake: Arc<Notify>) {
    if !store.announces_changes() {
        return;
    }
    loop {
        match PgListener::connect(url).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen(CHANGES_CHANNEL).await {
                    tracing::warn!(error = %err, "cannot listen for changes; retrying");
                } else {
                    // Anything committed while we were not listening is found by this pass.
                    wake.notify_one();
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(_)) => wake.notify_one(),
                            // The connection dropped; the listener reconnects on the next call.
                            Ok(None) => wake.notify_one(),
                            Err(err) => {
                                tracing::warn!(error = %err, "lost the change channel; reconnecting");
                                break;
                            }
                        }
                    }
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot reach the database to listen for changes")
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
