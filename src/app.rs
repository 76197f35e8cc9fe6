//! Builds the running application from settings: store, feeder, routes, listener.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

use crate::config::Settings;
use crate::newsroom::Newsroom;
use crate::read::{Feeder, ReadModel};
use crate::store::{Store, listen_for_changes};
use crate::web::limits::{BUSY_RESPONSE, Gate};
use crate::web::{AppState, router};
use futures_util::future::Either;

/// Largest request head (request line and headers) read; larger ones get 431. The
/// connection's buffer is twice that, so a head that never ends cannot grow it further.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Most header fields in one request; more get 431.
const MAX_HEADERS: usize = 64;
/// How long shutdown waits for in-flight requests; live streams are told to reconnect
/// and end at once, so only requests still being read or answered are waited for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Refused connections being answered at once; beyond that they are just closed.
const REFUSALS_IN_FLIGHT: usize = 256;

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

/// The site's routes over what is published now, for rendering pages in this
/// process (`newsline export-static`): no listener, no feeder and no background
/// task, so nothing is written, polled or sent. Search answers from an empty index
/// kept in `search_dir`, a scratch folder, never the data directory's own.
pub async fn reading_router(
    settings: &Settings,
    store: Store,
    clock: Arc<dyn crate::domain::Clock>,
    search_dir: &std::path::Path,
) -> anyhow::Result<axum::Router> {
    let newsroom = Newsroom::new(store.clone(), Arc::new(Notify::new()))
        .with_clock(clock.clone())
        .in_zone(settings.site.time_zone.clone())
        .with_media(media_store(settings)?, settings.media.max_upload_bytes)
        .with_public_base(settings.site.base_url.clone());
    let (_feeder, read) = Feeder::start(store)
        .await
        .context("loading the read model")?;
    let (search, _follower) = crate::search::SearchIndex::open(search_dir)
        .with_context(|| format!("opening a search index in {}", search_dir.display()))?;
    let cache = Arc::new(
        crate::web::cache::PageCache::new(settings.cache_max_bytes)
            .with_clock(clock)
            .with_site_headers(crate::web::SecurityHeaders::from_site(&settings.site).portal()),
    );
    let metrics = Arc::new(crate::web::metrics::Metrics::new(&cache));
    Ok(router(AppState {
        read,
        search,
        site: Arc::new(settings.site.clone()),
        newsroom,
        max_upload_bytes: settings.media.max_upload_bytes,
        cache,
        trusted_proxies: settings.trusted_proxies.clone().into(),
        secure_cookies: false,
        streams: Gate::new(
            settings.limits.max_streams,
            settings.limits.max_streams_per_address,
        ),
        request_timeout: settings.limits.request_timeout,
        api_limits: Arc::new(crate::web::api::throttle::ApiLimits::new(&settings.limits)),
        metrics,
        // Nobody reads the metrics of an export.
        metrics_allow: Vec::new().into(),
        // An export renders no live stream, and never stops one.
        closing: tokio::sync::watch::channel(false).1,
    }))
}

/// Removes the files of uploads abandoned by a process that died, at start-up and then
/// every ten minutes.
async fn run_upload_sweep(newsroom: Newsroom) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = newsroom.sweep_abandoned_uploads(newsroom.now()).await {
            tracing::warn!(error = %err, "could not sweep abandoned uploads; retrying");
        }
    }
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    port: u16,
    state: AppState,
    limits: crate::config::Limits,
    newsroom: Newsroom,
    poller: crate::wire::Poller,
    store: Store,
    /// The webhook sender's name in the leases it takes.
    delivery_owner: Arc<str>,
    /// Tells live streams the server is stopping.
    closing: tokio::sync::watch::Sender<bool>,
    /// The tasks that take work by lease or lock, stopped first when the server stops.
    leasing: Tasks,
    tasks: Tasks,
}

