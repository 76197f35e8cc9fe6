//! Every reader page type over HTTP: status, content type, content and cache headers.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn the_article_page_has_the_seed_pages_shape() {
    let app = TestApp::spawn_with_demo().await;
    let home = app.get("/en/").await;
    let href = home
        .hrefs(".leads a.headline")
        .into_iter()
        .find(|h| h.contains("/foreign-policy/"))
        .expect("the demo article leads the home page");
    let page = app.get(&href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    let headline = page.texts("article h1");
    assert_eq!(headline.len(), 1);
    assert_eq!(
        page.texts("article .meta")[0],
        "Foreign Policy 16:29 21.05.2025"
    );
    let html = page.html();
    let time = scraper::Selector::parse("article .meta time").expect("selector");
    let datetime = html
        .select(&time)
        .next()
        .and_then(|t| t.value().attr("datetime"));
    assert_eq!(datetime, Some("2025-05-21T16:29:00+04:00"));
    assert_eq!(page.texts("article .body p").len(), 8, "eight paragraphs");
    assert_eq!(page.texts("article .byline"), ["Madina Mammadova//EDnews"]);
    let related = page.texts("article .related a");
    assert_eq!(related.len(), 1);
    assert!(related[0].contains("IEPF"), "{related:?}");

    let news_line = page.texts(".news-line li a");
    assert_eq!(
        news_line.len(),
        40,
        "the news line shows the latest 40 items"
    );
    assert_eq!(page.texts(".news-line li time")[0], "17:42 21.05.2025");
    let current = page.texts(".news-line li a[aria-current=page]");
    assert_eq!(
        current, headline,
        "the article is marked in its own news line"
    );
    assert_eq!(page.texts(".news-line .all-news a"), ["All"]);
    assert_eq!(page.hrefs(".news-line .all-news a"), ["/en/news"]);
}

#[tokio::test]
async fn the_home_page_shows_pinned_leads_and_the_news_line() {
    let app = TestApp::spawn().await;
    let mut lead = brief("Lead story", "politics", "2025-05-20T10:00:00Z");
    lead.pinned = true;
    let mut batch = vec![lead];
    for i in 0..45 {
        batch.push(brief(
            &format!("Brief {i}"),
            "economy",
            &format!("2025-05-21T{:02}:{:02}:00Z", i / 60, i % 60),
        ));
    }
    app.file(filings(batch)).await;
    let page = app.get("/en/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".leads a.headline"), ["Lead story"]);
    let line = page.texts(".news-line li a");
    assert_eq!(line.len(), 40);
    assert_eq!(line[0], "Brief 44", "newest first");
    assert_eq!(line[39], "Brief 5");
    assert!(
        !line.contains(&"Lead story".to_owned()),
        "older than the latest 40"
    );
}

#[tokio::test]
async fn equal_publication_times_keep_a_stable_order() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![
        brief("First filed", "politics", "2025-05-21T10:00:00Z"),
        brief("Second filed", "politics", "2025-05-21T10:00:00Z"),
    ]))
    .await;
    let line = app.get("/en/").await.texts(".news-line li a");
    assert_eq!(line, ["Second filed", "First filed"]);
}

