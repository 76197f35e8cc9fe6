//! `/{edition}/live`: the edition's news line as a Server-Sent Events stream.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use super::client::ClientAddr;
use super::error::PageError;
use super::metadata::script_safe;
use super::reader::Reader;
use super::views::Views;
use crate::config::Site;
use crate::read::{LiveChange, LiveEvent, ReadModel};

/// How often an idle stream sends a comment, so proxies do not close it.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// How long a browser waits to reconnect when the server ends a stream to stop: enough
/// for the load balancer to see this node go.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Deserialize)]
pub(super) struct LiveQuery {
    after: Option<String>,
}

/// What the page's script needs to show an item.
#[derive(Serialize)]
struct ItemData<'a> {
    id: i64,
    headline: &'a str,
    href: String,
    time: String,
    datetime: String,
    breaking: bool,
}

/// What a stream needs to render an event: no snapshot of its own, so an open stream
/// keeps no old read model alive; each event is rendered from the one current then.
#[derive(Clone)]
struct Renderer {
    read: std::sync::Arc<ReadModel>,
    site: std::sync::Arc<Site>,
    edition: String,
}

impl Renderer {
    fn render(&self, event: &LiveEvent) -> Event {
        let snapshot = self.read.snapshot();
        let views = Views {
            snapshot: &snapshot,
            code: &self.edition,
            site: &self.site,
        };
        to_sse(&views, event)
    }
}

/// The edition's live news line: events after the client's last one, then live.
pub async fn stream_news_line(
    State(state): State<AppState>,
    reader: Reader,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(query): Query<LiveQuery>,
) -> Result<Response, PageError> {
    // Each open stream holds a connection and a receiver for as long as the reader
    // stays, so they are capped in all and per address.
    let pass = state
        .streams
        .enter(Some(client))
        .ok_or_else(|| PageError::Busy(super::error::Problem::LiveBusy.into()))?;
    // A browser reconnecting sends Last-Event-ID; a page opening the stream says which
    // snapshot it showed. Anything unreadable starts a fresh stream rather than failing.
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or_else(|| query.after.as_deref().and_then(|v| v.parse::<i64>().ok()))
        .filter(|seq| *seq >= 0);
    let edition = reader.code().to_owned();
    let renderer = Renderer {
        read: state.read.clone(),
        site: state.site.clone(),
        edition: edition.clone(),
    };
    // The request's snapshot goes now; the stream may stay open for hours.
    drop(reader);
    let subscription = state.read.live.subscribe(last_seen);
    let reload = subscription
        .too_far_behind
        .then(|| Event::default().event("reload").data("{}"));
    let missed: Vec<Event> = subscription
        .missed
        .iter()
        .filter(|e| e.edition == edition)
        .map(|e| renderer.render(e))
        .collect();
    let head = stream::iter(reload.into_iter().chain(missed).map(Ok::<_, Infallible>));
    let newest_sent = subscription.missed.last().map(|e| e.seq);
    let live = stream::unfold(
        (subscription.live, edition, newest_sent, false),
        move |(mut rx, edition, mut newest, done)| {
            let renderer = renderer.clone();
            async move {
                if done {
                    return None;
                }
                loop {
                    match rx.recv().await {
                        // Already sent from the kept history.
                        Ok(event) if newest.is_some_and(|n| event.seq <= n) => continue,
                        Ok(event) if event.edition != edition => continue,
                        Ok(event) => {
                            newest = Some(event.seq);
                            let sse = renderer.render(&event);
                            return Some((Ok(sse), (rx, edition, newest, false)));
                        }
                        // Too slow: its backlog was dropped, so it must start over.
                        Err(RecvError::Lagged(_)) => {
                            let sse = Event::default().event("reload").data("{}");
                            return Some((Ok(sse), (rx, edition, newest, true)));
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            }
        },
    );
    // The pass lives as long as the stream: the place frees when the reader leaves.
    let live = live.map(move |event| {
        let _held = &pass;
        event
    });
    // A stopping server ends every stream with a `reconnect` event carrying a `retry:`
    // hint and no id, so the browser's EventSource comes back (to another node) with
    // the last id it had, instead of holding the server until its grace period ends.
    let mut closing = state.closing.clone();
    let stopping = async move {
        if closing.wait_for(|closing| *closing).await.is_err() {
            // The server went without saying so: it takes its connections with it.
            std::future::pending::<()>().await;
        }
    };
    let closing = state.closing.clone();
    let farewell = stream::once(async move { *closing.borrow() }).filter_map(|closing| {
        std::future::ready(closing.then(|| {
            Ok(Event::default()
                .event("reconnect")
                .retry(RECONNECT_AFTER)
                .data("{}"))
        }))
    });
    let events = head.chain(live).take_until(stopping).chain(farewell);
    let sse = Sse::new(events.boxed()).keep_alive(KeepAlive::new().interval(HEARTBEAT));
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], sse).into_response())
}

fn to_sse(views: &Views<'_>, event: &LiveEvent) -> Event {
    let (name, data) = match &event.change {
        LiveChange::Published(item) | LiveChange::Updated(item) => {
            let line = views.line(item, None);
            let data = ItemData {
                id: item.id,
                headline: &item.headline,
                href: line.href,
                time: line.time.display,
                datetime: line.time.machine,
                breaking: item.breaking,
            };
            let name = if matches!(event.change, LiveChange::Published(_)) {
                "published"
            } else {
                "updated"
            };
            // Escaped as for a script element: the stream is data, and a headline in it
            // stays inert even if something shows the raw event as HTML.
            let json = serde_json::to_value(&data)
                .map(|v| script_safe(&v))
                .unwrap_or_default();
            (name, json)
        }
        LiveChange::Unpublished(id) => ("unpublished", format!("{{\"id\":{id}}}")),
    };
    Event::default()
        .id(event.seq.to_string())
        .event(name)
        .data(data)
}
