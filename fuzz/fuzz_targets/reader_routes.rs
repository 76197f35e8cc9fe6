//! Every route of the site, driven in memory with the demo content on SQLite: whatever
//! the method, path, query, headers and body, the answer is never a 500 (a panic in a
//! handler would be one, and aborts the run outright).
//!
//! An input is a request written as text:
//!
//! ```text
//! GET /en/news/2025/05/21?page=2
//! If-None-Match: "abc"
//!
//! body
//! ```

#![no_main]

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::header::{HeaderName, HeaderValue};
use axum::http::{Method, Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use newsline::app::Application;
use newsline::config::Settings;
use newsline::domain::SystemClock;
use newsline::newsroom::Newsroom;
use newsline::store::Store;
use tokio::runtime::Runtime;
use tower::ServiceExt;

struct Site {
    runtime: Runtime,
    router: Router,
    // Holds the database and media directory for the life of the process.
    _dir: tempfile::TempDir,
}

/// The demo site, filed once per process; requests cannot sign in, so they change nothing.
static SITE: LazyLock<Site> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::default();
    settings.data_dir = dir.path().to_owned();
    settings.set("address", "127.0.0.1:0").expect("address");
    let router = runtime.block_on(async {
        let store = Store::open(&Store::sqlite_url(dir.path()))
            .await
            .expect("store opens");
        let newsroom = Newsroom::new(store.clone(), Arc::default());
        let demo = newsline::import::demo::builtin(&settings.site.time_zone).expect("demo");
        // The demo as `serve --demo` loads it: translations linked, front pages arranged.
        newsline::import::demo::load(&newsroom, &demo)
            .await
            .expect("demo loaded");
        // The application as `serve` builds it, so the fuzzer meets every layer.
        let app = Application::build(&settings, store, Arc::new(SystemClock))
            .await
            .expect("application");
        app.router()
    });
    Site {
        runtime,
        router,
        _dir: dir,
    }
});

/// The request an input spells, or none when no HTTP/1 server would pass it on.
fn request(input: &[u8]) -> Option<Request<Body>> {
    let (head, body) = match input.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&input[..at], &input[at + 2..]),
        None => (input, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let (method, target) = lines.next()?.split_once(' ')?;
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).ok()?)
        .uri(target);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        request = request.header(
            HeaderName::from_bytes(name.as_bytes()).ok()?,
            HeaderValue::from_str(value.trim()).ok()?,
        );
    }
    let mut request = request.body(Body::from(body.to_vec())).ok()?;
    // What the real server adds to every request.
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    Some(request)
}

fuzz_target!(|input: &[u8]| {
    let Some(request) = request(input) else {
        return;
    };
    let site = &*SITE;
    let response = site
        .runtime
        .block_on(site.router.clone().oneshot(request))
        .expect("the router is infallible");
    let status = response.status();
    assert!(
        !status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE,
        "{status} for {:?}",
        String::from_utf8_lossy(input)
    );
});
