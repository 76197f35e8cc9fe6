//! What pages tell search engines and social networks: canonical, cards, JSON-LD.

use serde_json::Value;

use crate::support::*;

fn json_ld(page: &Fetched) -> Vec<Value> {
    page.html()
        .select(&scraper::Selector::parse("script[type='application/ld+json']").expect("selector"))
        .map(|s| serde_json::from_str(&s.text().collect::<String>()).expect("valid JSON-LD"))
        .collect()
}

fn meta(page: &Fetched, attribute: &str, key: &str) -> Option<String> {
    let selector =
        scraper::Selector::parse(&format!("meta[{attribute}='{key}']")).expect("selector");
    page.html()
        .select(&selector)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_owned)
}

async fn demo_article(app: &TestApp) -> (String, Fetched) {
    let href = app
        .get("/en/")
        .await
        .hrefs(".leads a.headline")
        .into_iter()
        .find(|h| h.contains("/foreign-policy/"))
        .expect("the demo article");
    let page = app.get(&href).await;
    (href, page)
}

#[tokio::test]
async fn an_article_carries_a_complete_news_article_and_breadcrumbs() {
    let app = TestApp::spawn_with_demo().await;
    let (href, page) = demo_article(&app).await;
    let canonical = format!("{}{}", app.address, href);
    let documents = json_ld(&page);
    let article = documents
        .iter()
        .find(|d| d["@type"] == "NewsArticle")
        .expect("a NewsArticle");
    assert_eq!(article["headline"], page.texts("article h1")[0].as_str());
    assert!(
        article["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert_eq!(article["datePublished"], "2025-05-21T16:29:00+04:00");
    assert!(
        article["dateModified"]
            .as_str()
            .is_some_and(|d| d.ends_with("+04:00"))
    );
    let authors = article["author"].as_array().expect("authors as an array");
    assert_eq!(authors.len(), 1);
    assert_eq!(authors[0]["@type"], "Person");
    assert_eq!(authors[0]["name"], "Madina Mammadova");
    assert!(
        authors[0]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/en/author/madina-mammadova"))
    );
    assert_eq!(article["publisher"]["@type"], "Organization");
    assert_eq!(article["publisher"]["name"], "EDnews");
    assert!(
        article["publisher"]["logo"]["url"]
            .as_str()
            .is_some_and(|u| u.contains("/static/logo."))
    );
    assert_eq!(article["articleSection"], "Foreign Policy");
    assert_eq!(article["inLanguage"], "en");
    assert_eq!(article["mainEntityOfPage"]["@id"], canonical.as_str());
    let logo = article["publisher"]["logo"]["url"]
        .as_str()
        .unwrap_or_default();
    let logo_path = logo.strip_prefix(&app.address).unwrap_or(logo);
    assert_eq!(app.get(logo_path).await.status, reqwest::StatusCode::OK);

    let crumbs = documents
        .iter()
        .find(|d| d["@type"] == "BreadcrumbList")
        .expect("breadcrumbs");
    let names: Vec<&str> = crumbs["itemListElement"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(names[..2], ["EDnews", "Foreign Policy"]);

    let canonical_link = page.hrefs("link[rel=canonical]");
    assert_eq!(canonical_link.len(), 1);
    assert_eq!(canonical_link.first(), Some(&canonical));
    assert_eq!(
        meta(&page, "property", "og:type").as_deref(),
        Some("article")
    );
    assert_eq!(
        meta(&page, "property", "og:url").as_deref(),
        Some(canonical.as_str())
    );
    assert_eq!(
        meta(&page, "property", "article:published_time").as_deref(),
        Some("2025-05-21T16:29:00+04:00")
    );
    assert_eq!(
        meta(&page, "name", "twitter:card").as_deref(),
        Some("summary")
    );
    assert_eq!(
        meta(&page, "name", "robots").as_deref(),
        Some("max-image-preview:large")
    );
}

#[tokio::test]
async fn every_co_author_is_a_person_and_markup_cannot_escape_the_script() {
    let app = TestApp::spawn().await;
    let filed = app
        .file(filings(vec![article(
            "</script><script>alert(1)</script> & \"ə\" Ж 🎉",
            "politics",
            "2025-05-21T10:00:00Z",
            &["Ayla Karimova", "Rauf Aliyev"],
        )]))
        .await;
    let page = app.get(&app.item_path(filed[0].id()).await).await;
    assert!(
        !page.body.contains("</script><script>alert"),
        "no script breaks out"
    );
    let documents = json_ld(&page);
    let article = documents
        .iter()
        .find(|d| d["@type"] == "NewsArticle")
        .expect("article");
    assert_eq!(
        article["headline"],
        "</script><script>alert(1)</script> & \"ə\" Ж 🎉"
    );
    let names: Vec<&str> = article["author"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["Ayla Karimova", "Rauf Aliyev"]);
}

#[tokio::test]
async fn list_pages_have_their_own_canonical_and_structured_data() {
    let app = TestApp::spawn_with_demo().await;
    for (path, kind) in [
        ("/en/", "WebPage"),
        ("/en/news", "CollectionPage"),
        ("/en/news?page=2", "CollectionPage"),
        ("/en/foreign-policy", "CollectionPage"),
        ("/en/news/2025/05/21", "CollectionPage"),
    ] {
        let page = app.get(path).await;
        assert_eq!(
            page.hrefs("link[rel=canonical]"),
            [format!("{}{}", app.address, path)],
            "{path}"
        );
        assert!(json_ld(&page).iter().any(|d| d["@type"] == kind), "{path}");
    }
    let junk = app.get("/en/news?utm_source=x").await;
    assert_eq!(
        junk.hrefs("link[rel=canonical]"),
        [format!("{}/en/news", app.address)],
        "tracking parameters are not canonical"
    );
}

/// Descriptions of items without a standfirst come from the body's first paragraph,
/// worked out when the body is written and kept in step by every edit.
#[tokio::test]
async fn an_items_description_follows_its_first_paragraph_through_edits() {
    use newsline::domain::Role;
    use newsline::newsroom::{Button, ItemForm};
    let app = TestApp::spawn().await;
    let actor = app.actor("summary-editor", Role::Editor).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let mut form = ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: "Talks resume".into(),
        body: "**Tom** & Jerry [met](https://example.org) <b>today</b>.\n\nSecond.".into(),
        authors: "Ayla Karimova".into(),
        section: "politics".into(),
        ..ItemForm::default()
    };
    let id = app
        .newsroom
        .create_item(
            &actor,
            &form.command(Button::Publish, &zone).expect("a valid form"),
        )
        .await
        .expect("created");
    app.settle().await;
    let described = |page: &Fetched| {
        json_ld(page)
            .into_iter()
            .find(|d| d["@type"] == "NewsArticle")
            .and_then(|d| d["description"].as_str().map(str::to_owned))
    };
    let path = app.item_path(id).await;
    let page = app.get(&path).await;
    assert_eq!(described(&page).as_deref(), Some("Tom & Jerry met today."));
    assert_eq!(
        meta(&page, "name", "description").as_deref(),
        Some("Tom & Jerry met today.")
    );
    let feed = app.get("/en/feed.xml").await;
    let summary = feed
        .body
        .split("<description>")
        .nth(2)
        .and_then(|rest| rest.split("</description>").next())
        .expect("the item's description");
    assert!(
        summary.contains("Tom ") && summary.contains(" Jerry met today."),
        "{summary}"
    );
    assert!(
        !summary.contains('*') && !summary.contains("<b>"),
        "{summary}"
    );

    form.body = "A new *first* paragraph.\n\nSecond.".into();
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    app.newsroom
        .save_item(
            &actor,
            id,
            item.version,
            &form.command(Button::Save, &zone).expect("a valid form"),
        )
        .await
        .expect("saved");
    app.settle().await;
    let page = app.get(&path).await;
    assert_eq!(described(&page).as_deref(), Some("A new first paragraph."));
    let feed = app.get("/en/feed.xml").await;
    assert!(feed.body.contains("A new first paragraph."));
    assert!(!feed.body.contains("Jerry"));
}
