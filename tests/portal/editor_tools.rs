//! The editor's faster tools: words for search engines and shares, names offered while
//! typing, new authors added only on purpose, related items found by headline, and
//! the preview as readers will see it.

use newsline::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::newsroom::{article_fields, create, save};
use crate::support::*;

fn meta(page: &Fetched, attribute: &str, key: &str) -> Option<String> {
    let selector =
        scraper::Selector::parse(&format!("meta[{attribute}='{key}']")).expect("selector");
    page.html()
        .select(&selector)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_owned)
}

fn with(
    mut fields: Vec<(&'static str, &'static str)>,
    extra: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    fields.extend_from_slice(extra);
    fields
}

async fn suggestions(browser: &Browser, query: &str) -> Vec<(String, String)> {
    let answer = browser.get(&format!("/newsroom/suggest?{query}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
    assert!(
        answer
            .header("content-type")
            .starts_with("application/json")
    );
    let found: Vec<Value> = serde_json::from_str(&answer.body).expect("JSON");
    found
        .iter()
        .map(|s| {
            (
                s["value"].as_str().expect("value").to_owned(),
                s["label"].as_str().expect("label").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn search_and_share_words_lead_the_article_head_and_fall_back_to_the_headline() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let fields = with(
        article_fields("Parliament passes the budget after a long night", "publish"),
        &[
            ("dek", "The vote ended a week of talks."),
            ("seo_title", "Budget passed: what changes"),
            (
                "seo_description",
                "Six things the new budget changes for households.",
            ),
        ],
    );
    let id = create(&editor, &fields).await;
    app.settle().await;
    let path = app.item_path(id).await;
    let page = app.get(&path).await;
    assert_eq!(
        page.texts("h1"),
        ["Parliament passes the budget after a long night"]
    );
    assert!(
        page.texts("title")[0].starts_with("Budget passed: what changes"),
        "{:?}",
        page.texts("title")
    );
    assert_eq!(
        meta(&page, "property", "og:title").as_deref(),
        Some("Budget passed: what changes")
    );
    assert_eq!(
        meta(&page, "name", "twitter:title").as_deref(),
        Some("Budget passed: what changes")
    );
    for (attribute, key) in [("name", "description"), ("property", "og:description")] {
        assert_eq!(
            meta(&page, attribute, key).as_deref(),
            Some("Six things the new budget changes for households."),
            "{key}"
        );
    }
    // The editor shows them again, and the API's answer about the item carries them.
    let form = editor.get(&format!("/newsroom/items/{id}")).await;
    assert_eq!(
        input_value(&form, "seo_title"),
        "Budget passed: what changes"
    );
    assert_eq!(
        form.texts("[data-card-title]"),
        ["Budget passed: what changes"]
    );
    let api: Value =
        serde_json::from_str(&app.get(&format!("/api/v1/items/{id}")).await.body).expect("JSON");
    assert_eq!(api["seo_title"], "Budget passed: what changes");

    // Too long a title is refused with everything typed kept, and changes nothing.
    let long = "A".repeat(71);
    let mut refused_fields = with(
        fields.clone(),
        &[("seo_description", "Changed description")],
    );
    refused_fields.retain(|(k, _)| *k != "seo_title");
    refused_fields.push(("seo_title", &long));
    let refused = save(&editor, id, &refused_fields, "save").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(input_value(&refused, "seo_title"), long);
    assert_eq!(
        input_value(&refused, "seo_description"),
        "Changed description"
    );
    app.settle().await;
    let page = app.get(&path).await;
    assert_eq!(
        meta(&page, "property", "og:title").as_deref(),
        Some("Budget passed: what changes")
    );

    // Emptied, they fall back to the headline and the standfirst.
    let plain = with(fields, &[("seo_title", ""), ("seo_description", "")]);
    assert_eq!(
        save(&editor, id, &plain, "save").await.status,
        StatusCode::SEE_OTHER
    );
    app.settle().await;
    let page = app.get(&path).await;
    assert_eq!(
        meta(&page, "property", "og:title").as_deref(),
        Some("Parliament passes the budget after a long night")
    );
    assert_eq!(
        meta(&page, "name", "description").as_deref(),
        Some("The vote ended a week of talks.")
    );
}

#[tokio::test]
async fn a_new_author_is_added_only_once_confirmed_and_a_slip_is_named() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    create(&editor, &article_fields("The first story", "save")).await;
    app.settle().await;

    // A slip in a known name: refused, the nearest name offered, nothing added.
    let slip = with(
        article_fields("The second story", "save"),
        &[("authors", "Ayla Karimva"), ("new_authors", "")],
    );
    let refused = editor
        .submit("/newsroom/items/new", "/newsroom/items", &slip)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let said = refused.texts(".new-authors p").join(" ");
    assert!(
        said.contains("No author is called Ayla Karimva yet."),
        "{said}"
    );
    assert!(said.contains("Did you mean Ayla Karimova?"), "{said}");
    assert_eq!(input_value(&refused, "headline"), "The second story");
    assert_eq!(input_value(&refused, "authors"), "Ayla Karimva");
    assert_eq!(input_value(&refused, "new_authors"), "Ayla Karimva");
    let known = suggestions(&editor, "list=authors&q=ayla").await;
    assert_eq!(
        known,
        [("Ayla Karimova".to_owned(), "Ayla Karimova".to_owned())]
    );

    // Confirmed, the new name is added with the story.
    let confirmed = with(slip, &[("new_authors", "Ayla Karimva")]);
    create(&editor, &confirmed).await;
    app.settle().await;
    let known = suggestions(&editor, "list=authors&q=ayla").await;
    assert_eq!(known.len(), 2, "{known:?}");

    // Anyone may credit themselves without confirming.
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let own = with(
        article_fields("A story of my own", "save"),
        &[("authors", "reporter name"), ("new_authors", "")],
    );
    create(&reporter, &own).await;
}

#[tokio::test]
async fn names_and_items_are_offered_while_typing_as_far_as_the_account_may_see() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let fields = with(
        article_fields("Yaşar Güler visits the shipyard", "publish"),
        &[
            ("authors", "Yaşar Güler, Ayla Karimova"),
            ("new_authors", "Yaşar Güler, Ayla Karimova"),
            ("tags", "Shipbuilding, Defence"),
        ],
    );
    let published = create(&editor, &fields).await;
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let draft = create(
        &editor,
        &with(
            article_fields("Shipyard orders: an unpublished draft", "save"),
            &[],
        ),
    )
    .await;
    app.settle().await;
    app.settle_search().await;

    // Names by the start of any word, with or without their diacritics.
    for typed in ["yasar", "gul", "Güler"] {
        let found = suggestions(&editor, &format!("list=authors&q={typed}")).await;
        assert_eq!(
            found,
            [("Yaşar Güler".to_owned(), "Yaşar Güler".to_owned())],
            "{typed}"
        );
    }
    let tags = suggestions(&editor, "list=tags&edition=en&q=ship").await;
    assert_eq!(
        tags,
        [("Shipbuilding".to_owned(), "Shipbuilding".to_owned())]
    );
    assert!(
        suggestions(&editor, "list=tags&edition=az&q=ship")
            .await
            .is_empty()
    );
    assert!(suggestions(&editor, "list=authors&q=").await.is_empty());

    // Items by their headline: an editor sees the draft, a reporter only what is public.
    let ids = |found: Vec<(String, String)>| -> Vec<i64> {
        found
            .iter()
            .map(|(v, _)| v.parse().expect("an id"))
            .collect()
    };
    let mut seen = ids(suggestions(&editor, "list=items&edition=en&q=shipyard").await);
    seen.sort_unstable();
    assert_eq!(seen, [published, draft]);
    let labels = suggestions(&reporter, "list=items&edition=en&q=shipyard").await;
    assert_eq!(ids(labels.clone()), [published]);
    assert!(
        labels[0].1.starts_with("Yaşar Güler visits the shipyard ("),
        "{labels:?}"
    );

    // The related field names the item it points at.
    let id = published.to_string();
    let related = with(
        article_fields("More from the shipyard", "save"),
        &[("related", &*Box::leak(id.into_boxed_str()))],
    );
    let linked = create(&editor, &related).await;
    app.settle().await;
    let form = editor.get(&format!("/newsroom/items/{linked}")).await;
    assert_eq!(
        form.texts("#related-is"),
        ["Related: Yaşar Güler visits the shipyard"]
    );

    // Bad asks are refused plainly; the signed-out are sent to sign in.
    assert_eq!(
        editor
            .get("/newsroom/suggest?list=passwords&q=ab")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        editor
            .get("/newsroom/suggest?list=items&edition=zz&q=ab")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        editor
            .get("/newsroom/suggest?list=authors&q=%FF")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let outsider = app
        .browser()
        .get("/newsroom/suggest?list=authors&q=yasar")
        .await;
    assert!(!outsider.body.contains("Güler"), "{}", outsider.body);
    assert_ne!(outsider.status, StatusCode::OK);
}

#[tokio::test]
async fn the_preview_shows_the_story_as_readers_will_with_section_byline_and_image() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let image = app.uploaded_image().await.to_string();
    app.settle().await;
    let fields = with(
        article_fields("Previewed before it is saved", "preview"),
        &[
            ("outlet", "Wire Service"),
            ("lead_media", &*Box::leak(image.into_boxed_str())),
        ],
    );
    let shown = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(
        shown.texts("#preview.asked h1"),
        ["Previewed before it is saved"]
    );
    assert!(
        shown.texts("#preview .meta")[0].starts_with("Politics "),
        "{:?}",
        shown.texts("#preview .meta")
    );
    assert_eq!(
        shown.texts("#preview .byline"),
        ["Ayla Karimova//Wire Service"]
    );
    assert_eq!(
        shown
            .html()
            .select(&scraper::Selector::parse("#preview img").expect("selector"))
            .count(),
        1
    );
    assert_eq!(
        shown
            .html()
            .select(&scraper::Selector::parse(".social-card img").expect("selector"))
            .count(),
        1
    );
    // Previewing stores nothing.
    assert!(
        editor
            .get("/newsroom")
            .await
            .texts(".desk-list a")
            .is_empty()
    );
    // The editor page always carries the preview for a wide screen, not asked for.
    let blank = editor.get("/newsroom/items/new").await;
    assert_eq!(
        blank
            .html()
            .select(&scraper::Selector::parse("#preview:not(.asked)").expect("selector"))
            .count(),
        1
    );
}
