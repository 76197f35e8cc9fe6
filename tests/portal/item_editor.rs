//! The item editor as an editor walks through it: times typed with a step, what a
//! saved item shows, who may change what, and the browser's kept text.

use jiff::SignedDuration;
use newsline::domain::Role;
use reqwest::StatusCode;

use crate::newsroom::{article_fields, create};
use crate::support::*;

async fn public_line(app: &TestApp) -> Vec<String> {
    app.settle().await;
    app.get("/en/").await.texts(".news-line li a")
}

/// The time `minutes` from the app's clock, in the test site's zone, as the inputs take it.
fn local_in(app: &TestApp, minutes: i64) -> String {
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    (app.now() + SignedDuration::from_mins(minutes))
        .to_zoned_datetime(zone)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn desk_headlines(browser: &Browser) -> Vec<String> {
    browser.get("/newsroom").await.texts(".desk-list a")
}

#[tokio::test]
async fn a_withdrawal_time_typed_with_publish_or_schedule_is_kept_and_one_too_early_is_refused() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let (in_10, in_30, in_60, ago_5) = (
        local_in(&app, 10),
        local_in(&app, 30),
        local_in(&app, 60),
        local_in(&app, -5),
    );

    // Withdrawing before (or when) it would be published: refused on the form, as typed.
    for until in [&ago_5, &in_10] {
        let mut fields = article_fields("Too short a life", "schedule");
        fields.push(("publish_at", &in_10));
        fields.push(("unpublish_at", until));
        let refused = editor
            .submit("/newsroom/items/new", "/newsroom/items", &fields)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains("The withdrawal time must come after the publication time."),
            "{}",
            refused.body
        );
        assert_eq!(input_value(&refused, "headline"), "Too short a life");
        assert_eq!(input_value(&refused, "publish_at"), in_10);
        assert_eq!(input_value(&refused, "unpublish_at"), *until);
    }
    let mut fields = article_fields("Gone before it came", "publish");
    fields.push(("unpublish_at", &ago_5));
    let refused = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("The withdrawal time must come after the publication time.")
    );
    assert_eq!(input_value(&refused, "unpublish_at"), ago_5);
    assert!(desk_headlines(&editor).await.is_empty(), "nothing stored");
    assert!(public_line(&app).await.is_empty());

    // Published now, withdrawn at its time.
    let mut fields = article_fields("For an hour", "publish");
    fields.push(("unpublish_at", &in_60));
    create(&editor, &fields).await;
    // Scheduled, withdrawn at its time.
    let mut fields = article_fields("For twenty minutes", "schedule");
    fields.push(("publish_at", &in_10));
    fields.push(("unpublish_at", &in_30));
    create(&editor, &fields).await;
    assert_eq!(public_line(&app).await, ["For an hour"]);

    app.advance(SignedDuration::from_mins(10)).await;
    assert_eq!(
        public_line(&app).await,
        ["For twenty minutes", "For an hour"]
    );
    app.advance(SignedDuration::from_mins(20)).await;
    assert_eq!(public_line(&app).await, ["For an hour"]);
    app.advance(SignedDuration::from_mins(30)).await;
    assert!(
        public_line(&app).await.is_empty(),
        "withdrawn the moment its expiry came"
    );
}

#[tokio::test]
async fn a_saved_item_shows_its_publication_and_withdrawal_times_in_local_time() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let (in_10, in_30) = (local_in(&app, 10), local_in(&app, 30));
    let mut fields = article_fields("Timed both ways", "schedule");
    fields.push(("publish_at", &in_10));
    fields.push(("unpublish_at", &in_30));
    let id = create(&editor, &fields).await;
    let page = editor
        .get(&format!("/newsroom/items/{id}?saved=true"))
        .await;
    assert_eq!(input_value(&page, "publish_at"), in_10);
    assert_eq!(input_value(&page, "unpublish_at"), in_30);

    // Saved again without touching them, the times stay shown.
    let again = crate::newsroom::save(&editor, id, &fields, "save").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let page = editor.get(&format!("/newsroom/items/{id}")).await;
    assert_eq!(input_value(&page, "publish_at"), in_10);
    assert_eq!(input_value(&page, "unpublish_at"), in_30);
}