#[tokio::test]
async fn the_archive_groups_by_day_and_paginates() {
    let app = TestApp::spawn_with_demo().await;
    let first = app.get("/en/news").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.texts("h1"), ["All news"]);
    assert_eq!(first.texts(".item-line").len(), 30, "default page size");
    let days = first.texts(".day h2");
    // Day headings name the month in the edition's language; times stay numeric.
    assert_eq!(days, ["21 May 2025", "19 May 2025"]);
    assert_eq!(first.texts(".count"), ["41 items"]);
    assert_eq!(first.hrefs(".day h2 a")[0], "/en/news/2025/05/21");
    assert_eq!(first.hrefs(".pagination a[rel=next]"), ["/en/news?page=2"]);

    let second = app.get("/en/news?page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    // 41 English items: the article, its related brief and 39 briefs of the news line.
    assert_eq!(second.texts(".item-line").len(), 11);
    assert_eq!(second.hrefs(".pagination a[rel=prev]"), ["/en/news"]);
    assert!(second.texts(".day h2").contains(&"18 May 2025".to_owned()));
    assert_eq!(
        app.get("/en/news?page=3").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_day_of_the_archive_lists_that_local_day_only() {
    let app = TestApp::spawn_with_demo().await;
    let day = app.get("/en/news/2025/05/21").await;
    assert_eq!(day.status, StatusCode::OK);
    let times = day.texts(".item-line time");
    assert_eq!(times.len(), 14);
    assert!(times.iter().all(|t| t.ends_with("21.05.2025")), "{times:?}");
    assert_eq!(day.hrefs(".day-links a"), ["/en/news/2025/05/19"]);
    let earlier = app.get("/en/news/2025/05/19").await;
    assert_eq!(
        earlier.hrefs(".day-links a"),
        ["/en/news/2025/05/18", "/en/news/2025/05/21"]
    );
    assert_eq!(
        app.get("/en/news/2025/05/20").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_day_follows_the_site_zone_not_utc() {
    let app = TestApp::spawn().await;
    // 21:30 UTC on the 20th is already 01:30 on the 21st in Baku.
    app.file(filings(vec![brief(
        "Late night",
        "politics",
        "2025-05-20T21:30:00Z",
    )]))
    .await;
    let day = app.get("/en/news/2025/05/21").await;
    assert_eq!(day.texts(".item-line time"), ["01:30 21.05.2025"]);
    assert_eq!(
        app.get("/en/news/2025/05/20").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn section_author_and_tag_pages_list_their_items() {
    let app = TestApp::spawn_with_demo().await;
    let section = app.get("/en/foreign-policy").await;
    assert_eq!(section.status, StatusCode::OK);
    assert_eq!(section.texts("h1"), ["Foreign Policy"]);
    let sections = section.texts(".item-line .meta a");
    assert!(!sections.is_empty());
    assert!(
        sections.iter().all(|s| s == "Foreign Policy"),
        "{sections:?}"
    );
    assert_eq!(
        section.hrefs(".sections a[aria-current=page]"),
        ["/en/foreign-policy"]
    );

    let author = app.get("/en/author/madina-mammadova").await;
    assert_eq!(author.status, StatusCode::OK);
    assert_eq!(author.texts("h1"), ["Madina Mammadova"]);
    assert_eq!(author.texts(".item-line").len(), 1);

    let tag = app.get("/en/tag/defence").await;
    assert_eq!(tag.status, StatusCode::OK);
    assert_eq!(tag.texts("h1"), ["Tag: Defence"]);
    assert!(!tag.texts(".item-line").is_empty());
}

#[tokio::test]
async fn lists_paginate_at_the_page_size() {
    let app = TestApp::spawn().await;
    let batch = (0..65)
        .map(|i| {
            brief(
                &format!("Item {i}"),
                "politics",
                &format!("2025-01-01T10:{:02}:00Z", i % 60),
            )
        })
        .collect();
    app.file(filings(batch)).await;
    for (page, count) in [("", 30), ("?page=2", 30), ("?page=3", 5)] {
        let fetched = app.get(&format!("/en/politics{page}")).await;
        assert_eq!(fetched.status, StatusCode::OK, "{page}");
        assert_eq!(fetched.texts(".item-line").len(), count, "{page}");
    }
    assert_eq!(
        app.get("/en/politics?page=4").await.status,
        StatusCode::NOT_FOUND
    );
    let empty = app.get("/en/economy").await;
    assert_eq!(empty.status, StatusCode::OK, "an empty section is a page");
    assert!(empty.body.contains("Nothing has been published here yet."));
}

#[tokio::test]
async fn an_old_slug_or_section_redirects_permanently_to_the_current_url() {
    let app = TestApp::spawn().await;
    let filed = app
        .file(filings(vec![brief(
            "Ministers meet",
            "politics",
            "2025-05-21T10:00:00Z",
        )]))
        .await;
    let id = filed[0].id();
    let canonical = app.item_path(id).await;
    assert_eq!(canonical, format!("/en/politics/{id}-ministers-meet"));
    assert_eq!(app.get(&canonical).await.status, StatusCode::OK);
    for stale in [
        format!("/en/politics/{id}-an-older-headline"),
        format!("/en/politics/{id}"),
        format!("/en/economy/{id}-ministers-meet"),
    ] {
        let response = app.get(&stale).await;
        assert_eq!(response.status, StatusCode::MOVED_PERMANENTLY, "{stale}");
        assert_eq!(response.header("location"), canonical, "{stale}");
    }
}

#[tokio::test]
async fn the_root_and_a_bare_edition_lead_to_the_edition_home() {
    let app = TestApp::spawn().await;
    let root = app.get("/").await;
    assert_eq!(root.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(root.header("location"), "/en/");
    let bare = app.get("/en").await;
    assert_eq!(bare.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(bare.header("location"), "/en/");
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::spawn_with_demo().await;
    for path in [
        "/en/",
        "/en/news",
        "/en/foreign-policy",
        "/en/does-not-exist",
    ] {
        let get = app.get(path).await;
        let head = app.request(Method::HEAD, path).await;
        assert_eq!(head.status, get.status, "{path}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
        assert!(head.body.is_empty(), "{path}");
    }
}

#[tokio::test]
async fn pages_carry_validators_and_answer_conditional_requests() {
    let app = TestApp::spawn_with_demo().await;
    let page = app.get("/en/news").await;
    let etag = page.header("etag").to_owned();
    assert!(etag.starts_with('"'), "{etag}");
    assert!(page.header("cache-control").contains("max-age="));
    let again = app
        .client
        .get(format!("{}/en/news", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answered");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.text().await.expect("body"), "");
    let stale = app
        .client
        .get(format!("{}/en/news", app.address))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .expect("answered");
    assert_eq!(stale.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_publish_shows_in_the_news_line_and_archive_at_once() {
    let app = TestApp::spawn().await;
    let before = app.get("/en/news").await.header("etag").to_owned();
    app.file(filings(vec![brief(
        "Breaking: it happened",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let home = app.get("/en/").await;
    assert_eq!(home.texts(".news-line li a"), ["Breaking: it happened"]);
    let archive = app.get("/en/news").await;
    assert_ne!(
        archive.header("etag"),
        before,
        "a changed page gets a new validator"
    );
    assert_eq!(
        archive.texts(".item-line a.headline"),
        ["Breaking: it happened"]
    );
}

#[tokio::test]
async fn changes_written_by_another_process_reach_the_pages_through_the_change_log() {
    let app = TestApp::spawn().await;
    // A second store and newsroom on the same file, as `newsline import` would open;
    // nothing wakes the server's feeder, so only its poll of the change log can find it.
    let other = newsline::store::Store::open(&app.db.url)
        .await
        .expect("second connection");
    let newsroom = newsline::newsroom::Newsroom::new(other, Default::default());
    newsroom
        .file_batch(
            &importer(),
            &filings(vec![brief(
                "From the importer",
                "politics",
                "2025-05-21T10:00:00Z",
            )]),
        )
        .await
        .expect("filed");
    app.settle().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let line = app.get("/en/").await.texts(".news-line li a");
        if line == ["From the importer"] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never appeared: {line:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_restarted_server_rebuilds_its_pages_from_the_store() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "Survives a restart",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let again = app.restart().await;
    assert_eq!(
        again.get("/en/").await.texts(".news-line li a"),
        ["Survives a restart"]
    );
}

#[tokio::test]
async fn the_azerbaijani_edition_speaks_azerbaijani() {
    let app = TestApp::spawn_with_demo().await;
    let page = app.get("/az/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"az\">"));
    assert_eq!(page.texts(".news-line h2"), ["Xəbər lenti"]);
    assert_eq!(page.texts(".news-line .all-news a"), ["Hamısı"]);
    assert_eq!(page.hrefs(".news-line .all-news a"), ["/az/news"]);
    assert_eq!(app.get("/az/news").await.texts("h1"), ["Bütün xəbərlər"]);
    let english = app.get("/en/").await;
    assert_eq!(english.texts(".news-line .all-news a"), ["All"]);
    assert_eq!(
        english.texts(".editions a"),
        ["English", "Azərbaycanca", "Русский"]
    );
}

#[tokio::test]
async fn markup_in_headlines_is_escaped_and_scripts_in_bodies_are_removed() {
    let app = TestApp::spawn().await;
    let mut item = article(
        "Tom & Jerry <script>alert(1)</script> \"quoted\" ə ğ ı ş Ж 🎉",
        "politics",
        "2025-05-21T10:00:00Z",
        &["Ayla <b>Karimova</b>"],
    );
    item.body = "Safe text.\n\n<script>alert(2)</script><img src=x onerror=alert(3)>".into();
    let filed = app.file(filings(vec![item])).await;
    let page = app.get(&app.item_path(filed[0].id()).await).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>alert"), "no script survives");
    assert!(
        !page.body.contains("alert(2)"),
        "the body's script is removed, not escaped"
    );
    assert!(!page.body.contains("onerror"));
    assert!(
        page.body.contains("Tom &#38; Jerry &#60;script&#62;"),
        "escaped, not dropped"
    );
    assert_eq!(
        page.texts("article h1"),
        ["Tom & Jerry <script>alert(1)</script> \"quoted\" ə ğ ı ş Ж 🎉"]
    );
    assert_eq!(
        page.texts("article .byline"),
        ["Ayla <b>Karimova</b>//Test News"]
    );
}

#[tokio::test]
async fn the_stylesheet_is_served_under_its_hashed_name_only() {
    let app = TestApp::spawn().await;
    let page = app.get("/en/").await;
    let css = page.html();
    let link = scraper::Selector::parse("link[rel=stylesheet]").expect("selector");
    let href = css
        .select(&link)
        .next()
        .and_then(|l| l.value().attr("href"))
        .expect("a stylesheet link")
        .to_owned();
    let sheet = app.get(&href).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert_eq!(sheet.header("content-type"), "text/css; charset=utf-8");
    assert!(sheet.header("cache-control").contains("immutable"));
    assert_eq!(
        app.get("/static/site.css").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The ids an item-line list links to, in order (`/en/section/ID-slug`).
fn linked_ids(page: &Fetched, selector: &str) -> Vec<String> {
    page.hrefs(selector)
        .iter()
        .filter_map(|h| h.rsplit('/').next()?.split('-').next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_page_shows_one_consistent_view_while_items_are_published() {
    let app = TestApp::spawn().await;
    let writer = {
        let newsroom = app.newsroom.clone();
        tokio::spawn(async move {
            for n in 0..60 {
                let at = format!("2025-05-20T10:{n:02}:00Z");
                newsroom
                    .file_batch(
                        &importer(),
                        &filings(vec![brief(&format!("Story number {n}"), "politics", &at)]),
                    )
                    .await
                    .expect("filed");
            }
        })
    };
    let mut checked = 0;
    let mut done = false;
    while !done {
        done = writer.is_finished();
        for path in ["/en/news", "/en/politics"] {
            let page = app.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            // The listing and the news line of one response come from one snapshot: the
            // newest items agree, whatever was published meanwhile.
            let listed = linked_ids(&page, "main .item-line a.headline");
            let news_line = linked_ids(&page, ".news-line li a");
            let k = listed.len().min(news_line.len());
            assert_eq!(listed[..k], news_line[..k], "{path} after {checked} checks");
            checked += 1;
        }
    }
    writer.await.expect("writer finished");
    app.settle().await;
    let page = app.get("/en/news").await;
    assert_eq!(page.texts(".news-line li a")[0], "Story number 59");
    assert!(checked >= 2);
}
