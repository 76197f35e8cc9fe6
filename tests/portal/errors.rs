//! Bad addresses get the right status and a page in the site's layout, never a trace.

use reqwest::{Method, StatusCode};

use crate::support::*;

fn assert_error_page(page: &Fetched, status: StatusCode, heading: &str, what: &str) {
    assert_eq!(page.status, status, "{what}");
    assert_eq!(
        page.header("content-type"),
        "text/html; charset=utf-8",
        "{what}"
    );
    assert_eq!(page.texts("main h1"), [heading], "{what}");
    assert_eq!(
        page.texts(".masthead .site-name").len(),
        1,
        "{what}: in the site layout"
    );
}

#[tokio::test]
async fn addresses_that_name_nothing_are_404_pages_in_the_layout() {
    let app = TestApp::spawn_with_demo().await;
    for path in [
        "/nothing-here",
        "/xx/",
        "/en/no-such-section",
        "/en/author/nobody",
        "/en/tag/no-such-tag",
        "/en/foreign-policy/999999-missing",
        "/en/foreign-policy/not-an-id",
        "/en/foreign-policy/99999999999999999999999999-huge",
        "/en/news/2030/01/01",
        "/en/a/b/c/d/e/f",
        "/static/../Cargo.toml",
        "/en/%FF%FE",
    ] {
        let page = app.get(path).await;
        assert_error_page(&page, StatusCode::NOT_FOUND, "Page not found", path);
        assert_eq!(page.header("cache-control"), "no-store", "{path}");
    }
}

#[tokio::test]
async fn malformed_page_numbers_are_400_pages() {
    let app = TestApp::spawn_with_demo().await;
    for query in [
        "abc",
        "0",
        "-1",
        "1.5",
        "99999999999999999999999",
        "",
        "%00",
        "2&page=3",
    ] {
        for list in [
            "/en/news",
            "/en/foreign-policy",
            "/en/author/madina-mammadova",
            "/en/tag/defence",
            "/en/news/2025/05/21",
        ] {
            let path = format!("{list}?page={query}");
            let page = app.get(&path).await;
            assert_error_page(&page, StatusCode::BAD_REQUEST, "Bad request", &path);
        }
    }
    // Unknown parameters are ignored rather than refused.
    assert_eq!(
        app.get("/en/news?utm_source=x").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn malformed_dates_are_400_pages() {
    let app = TestApp::spawn_with_demo().await;
    for path in [
        "/en/news/2025/13/01",
        "/en/news/2025/02/30",
        "/en/news/2025/00/10",
        "/en/news/20x5/05/21",
        "/en/news/2025/5/21",
        "/en/news/99999/05/21",
    ] {
        let page = app.get(path).await;
        assert_error_page(&page, StatusCode::BAD_REQUEST, "Bad request", path);
    }
}

#[tokio::test]
async fn other_methods_are_refused_with_a_page() {
    let app = TestApp::spawn().await;
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let page = app.request(method.clone(), "/en/").await;
        assert_error_page(
            &page,
            StatusCode::METHOD_NOT_ALLOWED,
            "Not allowed",
            method.as_str(),
        );
    }
}

#[tokio::test]
async fn error_pages_speak_the_editions_language() {
    let app = TestApp::spawn_with_demo().await;
    let page = app.get("/az/yoxdur").await;
    assert_error_page(&page, StatusCode::NOT_FOUND, "Səhifə tapılmadı", "az 404");
    assert!(page.body.contains("<html lang=\"az\">"));
}

#[tokio::test]
async fn no_garbage_address_gets_a_server_error() {
    let app = TestApp::spawn_with_demo().await;
    let long = "a".repeat(5000);
    let paths = [
        "/en/news/2025/05/21/extra".to_owned(),
        "/en/news/-1/-1/-1".to_owned(),
        "/en//".to_owned(),
        "//".to_owned(),
        "/en/foreign-policy/1-".to_owned(),
        "/en/foreign-policy/0".to_owned(),
        "/en/%E2%80%AE".to_owned(),
        format!("/en/{long}"),
        format!("/en/news?page={long}"),
        "/en/news?page[]=1".to_owned(),
        "/static/%00".to_owned(),
    ];
    for path in paths {
        let page = app.get(&path).await;
        assert!(!page.status.is_server_error(), "{path}: {}", page.status);
        assert!(!page.body.contains("panicked"), "{path}");
    }
}