#[tokio::test]
async fn an_embargo_refusal_names_its_end_in_local_time() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let later = local_in(&app, 120);
    let mut fields = article_fields("Held till later", "publish");
    fields.push(("embargo", &later));
    let refused = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let until = newsline::domain::time::parse_local(&later.replacen('T', " ", 1), &zone)
        .expect("local time");
    let shown = newsline::domain::time::display(until, &zone);
    assert_eq!(
        refused.texts(".field-error"),
        [format!(
            "It is embargoed until {shown}; it cannot be published before then."
        )]
    );
    assert!(
        !refused.body.contains(&until.to_string()),
        "no UTC timestamp"
    );
}

#[tokio::test]
async fn a_reporter_reads_a_colleagues_published_story_and_a_refused_save_stays_in_the_newsroom() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let colleague = app.signed_in("colleague", Role::Reporter).await;
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let mut fields = article_fields("Somebody else's story", "submit");
    fields.retain(|(k, _)| *k != "authors");
    fields.retain(|(k, _)| *k != "tags");
    fields.push(("authors", "colleague name"));
    let id = create(&colleague, &fields).await;
    let published = crate::newsroom::save(&editor, id, &fields, "publish").await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );

    let page = reporter.get(&format!("/newsroom/items/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.texts("button[name=step]").is_empty(),
        "no Save buttons: {}",
        page.body
    );
    assert!(
        page.html()
            .select(&scraper::Selector::parse("#item-form").expect("selector"))
            .next()
            .is_none()
    );
    assert_eq!(page.texts(".read-only").len(), 1, "a note says why");

    // Saving anyway is refused, in the newsroom's own frame.
    let token = csrf_of(&reporter.get("/newsroom/items/new").await);
    let mut all = fields.clone();
    all.retain(|(k, _)| *k != "step");
    all.extend([("step", "save"), ("version", "1"), ("csrf", &token)]);
    let mut preview = all.clone();
    preview.retain(|(k, _)| *k != "step");
    preview.push(("step", "preview"));
    let note = [("csrf", token.as_str()), ("note", "A wrong date.")];
    let no_token = [("csrf", "forged")];
    let refusals = [
        (format!("/newsroom/items/{id}"), &all[..]),
        (format!("/newsroom/items/{id}"), &preview[..]),
        (format!("/newsroom/items/{id}/corrections"), &note[..]),
        (format!("/newsroom/items/{id}/presence"), &no_token[..]),
    ];
    for (path, form) in refusals {
        let refused = reporter.post(&path, form).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            refused.texts(".newsroom-error").len(),
            1,
            "{path}: {}",
            refused.body
        );
        assert!(
            refused.texts(".news-line").is_empty(),
            "{path}: not the reader site's page"
        );
    }
}

fn autosave_key(page: &Fetched) -> String {
    let selector = scraper::Selector::parse("#item-form").expect("selector");
    page.html()
        .select(&selector)
        .next()
        .and_then(|f| f.value().attr("data-autosave-key"))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn every_new_item_form_keeps_its_unsaved_text_in_a_slot_of_its_own() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let first = editor.get("/newsroom/items/new").await;
    let second = editor.get("/newsroom/items/new").await;
    let (one, two) = (autosave_key(&first), autosave_key(&second));
    assert!(!one.is_empty() && !two.is_empty());
    assert_ne!(one, two, "two new items do not share a slot");
    assert_eq!(one, format!("new-{}", input_value(&first, "draft_key")));

    // The same draft, sent back with a mistake, keeps its slot.
    let mut fields = article_fields("", "save");
    let key = input_value(&first, "draft_key");
    fields.push(("draft_key", &key));
    let refused = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(autosave_key(&refused), one);

    // A key that is not one of ours is replaced, not echoed.
    let mut forged = article_fields("", "save");
    forged.push(("draft_key", "\"><script>"));
    let replaced = editor
        .submit("/newsroom/items/new", "/newsroom/items", &forged)
        .await;
    assert!(!autosave_key(&replaced).contains("script"));

    // A saved item's slot is its own.
    let id = create(&editor, &article_fields("Saved once", "save")).await;
    let page = editor.get(&format!("/newsroom/items/{id}")).await;
    assert!(
        autosave_key(&page).starts_with(&format!("{id}-")),
        "{}",
        autosave_key(&page)
    );
    assert!(input_value(&page, "draft_key").is_empty());
}

