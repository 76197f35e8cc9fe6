//! Builds the running application from settings: store, feeder, routes, listener.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Settings;
use crate::newsroom::Newsroom;
use crate::read::{Feeder, ReadModel};
use crate::store::{Store, listen_for_changes};
use crate::web::{AppState, router};

/// Where uploaded images are kept: the configured S3 bucket, or the data directory.
pub fn media_store(settings: &Settings) -> anyhow::Result<crate::media::MediaStore> {
    let media = &settings.media;
    let store = match &media.s3_bucket {
        Some(bucket) => crate::media::MediaStore::s3(&crate::media::S3Config {
            bucket: bucket.clone(),
            endpoint: media.s3_endpoint.clone(),
            region: media.s3_region.clone(),
            access_key_id: media
                .s3_access_key_id
                .as_ref()
                .map(|s| s.expose().to_owned())
                .unwrap_or_default(),
            secret_access_key: media
                .s3_secret_access_key
                .as_ref()
                .map(|s| s.expose().to_owned())
                .unwrap_or_default(),
            allow_http: media
                .s3_endpoint
                .as_deref()
                .is_some_and(|e| e.starts_with("http://")),
        })?,
        None => crate::media::MediaStore::local(&settings.data_dir.join("media"))?,
    };
    Ok(store)
}

/// Publishes due scheduled items at start-up (catching up on any that fell due while
/// the server was down) and then every second, by the newsroom's clock.
async fn run_schedule(newsroom: Newsroom) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = newsroom.publish_due(newsroom.now()).await {
            tracing::warn!(error = %err, "could not publish scheduled items; retrying");
        }
    }
}

/// Deletes expired sessions and old sign-in counters every ten minutes.
async fn run_sign_in_cleanup(newsroom: Newsroom) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = newsroom.clean_up_sign_ins(newsroom.now()).await {
            tracing::warn!(error = %err, "could not clean up expired sessions; retrying");
        }
    }
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    port: u16,
    state: AppState,
    newsroom: Newsroom,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Opens the store, loads the read model, starts the feeder and binds the address;
    /// every rule about time reads `clock` ([`crate::domain::SystemClock`] in service).
    pub async fn build(
        settings: &Settings,
        store: Store,
        clock: Arc<dyn crate::domain::Clock>,
    ) -> anyhow::Result<Self> {
        let wake = Arc::new(Notify::new());
        let newsroom = Newsroom::new(store.clone(), wake.clone())
            .with_clock(clock)
            .with_media(media_store(settings)?, settings.media.max_upload_bytes)
            .requiring_two_factor_for(settings.require_2fa_for.clone());
        let (feeder, read) = Feeder::start(store.clone())
            .await
            .context("loading the read model")?;
        let cache = Arc::new(crate::web::cache::PageCache::new(settings.cache_max_bytes));
        let mut feeder = feeder.invalidating(cache.clone());
        if let Some(url) = &settings.cache_purge_url {
            feeder =
                feeder.invalidating(Arc::new(crate::web::purge::CdnPurger::start(url.clone())));
        }
        let mut tasks = vec![
            tokio::spawn(feeder.run(wake.clone(), settings.poll_interval)),
            tokio::spawn(run_schedule(newsroom.clone())),
            tokio::spawn(run_sign_in_cleanup(newsroom.clone())),
        ];
        if store.announces_changes() {
            let url = settings.database_url();
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                listen_for_changes(&store, &url, wake).await;
            }));
        }
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
                newsroom: newsroom.clone(),
                max_upload_bytes: settings.media.max_upload_bytes,
                cache,
                trusted_proxies: settings.trusted_proxies.clone().into(),
                secure_cookies: settings
                    .site
                    .base_url
                    .as_deref()
                    .is_some_and(|u| u.starts_with("https://")),
            },
            newsroom,
            tasks,
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

    /// The page cache.
    pub fn page_cache(&self) -> Arc<crate::web::cache::PageCache> {
        self.state.cache.clone()
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
        let result = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        for task in self.tasks {
            task.abort();
        }
        result
    }
}
