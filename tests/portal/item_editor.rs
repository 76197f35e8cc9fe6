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
