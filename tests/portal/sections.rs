//! Sections managed in the newsroom: renamed and given a new address (the old one
//! redirects, its items move with it), hidden from the masthead, put in another order,
//! and none of it by a reporter.

use newsline::domain::Role;
use newsline::newsroom::Batch;
use reqwest::StatusCode;

use crate::support::*;

/// A site with two sections and a story in the first.
async fn site() -> (TestApp, i64) {
    let app = TestApp::spawn().await;
    let filed = app
        .file(Batch {
            editions: vec![edition("en", "Test News")],
            sections: vec![
                ("en".into(), "politics".into(), "Politics".into()),
                ("en".into(), "economy".into(), "Economy".into()),
            ],
            filings: vec![brief("Ministers meet", "politics", "2025-05-21T10:00:00Z")],
        })
        .await;
    (app, filed[0].id())
}

async fn masthead(app: &TestApp) -> Vec<String> {
    app.settle().await;
    app.get("/en/").await.texts("nav.sections a")
}

#[tokio::test]
async fn a_renamed_section_keeps_its_old_address_redirecting_and_its_stories_follow() {
    let (app, id) = site().await;
    let old_story = app.item_path(id).await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let renamed = editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/politics/edit",
            &[("name", "Power and Policy"), ("slug", "power")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    assert!(
        masthead(&app)
            .await
            .contains(&"Power and Policy".to_owned())
    );

    let story = app.item_path(id).await;
    assert!(story.starts_with("/en/power/"), "{story}");
    assert_eq!(app.get(&story).await.status, StatusCode::OK);
    for (old, new) in [
        ("/en/politics".to_owned(), "/en/power".to_owned()),
        (
            "/en/politics?page=2".to_owned(),
            "/en/power?page=2".to_owned(),
        ),
        (
            "/en/feeds/section/politics/rss".to_owned(),
            "/en/feeds/section/power/rss".to_owned(),
        ),
        (old_story.clone(), story.clone()),
    ] {
        let answer = app.get(&old).await;
        assert_eq!(answer.status, StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(answer.header("location"), new, "{old}");
    }
    let section = app.get("/en/power").await;
    assert_eq!(section.status, StatusCode::OK);
    assert!(section.body.contains("Ministers meet"));
    let audit = editor.get("/newsroom/audit").await;
    assert!(audit.status == StatusCode::FORBIDDEN || audit.body.contains("section renamed"));

    // A new section may take the old address; it is then that section's page.
    let added = editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections",
            &[
                ("edition", "en"),
                ("slug", "politics"),
                ("name", "Politics"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    app.settle().await;
    let taken = app.get("/en/politics").await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(!taken.body.contains("Ministers meet"));

    // An address in use is refused, naming it, and nothing changes.
    let before = app.store.primary().last_seq().await.expect("seq");
    let clash = editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/economy/edit",
            &[("name", "Economy"), ("slug", "power")],
        )
        .await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(clash.texts("[role=alert]").concat().contains("'power'"));
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
    let unknown = editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/nowhere/edit",
            &[("name", "Nowhere"), ("slug", "nowhere")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_hidden_section_leaves_the_masthead_and_sections_can_be_reordered() {
    let (app, _) = site().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    assert_eq!(masthead(&app).await, ["Politics", "Economy"]);
    let moved = editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/economy/move",
            &[("to", "earlier")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(masthead(&app).await, ["Economy", "Politics"]);
    // At the top it stays.
    editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/economy/move",
            &[("to", "earlier")],
        )
        .await;
    assert_eq!(masthead(&app).await, ["Economy", "Politics"]);

    let hidden = editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/politics/hidden",
            &[("hidden", "1")],
        )
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    assert_eq!(masthead(&app).await, ["Economy"]);
    assert_eq!(app.get("/en/politics").await.status, StatusCode::OK);
    let list = editor.get("/newsroom/sections").await;
    assert_eq!(list.texts("#section-en-politics .badge").len(), 1);
    editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/politics/hidden",
            &[("hidden", "0")],
        )
        .await;
    assert_eq!(masthead(&app).await, ["Economy", "Politics"]);

    for (path, field) in [
        ("/newsroom/sections/en/politics/hidden", ("hidden", "maybe")),
        ("/newsroom/sections/en/politics/move", ("to", "sideways")),
    ] {
        let bad = editor.submit("/newsroom/sections", path, &[field]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{path}");
    }
}

#[tokio::test]
async fn a_reporter_changes_no_section_and_every_form_needs_its_token() {
    let (app, _) = site().await;
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let changes = [
        (
            "/newsroom/sections/en/politics/edit",
            vec![("name", "Taken over"), ("slug", "taken")],
        ),
        (
            "/newsroom/sections/en/politics/hidden",
            vec![("hidden", "1")],
        ),
        (
            "/newsroom/sections/en/economy/move",
            vec![("to", "earlier")],
        ),
    ];
    let before = app.store.primary().last_seq().await.expect("seq");
    let token = csrf_of(&reporter.get("/newsroom/items/new").await);
    for (path, fields) in &changes {
        let mut form = fields.clone();
        form.push(("csrf", token.as_str()));
        let answer = reporter.post(path, &form).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        // An editor's browser posting without the session's token.
        let forged = editor.post(path, fields).await;
        assert!(forged.status.is_client_error(), "{path}: {}", forged.status);
    }
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
    let list = reporter.get("/newsroom/sections").await;
    assert!(list.texts(".section-actions form").is_empty());
    // Through the use cases as well.
    let (_, actor) = app.signed_in_actor("another", Role::Reporter).await;
    let newsroom = &app.newsroom;
    assert!(
        newsroom
            .edit_section(&actor, "en", "politics", "taken", "Taken")
            .await
            .is_err()
    );
    assert!(
        newsroom
            .set_section_hidden(&actor, "en", "politics", true)
            .await
            .is_err()
    );
    assert!(
        newsroom
            .move_section(&actor, "en", "economy", true)
            .await
            .is_err()
    );
    assert_eq!(masthead(&app).await, ["Politics", "Economy"]);
}

#[tokio::test]
async fn a_refused_section_row_shows_what_was_typed_in_it_and_the_others_as_stored() {
    let (app, _) = site().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let value = |page: &Fetched, id: &str| {
        let selector = scraper::Selector::parse(id).expect("selector");
        page.html()
            .select(&selector)
            .next()
            .and_then(|i| i.value().attr("value").map(str::to_owned))
            .unwrap_or_default()
    };
    for (name, slug) in [
        ("Money Matters", "Not An Address"),
        ("Money Matters", "politics"),
        ("\u{7}", "money"),
    ] {
        let refused = editor
            .submit(
                "/newsroom/sections",
                "/newsroom/sections/en/economy/edit",
                &[("name", name), ("slug", slug)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{slug}");
        assert_eq!(value(&refused, "#name-en-economy"), name, "{slug}");
        assert_eq!(value(&refused, "#slug-en-economy"), slug);
        assert_eq!(
            refused.texts("#section-en-economy .field-error").len(),
            1,
            "{slug}"
        );
        assert_eq!(value(&refused, "#name-en-politics"), "Politics");
        assert_eq!(value(&refused, "#slug-en-politics"), "politics");
    }
    // The form for a new section keeps its text too.
    let refused = editor
        .submit(
            "/newsroom/sections",
            "/newsroom/sections",
            &[("edition", "en"), ("slug", "economy"), ("name", "Markets")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(value(&refused, "#name"), "Markets");
    assert_eq!(value(&refused, "#slug"), "economy");
    assert_eq!(masthead(&app).await, ["Politics", "Economy"]);
}
