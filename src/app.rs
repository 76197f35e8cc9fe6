//! Builds the running application from settings: store, feeder, routes, listener.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Settings;
use crate::newsroom::Newsroom;
use crate::read::{Feeder, ReadModel};
use crate::store::Store;
use crate::web::{AppState, router};

/// How often the feeder looks at the change log when nothing woke it
/// (another process, such as an import, may have written).
const POLL: Duration = Duration::from_secs(1);

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    port: u16,
    state: AppState,
    newsroom: Newsroom,
    feeder: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Opens the store, loads the read model, starts the feeder and binds the address.
    pub async fn build(settings: &Settings, store: Store) -> anyhow::Result<Self> {
        let wake = Arc::new(Notify::new());
        let newsroom = Newsroom::new(store.clone(), wake.clone());
        let (feeder, read) = Feeder::start(store)
            .await
            .context("loading the read model")?;
        let feeder = tokio::spawn(feeder.run(wake, POLL));
        let listener = TcpListener::bind(settings.address)
            .await
            .with_context(|| format!("binding {}", settings.address))?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            port,
            state: AppState {
                read,
                site: Arc::new(settings.site.clone()),
            },
            newsroom,
            feeder,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The write path of this process.
    pub fn newsroom(&self) -> Newsroom {
        self.newsroom.clone()
    }

    /// The read model pages are served from.
    pub fn read_model(&self) -> Arc<ReadModel> {
        self.state.read.clone()
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = router(self.state);
        let result = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        self.feeder.abort();
        result
    }
}