#[tokio::test]
async fn the_desk_shows_when_an_item_withdraws_in_local_time() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let shown = |typed: &str| {
        let at = newsline::domain::time::parse_local(&typed.replacen('T', " ", 1), &zone)
            .expect("local time");
        format!(
            "withdraws at {}",
            newsline::domain::time::display(at, &zone)
        )
    };
    let (in_10, in_30, in_60) = (local_in(&app, 10), local_in(&app, 30), local_in(&app, 60));
    let mut fields = article_fields("Out for an hour", "publish");
    fields.push(("unpublish_at", &in_60));
    create(&editor, &fields).await;
    let mut fields = article_fields("Out for twenty minutes", "schedule");
    fields.push(("publish_at", &in_10));
    fields.push(("unpublish_at", &in_30));
    create(&editor, &fields).await;
    create(&editor, &article_fields("Here to stay", "publish")).await;

    let desk = editor.get("/newsroom").await;
    assert_eq!(
        desk.texts("#list-published + table .withdraws"),
        [shown(&in_60)],
        "only the item with an expiry says so"
    );
    assert_eq!(
        desk.texts("#list-scheduled + table .withdraws"),
        [shown(&in_30)]
    );
}

#[tokio::test]
async fn an_expiry_left_from_an_earlier_schedule_does_not_withdraw_a_later_publication() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let (in_10, in_30) = (local_in(&app, 10), local_in(&app, 30));
    let mut fields = article_fields("Put off", "schedule");
    fields.push(("publish_at", &in_10));
    fields.push(("unpublish_at", &in_30));
    let id = create(&editor, &fields).await;
    let back =
        crate::newsroom::save(&editor, id, &article_fields("Put off", "draft"), "draft").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    app.advance(SignedDuration::from_mins(40)).await;
    let out = crate::newsroom::save(
        &editor,
        id,
        &article_fields("Put off", "publish"),
        "publish",
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    app.advance(SignedDuration::from_secs(1)).await;
    assert_eq!(public_line(&app).await, ["Put off"]);
}

