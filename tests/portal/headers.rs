//! Security headers on every kind of response, whichever layer produced it.

use newsline::domain::Role;
use reqwest::StatusCode;

use crate::support::*;

/// The policy every response carries, but for its framing rule.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' https:; object-src 'none'; base-uri 'none'; form-action 'self'";

/// Asserts the headers every response must carry, framing as `frame_ancestors` says.
fn assert_secured(what: &str, response: &Fetched, frame_ancestors: &str) {
    assert_eq!(
        response.header("content-security-policy"),
        format!("{POLICY}; frame-ancestors {frame_ancestors}"),
        "{what}"
    );
    assert_eq!(
        response.header("x-content-type-options"),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        response.header("referrer-policy"),
        "strict-origin-when-cross-origin",
        "{what}"
    );
    let permissions = response.header("permissions-policy");
    for feature in [
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "interest-cohort=()",
    ] {
        assert!(permissions.contains(feature), "{what}: {permissions}");
    }
    assert_eq!(
        response.header("cross-origin-opener-policy"),
        "same-origin",
        "{what}"
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let uploaded = upload(&editor, png(40, 20), "photo.png", "A photo").await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let filed = app
        .file(filings(vec![article(
            "Parliament meets",
            "politics",
            "2025-05-21T12:29:00Z",
            &["Ayla Karimova"],
        )]))
        .await;
    let article_path = app.item_path(filed[0].id()).await;
    let home = app.get("/en/").await;
    let stylesheet = home
        .hrefs("link[rel=stylesheet]")
        .into_iter()
        .next()
        .expect("a stylesheet");
    let media_page = editor.get("/newsroom/media").await;
    let media = scraper::Selector::parse("img[src^='/media/']").expect("selector");
    let media_path = media_page
        .html()
        .select(&media)
        .find_map(|i| i.value().attr("src").map(str::to_owned))
        .expect("the upload is listed");

    let mut table: Vec<(&str, Fetched, StatusCode)> = vec![
        ("home", app.get("/en/").await, StatusCode::OK),
        ("home from the cache", app.get("/en/").await, StatusCode::OK),
        ("article", app.get(&article_path).await, StatusCode::OK),
        ("feed", app.get("/en/feed.xml").await, StatusCode::OK),
        ("sitemap", app.get("/sitemap.xml").await, StatusCode::OK),
        ("robots", app.get("/robots.txt").await, StatusCode::OK),
        ("static asset", app.get(&stylesheet).await, StatusCode::OK),
        ("media", app.get(&media_path).await, StatusCode::OK),
        (
            "not found",
            app.get("/en/no-such-page").await,
            StatusCode::NOT_FOUND,
        ),
        (
            "method not allowed",
            app.request(reqwest::Method::POST, "/en/").await,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "bad request",
            app.get("/en/news/2025/13/45").await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "redirect",
            app.get("/").await,
            StatusCode::TEMPORARY_REDIRECT,
        ),
        (
            "permanent redirect",
            app.get("/en").await,
            StatusCode::MOVED_PERMANENTLY,
        ),
    ];
    assert_eq!(
        table[1].1.header("x-cache"),
        "hit",
        "the second is a cache hit"
    );
    let live = app
        .client
        .get(format!("{}/en/live", app.address))
        .send()
        .await
        .expect("the stream opens");
    // The stream never ends: its headers are all there is to read.
    let live = Fetched {
        status: live.status(),
        headers: live.headers().clone(),
        body: String::new(),
    };
    table.push(("live stream", live, StatusCode::OK));
    for (what, response, status) in &table {
        assert_eq!(response.status, *status, "{what}");
        assert_secured(what, response, "'none'");
        assert_eq!(response.header("x-frame-options"), "DENY", "{what}");
        assert_eq!(
            response.header("strict-transport-security"),
            "",
            "{what}: not over http"
        );
    }

    let newsroom = [
        (
            "sign-in page",
            app.get("/newsroom/login").await,
            StatusCode::OK,
        ),
        ("desk", editor.get("/newsroom").await, StatusCode::OK),
        (
            "newsroom redirect",
            app.get("/newsroom").await,
            StatusCode::SEE_OTHER,
        ),
    ];
    for (what, response, status) in &newsroom {
        assert_eq!(response.status, *status, "{what}");
        assert_secured(what, response, "'none'");
        assert_eq!(response.header("x-frame-options"), "DENY", "{what}");
    }
}

#[tokio::test]
async fn the_portal_may_be_framed_as_configured_but_never_the_newsroom() {
    let app = TestApp::spawn_with(Database::fresh(), |settings| {
        settings
            .set("site.frame_ancestors", "'self' https://partner.example")
            .expect("valid");
        settings
            .set("site.base_url", "https://news.example")
            .expect("valid");
    })
    .await;
    let page = app.get("/robots.txt").await;
    assert_secured("robots", &page, "'self' https://partner.example");
    assert_eq!(
        page.header("x-frame-options"),
        "",
        "no legacy header can say this"
    );
    assert_eq!(
        page.header("strict-transport-security"),
        "max-age=31536000",
        "a site served over https"
    );
    let login = app.get("/newsroom/login").await;
    assert_secured("sign-in page", &login, "'none'");
    assert_eq!(login.header("x-frame-options"), "DENY");
    assert_eq!(
        login.header("strict-transport-security"),
        "max-age=31536000"
    );
}