/// The application's background tasks, ended when it is dropped (a server stopped by
/// dropping its future, as tests restart one, lets go of the search index's writer).
#[derive(Default)]
struct Tasks(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// The system actor that applies the site config's editions.
pub const CONFIG_ACTOR: &str = "config";

/// Makes the site's editions what the config declares (nothing when it declares
/// none). Nodes starting together may race to add the same edition: the loser
/// tries again and then finds it there.
pub async fn apply_config_editions(settings: &Settings, store: &Store) -> anyhow::Result<()> {
    if settings.editions.is_empty() {
        return Ok(());
    }
    let newsroom = Newsroom::new(store.clone(), Default::default());
    let actor = crate::newsroom::Actor::system(CONFIG_ACTOR);
    let mut attempt = 0;
    loop {
        attempt += 1;
        match newsroom.apply_editions(&actor, &settings.editions).await {
            Ok(applied) => {
                if !applied.is_empty() {
                    tracing::info!(
                        added = ?applied.added,
                        changed = ?applied.changed,
                        sections = ?applied.sections,
                        "applied the site config's editions"
                    );
                }
                return Ok(());
            }
            Err(err) if attempt < 3 => {
                tracing::debug!("applying the config's editions again after: {err}");
            }
            Err(err) => return Err(err).context("applying the site config's editions"),
        }
    }
}

impl Application {
    /// Opens the store, loads the read model, starts the feeder and binds the address;
    /// every rule about time reads `clock` ([`crate::domain::SystemClock`] in service).
    pub async fn build(
        settings: &Settings,
        store: Store,
        clock: Arc<dyn crate::domain::Clock>,
    ) -> anyhow::Result<Self> {
        apply_config_editions(settings, &store).await?;
        let wake = Arc::new(Notify::new());
        let newsroom = Newsroom::new(store.clone(), wake.clone())
            .with_clock(clock.clone())
            .in_zone(settings.site.time_zone.clone())
            .with_media(media_store(settings)?, settings.media.max_upload_bytes)
            .requiring_two_factor_for(settings.require_2fa_for.clone())
            .with_public_base(settings.site.base_url.clone())
            .with_upload_workers(
                settings.limits.upload_workers,
                settings.limits.upload_queue,
                settings.limits.max_image_pixels,
            );
        let feeds: Vec<_> = settings
            .wire_feeds
            .iter()
            .map(|f| crate::newsroom::FeedRequest {
                name: f.name.clone(),
                url: f.url.clone(),
                edition: f
                    .edition
                    .clone()
                    .unwrap_or_else(|| settings.site.default_edition.clone()),
                interval: f.interval,
            })
            .collect();
        newsroom
            .configure_wire_feeds(&feeds)
            .await
            .context("bringing in the wire feeds of the config")?;
        let poller = crate::wire::Poller::new(newsroom.clone(), store.clone(), clock.clone())
            .context("starting the wire feed poller")?;
        let (feeder, read) = Feeder::start(store.clone())
            .await
            .context("loading the read model")?;
        let search_dir = crate::search::folder(&settings.data_dir);
        let (search, follower) = crate::search::SearchIndex::open(&search_dir)
            .with_context(|| format!("opening the search index in {}", search_dir.display()))?;
        let search_wake = Arc::new(Notify::new());
        let cache = Arc::new(
            crate::web::cache::PageCache::new(settings.cache_max_bytes)
                .with_clock(clock.clone())
                .with_site_headers(crate::web::SecurityHeaders::from_site(&settings.site).portal()),
        );
        let metrics = Arc::new(crate::web::metrics::Metrics::new(&cache));
        let mut feeder = feeder
            .timing(metrics.change_log_apply())
            .invalidating(cache.clone())
            .notifying(search_wake.clone());
        if let Some(url) = &settings.cache_purge_url {
            let purger = crate::web::purge::CdnPurger::start(url.clone())
                .context("starting the CDN purge client")?;
            feeder = feeder.invalidating(Arc::new(purger));
        }
        let deliverer = crate::webhooks::Deliverer::new(store.clone(), clock.clone())
            .context("starting the webhook sender")?;
        let delivery_owner = deliverer.owner();
        let leasing = vec![
            tokio::spawn(run_schedule(newsroom.clone())),
            tokio::spawn(deliverer.run(newsroom.outbox())),
            tokio::spawn(poller.clone().run()),
        ];
        let mut tasks = vec![
            tokio::spawn(feeder.run(wake.clone(), settings.poll_interval)),
            tokio::spawn(run_sign_in_cleanup(newsroom.clone())),
            tokio::spawn(run_upload_sweep(newsroom.clone())),
            tokio::spawn(follower.run(store.clone(), search_wake, settings.poll_interval)),
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
        let (closing, closing_seen) = tokio::sync::watch::channel(false);
        Ok(Self {
            listener,
            port,
            state: AppState {
                read,
                search,
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
                streams: Gate::new(
                    settings.limits.max_streams,
                    settings.limits.max_streams_per_address,
                ),
                request_timeout: settings.limits.request_timeout,
                api_limits: Arc::new(crate::web::api::throttle::ApiLimits::new(&settings.limits)),
                metrics,
                metrics_allow: settings.metrics_allow.clone().into(),
                closing: closing_seen,
            },
            limits: settings.limits.clone(),
            newsroom,
            poller,
            store,
            delivery_owner,
            closing,
            leasing: Tasks(leasing),
            tasks: Tasks(tasks),
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

    /// The wire feed poller of this process, which polls due feeds every second; a
    /// test polls with it at once, after moving the clock.
    pub fn wire_poller(&self) -> crate::wire::Poller {
        self.poller.clone()
    }

    /// The page cache.
    pub fn page_cache(&self) -> Arc<crate::web::cache::PageCache> {
        self.state.cache.clone()
    }

    /// Every route of this application, to drive in memory without a listener (the
    /// route fuzzer does).
    pub fn router(&self) -> axum::Router {
        router(self.state.clone())
    }

    /// The search index searches are answered from.
    pub fn search_index(&self) -> crate::search::SearchIndex {
        self.state.search.clone()
    }

    /// The read model pages are served from.
    pub fn read_model(&self) -> Arc<ReadModel> {
        self.state.read.clone()
    }

    /// Serves until `shutdown` completes, then stops as a load balancer expects: no new
    /// connections; live streams told to reconnect (to another node) and ended; the
    /// scheduler, webhook sender and wire poller stopped and their leases let go of, so
    /// another node takes their work over at once; in-flight requests finished within
    /// [`SHUTDOWN_GRACE`].
    ///
    /// Each connection must send its request head within the header timeout, which
    /// also closes kept-alive connections left idle that long; connections beyond the
    /// caps get a minimal 503 and are closed.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state.clone();
        let app = router(self.state);
        let connections = Gate::new(
            self.limits.max_connections,
            self.limits.max_connections_per_address,
        );
        let refusals = Arc::new(Semaphore::new(REFUSALS_IN_FLIGHT));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_timeout)
            .max_header_size(MAX_HEAD_BYTES)
            .max_buf_size(2 * MAX_HEAD_BYTES)
            .max_headers(MAX_HEADERS);
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        // Out of file descriptors, most likely: back off rather than spin.
                        tracing::warn!(error = %err, "could not accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let Some(pass) = connections.enter(Some(peer.ip())) else {
                tracing::debug!(%peer, "connection refused: too many open");
                if let Ok(permit) = refusals.clone().try_acquire_owned() {
                    tokio::spawn(async move {
                        refuse(stream).await;
                        drop(permit);
                    });
                }
                continue;
            };
            let _ = stream.set_nodelay(true);
            let app = app.clone();
            let state = state.clone();
            let service = hyper::service::service_fn(move |mut request| {
                // A cached page is answered here, with no layer or route in between: what
                // the layers would add to it (its request id, its count) is added here.
                let started = std::time::Instant::now();
                if let Some(mut hit) = crate::web::cache::answer_hit(&state, &request) {
                    hit.headers_mut().insert(
                        crate::web::request_id::X_REQUEST_ID,
                        crate::web::request_id::id_for(request.headers()),
                    );
                    state.metrics.count_hit(&hit, started.elapsed());
                    return Either::Left(std::future::ready(Ok(hit)));
                }
                request.extensions_mut().insert(ConnectInfo(peer));
                Either::Right(tower::Service::call(&mut app.clone(), request))
            });
            let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
            tokio::spawn(async move {
                if let Err(err) = connection.await {
                    tracing::debug!(%peer, error = %err, "connection ended with an error");
                }
                drop(pass);
            });
        }
        drop(self.listener);
        tracing::info!("stopping: finishing requests in flight");
        self.closing.send_replace(true);
        let graceful = tokio::spawn(tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()));
        stop_leasing(
            self.leasing,
            &self.poller,
            &self.store,
            &self.delivery_owner,
        )
        .await;
        if graceful.await.map_or(true, |finished| finished.is_err()) {
            tracing::warn!("connections still open after the shutdown grace period were dropped");
        }
        drop(self.tasks);
        Ok(())
    }
}

/// Stops the tasks that take work by lease, then lets go of the leases they held: an
/// attempt cut short is made again by whichever node takes the work (receivers tell a
/// repeated delivery by its id), where waiting would hold the work until the lease ran
/// out.
async fn stop_leasing(
    mut leasing: Tasks,
    poller: &crate::wire::Poller,
    store: &Store,
    delivery_owner: &str,
) {
    // Only once a task has ended can it take no new lease behind the release.
    for task in std::mem::take(&mut leasing.0) {
        task.abort();
        let _ = task.await;
    }
    let feeds = poller.release_leases().await;
    let deliveries = store.release_deliveries(delivery_owner).await;
    match (feeds, deliveries) {
        (Ok(feeds), Ok(deliveries)) => tracing::info!(
            feeds,
            deliveries,
            "let go of {feeds} wire feeds and {deliveries} webhook deliveries"
        ),
        (Err(err), _) | (_, Err(err)) => tracing::warn!(
            error = %err,
            "could not let go of every lease; the rest run out by themselves"
        ),
    }
}

/// Answers a connection beyond the caps with 503 and closes it.
async fn refuse(mut stream: TcpStream) {
    let answer = async {
        stream.write_all(BUSY_RESPONSE).await?;
        stream.shutdown().await?;
        // Reading what the client sent before closing keeps the kernel from resetting
        // the connection, which could discard the answer before the client reads it.
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), std::io::Error>(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), answer).await;
}