#[tokio::test]
async fn every_refused_newsroom_post_answers_in_the_newsrooms_frame() {
    let app = TestApp::spawn().await;
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let token = csrf_of(&reporter.get("/newsroom/items/new").await);
    let with_token = [("csrf", token.as_str())];
    for path in [
        "/newsroom/editions",
        "/newsroom/sections",
        "/newsroom/front-page/en",
        "/newsroom/webhooks",
        "/newsroom/wire/feeds",
        "/newsroom/wire/1/dismiss",
    ] {
        let refused = reporter.post(path, &with_token).await;
        assert!(
            matches!(
                refused.status,
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST
            ),
            "{path}: {}",
            refused.status
        );
        assert_eq!(
            refused.texts(".newsroom-error").len(),
            1,
            "{path}: {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn the_history_says_what_happened_by_whom_and_when() {
    let app = TestApp::spawn().await;
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let editor = app.signed_in("editor", Role::Editor).await;
    // An editor's story brings the byline and tag a reporter may then use.
    create(&editor, &article_fields("An earlier story", "save")).await;
    let fields = article_fields("A story with a past", "save");
    let id = create(&reporter, &fields).await;
    take_step(&reporter, id, &fields, "submit").await;
    take_step(&editor, id, &fields, "draft").await;
    take_step(&editor, id, &fields, "publish").await;
    let page = editor.get(&format!("/newsroom/items/{id}")).await;
    let restored = editor
        .post(
            &format!("/newsroom/items/{id}/restore"),
            &[
                ("csrf", csrf_of(&page).as_str()),
                ("revision", "1"),
                ("version", version_of(&page).as_str()),
            ],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    take_step(&editor, id, &fields, "unpublish").await;

    let history = editor.get(&format!("/newsroom/items/{id}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    let what = history.texts(".events tbody td.event");
    let expected = [
        "withdrawn",
        "restored an earlier version",
        "published",
        "saved",
        "returned to draft",
        "saved",
        "submitted for review",
        "saved",
        "created",
    ];
    let happened: Vec<&str> = what
        .iter()
        .map(String::as_str)
        .filter(|w| *w != "saved")
        .collect();
    assert_eq!(
        happened,
        expected
            .iter()
            .copied()
            .filter(|w| *w != "saved")
            .collect::<Vec<_>>(),
        "{what:?}"
    );
    let who = history.texts(".events tbody td:nth-child(2)");
    assert_eq!(who.first().map(String::as_str), Some("editor name"));
    assert_eq!(who.last().map(String::as_str), Some("reporter name"));
    // Nobody learns a colleague's draft's history by its number.
    let theirs = create(&editor, &article_fields("An editor's draft", "save")).await;
    assert_eq!(
        reporter
            .get(&format!("/newsroom/items/{theirs}/history"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Saves `fields` over item `id` with the button `step`, which must succeed.
async fn take_step(browser: &Browser, id: i64, fields: &[(&str, &str)], step: &str) {
    let answer = crate::newsroom::save(browser, id, fields, step).await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "{step}: {}",
        answer.body
    );
}

#[tokio::test]
async fn an_editor_chooses_an_items_address_and_the_old_one_redirects() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("Ministers meet in Baku", "publish");
    fields.push(("slug", "ministers-baku-talks"));
    let id = create(&editor, &fields).await;
    app.settle().await;
    let chosen = app.item_path(id).await;
    assert!(
        chosen.ends_with(&format!("/{id}-ministers-baku-talks")),
        "{chosen}"
    );
    let from_headline = format!("/en/politics/{id}-ministers-meet-in-baku");
    let answer = app.get(&from_headline).await;
    assert_eq!(answer.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(answer.header("location"), chosen);
    let form = editor.get(&format!("/newsroom/items/{id}")).await;
    assert_eq!(input_value(&form, "slug"), "ministers-baku-talks");

    // A new headline keeps the chosen address; an empty one follows the headline again.
    let mut edited = article_fields("Ministers meet again in Baku", "save");
    edited.push(("slug", "ministers-baku-talks"));
    let saved = crate::newsroom::save(&editor, id, &edited, "save").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    app.settle().await;
    assert_eq!(app.item_path(id).await, chosen);
    let mut followed = article_fields("Ministers meet again in Baku", "save");
    followed.push(("slug", ""));
    crate::newsroom::save(&editor, id, &followed, "save").await;
    app.settle().await;
    let now = app.item_path(id).await;
    assert!(now.ends_with("-ministers-meet-again-in-baku"), "{now}");
    assert_eq!(app.get(&chosen).await.header("location"), now);

    // An address that is not one is refused next to the field, keeping what was typed.
    let before = app.store.primary().last_seq().await.expect("seq");
    let mut bad = article_fields("Ministers meet again in Baku", "save");
    bad.push(("slug", "Not An Address!"));
    let refused = crate::newsroom::save(&editor, id, &bad, "save").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(input_value(&refused, "slug"), "Not An Address!");
    assert_eq!(
        refused.texts("#slug + .field-error").len(),
        1,
        "{}",
        refused.body
    );
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
}
