//! The front page: editors arrange an edition's home page through the newsroom, preview
//! it, save it live or schedule it; readers see it, with a breaking strip while a
//! breaking item is fresh, and an automatic front when nothing is arranged.

use jiff::SignedDuration;
use newsline::domain::{Arrangement, Role};
use newsline::newsroom::{Batch, GoLive};
use reqwest::StatusCode;

use crate::newsroom::{article_fields, create};
use crate::support::*;

/// A site with `en` (politics, economy) and `az` (siyaset), and items in each.
struct Site {
    app: TestApp,
    /// `en` items by headline: A to F, newest last; C and D are economy, the rest politics.
    en: Vec<i64>,
    /// An `az` item.
    az: i64,
    /// The `az` section.
    siyaset: i64,
    politics: i64,
    economy: i64,
}

async fn site() -> Site {
    let app = TestApp::spawn().await;
    let en: Vec<i64> = app
        .file(filings(vec![
            brief("Story A", "politics", "2025-05-21T08:00:00Z"),
            brief("Story B", "politics", "2025-05-21T09:00:00Z"),
            brief("Story C", "economy", "2025-05-21T10:00:00Z"),
            brief("Story D", "economy", "2025-05-21T11:00:00Z"),
            brief("Story E", "politics", "2025-05-21T12:00:00Z"),
            brief("Story F", "politics", "2025-05-21T13:00:00Z"),
        ]))
        .await
        .into_iter()
        .map(|f| f.id())
        .collect();
    let mut az_brief = brief("Xəbər", "siyaset", "2025-05-21T10:00:00Z");
    az_brief.edition = "az".into();
    let az = app
        .file(Batch {
            editions: vec![edition("az", "Test Xəbər")],
            sections: vec![("az".into(), "siyaset".into(), "Siyasət".into())],
            filings: vec![az_brief],
        })
        .await[0]
        .id();
    let snapshot = app.read.snapshot();
    let politics = snapshot
        .section_by_slug("en", "politics")
        .expect("politics")
        .id;
    let economy = snapshot
        .section_by_slug("en", "economy")
        .expect("economy")
        .id;
    let siyaset = snapshot
        .section_by_slug("az", "siyaset")
        .expect("siyaset")
        .id;
    Site {
        app,
        en,
        az,
        siyaset,
        politics,
        economy,
    }
}

/// A form's fields, in order.
type Fields = Vec<(String, String)>;

/// The form's fields for an arrangement: `lead`, `top` in order, blocks as (section, N).
fn arrangement_fields(
    lead: Option<i64>,
    top: &[i64],
    blocks: &[(i64, usize)],
    button: &str,
) -> Fields {
    let mut fields = vec![
        (
            "lead".to_owned(),
            lead.map(|l| l.to_string()).unwrap_or_default(),
        ),
        ("button".to_owned(), button.to_owned()),
    ];
    for id in top {
        fields.push(("top".into(), id.to_string()));
    }
    // An empty slot, as the form always sends some.
    fields.push(("top".into(), String::new()));
    for (section, count) in blocks {
        fields.push(("block_section".into(), section.to_string()));
        fields.push(("block_count".into(), count.to_string()));
    }
    fields
}

/// Posts `fields` to the edition's front-page form with the token and version its page
/// shows now.
async fn arrange(browser: &Browser, edition: &str, fields: &[(String, String)]) -> Fetched {
    let page = browser
        .get(&format!("/newsroom/front-page/{edition}"))
        .await;
    let version = input_value(&page, "version");
    let token = csrf_of(&page);
    post_arrangement(browser, edition, fields, &version, &token).await
}

async fn post_arrangement(
    browser: &Browser,
    edition: &str,
    fields: &[(String, String)],
    version: &str,
    token: &str,
) -> Fetched {
    let mut all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if !fields.iter().any(|(k, _)| k == "version") {
        all.push(("version", version));
    }
    all.push(("csrf", token));
    browser
        .post(&format!("/newsroom/front-page/{edition}"), &all)
        .await
}

/// The headlines the public home page leads with: the lead story, then the top stories.
async fn leads(app: &TestApp, path: &str) -> Vec<String> {
    app.get(path).await.texts(".leads a.headline")
}

async fn versions(app: &TestApp, edition: &str) -> usize {
    app.store
        .front_page_history(edition, 100)
        .await
        .expect("history")
        .len()
}

#[tokio::test]
async fn an_arranged_front_page_goes_live_on_the_public_home() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let [a, b, _, d, e, _] = s.en[..] else {
        panic!("six items")
    };
    let saved = arrange(
        &editor,
        "en",
        &arrangement_fields(Some(e), &[b, a], &[(s.economy, 1)], "save"),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    s.app.settle().await;
    let home = s.app.get("/en/").await;
    assert_eq!(home.texts(".lead-story a.headline"), ["Story E"]);
    assert_eq!(
        home.texts(".top-stories a.headline"),
        ["Story B", "Story A"]
    );
    assert_eq!(home.texts(".section-block h3"), ["Economy"]);
    assert_eq!(
        home.texts(".section-block a.headline"),
        ["Story D"],
        "the section's latest one"
    );
    let _ = d;
    let description = home
        .html()
        .select(&scraper::Selector::parse("meta[name=description]").expect("selector"))
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_owned));
    assert_eq!(
        description.as_deref(),
        Some("Test News: Story E · Story B · Story A"),
        "search results describe the home page by what it leads with"
    );
    // Kept like an item's revisions, with an audit entry naming the editor.
    let history = s
        .app
        .store
        .front_page_history("en", 10)
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].version, 1);
    assert!(history[0].live);
    assert_eq!(history[0].saved_by.as_deref(), Some("editor name"));
    let audit = s.app.store.audit_entries(10).await.expect("audit");
    assert!(
        audit.iter().any(|e| e.action == "arranged the front page"
            && e.subject == "front:en"
            && e.user.as_deref() == Some("editor name")),
        "{audit:?}"
    );
    let page = editor.get("/newsroom/front-page/en").await;
    assert_eq!(page.texts("tbody tr td:first-child"), ["1"], "the history");
    assert_eq!(input_value(&page, "version"), "1");
}

#[tokio::test]
async fn with_nothing_arranged_the_home_page_leads_with_pinned_stories_then_each_section() {
    let app = TestApp::spawn().await;
    let mut lead = brief("Pinned lead", "politics", "2025-05-21T08:00:00Z");
    lead.pinned = true;
    app.file(filings(vec![
        lead,
        brief("Politics latest", "politics", "2025-05-21T09:00:00Z"),
        brief("Economy latest", "economy", "2025-05-21T10:00:00Z"),
    ]))
    .await;
    let home = app.get("/en/").await;
    assert_eq!(home.texts(".lead-story a.headline"), ["Pinned lead"]);
    assert_eq!(home.texts(".section-block h3"), ["Politics", "Economy"]);
    assert_eq!(
        home.texts(".section-block a.headline"),
        ["Politics latest", "Economy latest"],
        "the lead is not repeated below"
    );
}

#[tokio::test]
async fn a_preview_shows_the_arrangement_to_the_editor_only_and_stores_nothing() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let before = leads(&s.app, "/en/").await;
    let fields = arrangement_fields(Some(s.en[0]), &[s.en[1]], &[], "preview");
    let preview = arrange(&editor, "en", &fields).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.texts(".leads a.headline"), ["Story A", "Story B"]);
    assert_eq!(preview.header("cache-control"), "no-store");
    assert_eq!(preview.header("x-robots-tag"), "noindex");
    assert_eq!(
        preview
            .html()
            .select(&scraper::Selector::parse("meta[name=robots]").expect("selector"))
            .next()
            .and_then(|m| m.value().attr("content")),
        Some("noindex")
    );
    assert_eq!(versions(&s.app, "en").await, 0, "a preview stores nothing");
    s.app.settle().await;
    assert_eq!(leads(&s.app, "/en/").await, before, "readers see no change");
    // Nobody signed out sees it; a reporter is refused.
    let mut all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    all.push(("version", "0"));
    let anonymous = s.app.browser().post("/newsroom/front-page/en", &all).await;
    assert!(
        anonymous.status.is_redirection() && anonymous.header("location").contains("/login"),
        "{}",
        anonymous.status
    );
    let reporter = s.app.signed_in("reporter", Role::Reporter).await;
    let token = csrf_of(&reporter.get("/newsroom").await);
    let refused = post_arrangement(&reporter, "en", &fields, "0", &token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_scheduled_front_page_goes_live_when_the_clock_passes_its_time() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let before = leads(&s.app, "/en/").await;
    let zone = settings_for(&s.app.db).site.time_zone;
    let at = (s.app.now() + SignedDuration::from_hours(1))
        .to_zoned_datetime(zone)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let mut fields = arrangement_fields(Some(s.en[0]), &[], &[], "schedule");
    fields.push(("live_at".into(), at));
    let scheduled = arrange(&editor, "en", &fields).await;
    assert_eq!(
        scheduled.status,
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.body
    );
    let page = editor.get("/newsroom/front-page/en").await;
    assert!(
        page.body.contains("goes live at"),
        "the desk lists it as scheduled"
    );
    let preview = editor.get("/newsroom/front-page/en/versions/1").await;
    assert_eq!(
        preview.status,
        StatusCode::OK,
        "a scheduled version previews"
    );
    assert_eq!(preview.texts(".leads a.headline"), ["Story A"]);
    assert_eq!(preview.header("cache-control"), "no-store");
    assert_eq!(
        editor
            .get("/newsroom/front-page/en/versions/2")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let reporter = s.app.signed_in("reporter", Role::Reporter).await;
    assert_eq!(
        reporter
            .get("/newsroom/front-page/en/versions/1")
            .await
            .status,
        StatusCode::FORBIDDEN,
        "not a reporter's to see before readers do"
    );
    s.app.settle().await;
    assert_eq!(leads(&s.app, "/en/").await, before, "not before its time");
    s.app.advance(SignedDuration::from_mins(59)).await;
    assert_eq!(
        leads(&s.app, "/en/").await,
        before,
        "still not before its time"
    );
    s.app.advance(SignedDuration::from_mins(2)).await;
    assert_eq!(leads(&s.app, "/en/").await, ["Story A"], "live once due");
    let audit = s.app.store.audit_entries(10).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "front page went live on schedule"
                && e.system.as_deref() == Some("scheduler")),
        "{audit:?}"
    );
}

#[tokio::test]
async fn a_scheduled_arrangement_may_name_an_item_still_to_come_which_shows_once_published() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let actor = s.app.actor("desk", Role::Editor).await;
    let now = s.app.now();
    // An item scheduled for two hours from now.
    let mut form = newsline::newsroom::ItemForm {
        edition: "en".into(),
        kind: "brief".into(),
        headline: "Still to come".into(),
        section: "politics".into(),
        ..Default::default()
    };
    let zone = settings_for(&s.app.db).site.time_zone;
    form.publish_at = (now + SignedDuration::from_hours(2))
        .to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let command = form
        .command(newsline::newsroom::Button::Schedule, &zone)
        .expect("a valid form");
    let coming = s
        .app
        .newsroom
        .create_item(&actor, &command)
        .await
        .expect("scheduled");
    let arrangement = Arrangement {
        lead: Some(s.en[0]),
        top: vec![coming],
        sections: Vec::new(),
    };
    let refused = s
        .app
        .newsroom
        .save_front_page(&actor, "en", 0, &arrangement, GoLive::Now)
        .await;
    assert!(refused.is_err(), "not live now with an unpublished item");
    s.app
        .newsroom
        .save_front_page(
            &actor,
            "en",
            0,
            &arrangement,
            GoLive::At(now + SignedDuration::from_hours(1)),
        )
        .await
        .expect("scheduled");
    s.app.advance(SignedDuration::from_hours(1)).await;
    assert_eq!(
        leads(&s.app, "/en/").await,
        ["Story A"],
        "only what is published shows"
    );
    s.app.advance(SignedDuration::from_hours(1)).await;
    assert_eq!(leads(&s.app, "/en/").await, ["Story A", "Still to come"]);
    let _ = editor;
}

#[tokio::test]
async fn only_editors_and_admins_may_arrange_the_front_page() {
    let s = site().await;
    let cases = [
        (Role::Admin, true),
        (Role::Editor, true),
        (Role::Reporter, false),
    ];
    for (n, (role, allowed)) in cases.into_iter().enumerate() {
        let name = format!("user{n}");
        let browser = s.app.signed_in(&name, role).await;
        let page = browser.get("/newsroom/front-page/en").await;
        let index = browser.get("/newsroom/front-page").await;
        let before = versions(&s.app, "en").await;
        let desk = browser.get("/newsroom").await;
        assert_eq!(
            desk.hrefs("nav a")
                .contains(&"/newsroom/front-page".to_owned()),
            allowed,
            "{role:?} sees the link"
        );
        let token = csrf_of(&desk);
        let version = before.to_string();
        let fields = arrangement_fields(Some(s.en[n]), &[], &[], "save");
        let saved = post_arrangement(&browser, "en", &fields, &version, &token).await;
        let preview_fields = arrangement_fields(Some(s.en[n]), &[], &[], "preview");
        let preview = post_arrangement(&browser, "en", &preview_fields, &version, &token).await;
        if allowed {
            assert_eq!(page.status, StatusCode::OK, "{role:?} opens the form");
            assert_eq!(index.status, StatusCode::OK, "{role:?} opens the list");
            assert_eq!(saved.status, StatusCode::SEE_OTHER, "{role:?} saves");
            assert_eq!(preview.status, StatusCode::OK, "{role:?} previews");
            assert_eq!(versions(&s.app, "en").await, before + 1, "{role:?}");
        } else {
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} form");
            assert_eq!(index.status, StatusCode::FORBIDDEN, "{role:?} list");
            assert_eq!(saved.status, StatusCode::FORBIDDEN, "{role:?} save");
            assert_eq!(preview.status, StatusCode::FORBIDDEN, "{role:?} preview");
            assert_eq!(versions(&s.app, "en").await, before, "{role:?}");
        }
    }
    // The system, as the scheduler acts, may; the use case asks the same rule.
    let arrangement = Arrangement {
        lead: Some(s.en[5]),
        ..Arrangement::default()
    };
    let version = versions(&s.app, "en").await as i64;
    s.app
        .newsroom
        .save_front_page(&importer(), "en", version, &arrangement, GoLive::Now)
        .await
        .expect("the system may");
    let reporter = s.app.actor("writer", Role::Reporter).await;
    assert!(matches!(
        s.app
            .newsroom
            .save_front_page(&reporter, "en", version + 1, &arrangement, GoLive::Now)
            .await,
        Err(newsline::newsroom::NewsroomError::Forbidden)
    ));
}

#[tokio::test]
async fn a_form_without_the_sessions_token_is_refused_and_nothing_is_stored() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let fields = arrangement_fields(Some(s.en[0]), &[], &[], "save");
    for token in ["", "not-the-token"] {
        let response = post_arrangement(&editor, "en", &fields, "0", token).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "token {token:?}");
    }
    let mut bad = arrangement_fields(Some(s.en[0]), &[], &[], "nonsense");
    bad.push(("version".into(), "x".into()));
    let response = post_arrangement(&editor, "en", &bad, "0", "forged").await;
    assert_eq!(
        response.status,
        StatusCode::FORBIDDEN,
        "a malformed form is refused for its token first"
    );
    assert_eq!(versions(&s.app, "en").await, 0);
}

#[tokio::test]
async fn bad_arrangements_are_refused_with_a_reason_and_nothing_is_stored() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let [a, b, ..] = s.en[..] else {
        panic!("items")
    };
    let past = (s.app.now() - SignedDuration::from_hours(1))
        .to_zoned_datetime(settings_for(&s.app.db).site.time_zone)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let with = |mut fields: Fields, extra: &[(&str, &str)]| {
        for (k, v) in extra {
            fields.retain(|(key, _)| key != k);
            fields.push(((*k).to_owned(), (*v).to_owned()));
        }
        fields
    };
    let cases: Vec<(&str, Fields, &str)> = vec![
        (
            "an unknown item",
            arrangement_fields(Some(999_999), &[], &[], "save"),
            "no item 999999",
        ),
        (
            "an item of another edition",
            arrangement_fields(Some(s.az), &[], &[], "save"),
            "in this edition",
        ),
        (
            "a section of another edition",
            arrangement_fields(None, &[], &[(s.siyaset, 2)], "save"),
            "no section",
        ),
        (
            "an unknown section",
            arrangement_fields(None, &[], &[(9_999, 2)], "save"),
            "no section",
        ),
        (
            "a block of no items",
            arrangement_fields(None, &[], &[(s.politics, 0)], "save"),
            "1 to 12 items",
        ),
        (
            "a block of too many items",
            arrangement_fields(None, &[], &[(s.politics, 13)], "save"),
            "1 to 12 items",
        ),
        (
            "the same item twice",
            arrangement_fields(Some(a), &[b, a], &[], "save"),
            "chosen twice",
        ),
        (
            "the same section twice",
            arrangement_fields(None, &[], &[(s.economy, 2), (s.economy, 3)], "save"),
            "two blocks",
        ),
        (
            "nothing at all",
            arrangement_fields(None, &[], &[], "save"),
            "choose a lead story",
        ),
        (
            "too many top stories",
            arrangement_fields(None, &(1..=13).collect::<Vec<_>>(), &[], "save"),
            "at most 12 top stories",
        ),
        (
            "no button",
            with(arrangement_fields(Some(a), &[], &[], ""), &[]),
            "choose Preview",
        ),
        (
            "no version",
            with(
                arrangement_fields(Some(a), &[], &[], "save"),
                &[("version", "")],
            ),
            "version",
        ),
        (
            "a lead that is no number",
            with(
                arrangement_fields(None, &[], &[], "save"),
                &[("lead", "first")],
            ),
            "whole number",
        ),
        (
            "a block without its count",
            with(
                arrangement_fields(None, &[], &[], "save"),
                &[("block_section", &s.politics.to_string())],
            ),
            "needs a section and a number",
        ),
        (
            "a schedule without a time",
            arrangement_fields(Some(a), &[], &[], "schedule"),
            "give the time",
        ),
        (
            "a schedule in the past",
            with(
                arrangement_fields(Some(a), &[], &[], "schedule"),
                &[("live_at", &past)],
            ),
            "in the future",
        ),
        (
            "a malformed time",
            with(
                arrangement_fields(Some(a), &[], &[], "schedule"),
                &[("live_at", "tomorrow")],
            ),
            "tomorrow",
        ),
    ];
    for (what, fields, reason) in cases {
        let response = arrange(&editor, "en", &fields).await;
        assert!(
            response.status.is_client_error(),
            "{what}: {}",
            response.status
        );
        let said = response.texts(".form-error").join(" ");
        assert!(said.contains(reason), "{what}: {said:?}");
        assert_eq!(versions(&s.app, "en").await, 0, "{what}: nothing stored");
    }
    let unknown = editor.get("/newsroom/front-page/xx").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_second_editor_saving_from_the_same_version_gets_a_conflict_not_an_overwrite() {
    let s = site().await;
    let first = s.app.signed_in("first", Role::Editor).await;
    let second = s.app.signed_in("second", Role::Editor).await;
    let first_page = first.get("/newsroom/front-page/en").await;
    let second_page = second.get("/newsroom/front-page/en").await;
    let saved = post_arrangement(
        &first,
        "en",
        &arrangement_fields(Some(s.en[0]), &[], &[], "save"),
        &input_value(&first_page, "version"),
        &csrf_of(&first_page),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let conflict = post_arrangement(
        &second,
        "en",
        &arrangement_fields(Some(s.en[1]), &[], &[], "save"),
        &input_value(&second_page, "version"),
        &csrf_of(&second_page),
    )
    .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(
        conflict
            .texts(".form-error")
            .join(" ")
            .contains("someone else saved"),
        "{}",
        conflict.body
    );
    assert_eq!(
        input_value(&conflict, "version"),
        "1",
        "the form now carries the version to save over"
    );
    s.app.settle().await;
    assert_eq!(leads(&s.app, "/en/").await, ["Story A"], "the first stays");
    assert_eq!(versions(&s.app, "en").await, 1);
}

#[tokio::test]
async fn going_live_purges_that_editions_home_page_and_no_other_page() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let pages = ["/en/", "/az/", "/en/politics", "/en/news"];
    for path in pages {
        s.app.get(path).await;
        assert_eq!(s.app.get(path).await.header("x-cache"), "hit", "{path}");
    }
    let saved = arrange(
        &editor,
        "en",
        &arrangement_fields(Some(s.en[0]), &[], &[], "save"),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    s.app.settle().await;
    let home = s.app.get("/en/").await;
    assert_eq!(
        home.header("x-cache"),
        "miss",
        "the arranged home is purged"
    );
    assert_eq!(home.texts(".leads a.headline"), ["Story A"]);
    for path in ["/az/", "/en/politics", "/en/news"] {
        assert_eq!(
            s.app.get(path).await.header("x-cache"),
            "hit",
            "{path} stays cached"
        );
    }
}

#[tokio::test]
async fn the_breaking_strip_shows_a_fresh_breaking_item_until_it_goes_stale() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("Earthquake hits the coast", "publish");
    fields.push(("breaking", "true"));
    create(&editor, &fields).await;
    create(
        &editor,
        &article_fields("Calm day in parliament", "publish"),
    )
    .await;
    app.settle().await;
    let strip = |page: &Fetched| page.texts(".breaking-strip li a");
    let home = app.get("/en/").await;
    assert_eq!(strip(&home), ["Earthquake hits the coast"]);
    assert_eq!(app.get("/en/").await.header("x-cache"), "hit");
    app.advance(SignedDuration::from_hours(2) - SignedDuration::from_secs(1))
        .await;
    assert_eq!(
        strip(&app.get("/en/").await),
        ["Earthquake hits the coast"],
        "fresh for two hours"
    );
    app.advance(SignedDuration::from_secs(1)).await;
    let stale = app.get("/en/").await;
    assert!(strip(&stale).is_empty(), "gone after two hours");
    assert_eq!(stale.header("x-cache"), "miss", "the cached page expired");
    assert!(stale.texts(".breaking-strip").is_empty());
}

#[tokio::test]
async fn how_long_breaking_news_stays_fresh_is_a_setting() {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.set("front_page.breaking_fresh_for_mins", "30")
            .expect("a valid setting");
    })
    .await;
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: Vec::new(),
    })
    .await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("Storm warning", "publish");
    fields.push(("breaking", "true"));
    create(&editor, &fields).await;
    app.settle().await;
    assert_eq!(
        app.get("/en/").await.texts(".breaking-strip li a"),
        ["Storm warning"]
    );
    app.advance(SignedDuration::from_mins(30)).await;
    assert!(
        app.get("/en/")
            .await
            .texts(".breaking-strip li a")
            .is_empty()
    );
}

#[tokio::test]
async fn every_node_shows_a_new_arrangement() {
    let s = site().await;
    let other = s.app.another_node().await;
    assert_eq!(other.get("/en/").await.status, StatusCode::OK);
    other.get("/en/").await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let saved = arrange(
        &editor,
        "en",
        &arrangement_fields(Some(s.en[2]), &[s.en[0]], &[], "save"),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    s.app.settle().await;
    other.settle().await;
    for node in [&s.app, &other] {
        assert_eq!(leads(node, "/en/").await, ["Story C", "Story A"]);
    }
    // A node started afterwards loads it with everything else.
    let third = s.app.another_node().await;
    assert_eq!(leads(&third, "/en/").await, ["Story C", "Story A"]);
}

#[tokio::test]
async fn the_lead_story_shows_its_image_with_srcset_sizes_and_alt_text() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let uploaded = upload(&editor, png(1600, 900), "hall.png", "Delegates in the hall").await;
    assert!(uploaded.status.is_success() || uploaded.status.is_redirection());
    s.app.settle().await;
    let media = s
        .app
        .store
        .media(i64::MAX)
        .await
        .expect("media")
        .into_iter()
        .next()
        .expect("the upload");
    let mut fields = article_fields("Summit opens", "publish");
    let media_id = media.id.to_string();
    fields.push(("lead_media", &media_id));
    let id = create(&editor, &fields).await;
    s.app.settle().await;
    let saved = arrange(
        &editor,
        "en",
        &arrangement_fields(Some(id), &[], &[], "save"),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    s.app.settle().await;
    let home = s.app.get("/en/").await;
    let html = home.html();
    let img = html
        .select(&scraper::Selector::parse(".lead-story img").expect("selector"))
        .next()
        .expect("the lead image");
    let attr = |name: &str| img.value().attr(name).unwrap_or_default().to_owned();
    assert!(attr("srcset").contains(" 1600w"), "{}", attr("srcset"));
    assert!(!attr("sizes").is_empty());
    assert_eq!(attr("width"), "1600");
    assert_eq!(attr("height"), "900");
    assert_eq!(attr("alt"), "Delegates in the hall");
}

#[tokio::test]
async fn a_change_to_an_item_no_section_block_reaches_leaves_the_home_page_cached() {
    let app = TestApp::spawn().await;
    let mut batch = vec![brief("Long ago", "politics", "2020-01-01T10:00:00Z")];
    // Beyond the news line's forty too.
    for i in 0..45 {
        batch.push(brief(
            &format!("Politics {i}"),
            "politics",
            &format!("2025-05-21T10:{i:02}:00Z"),
        ));
    }
    let old = app.file(filings(batch)).await[0].id();
    let actor = app.actor("editor", Role::Editor).await;
    app.get("/en/").await;
    assert_eq!(app.get("/en/").await.header("x-cache"), "hit");
    app.newsroom
        .add_correction(&actor, old, "The year was wrong.")
        .await
        .expect("corrected");
    app.settle().await;
    assert_eq!(
        app.get("/en/").await.header("x-cache"),
        "hit",
        "the oldest of 46 is in no block"
    );
    let recent = app.read.snapshot().in_section(
        "en",
        app.read
            .snapshot()
            .section_by_slug("en", "politics")
            .expect("politics")
            .id,
    )[0]
    .id;
    app.newsroom
        .add_correction(&actor, recent, "A name was misspelt.")
        .await
        .expect("corrected");
    app.settle().await;
    assert_eq!(
        app.get("/en/").await.header("x-cache"),
        "miss",
        "the newest is in the politics block"
    );
}

#[tokio::test]
async fn marking_an_item_breaking_purges_the_home_page_even_when_nothing_else_on_it_shows_it() {
    let s = site().await;
    let editor = s.app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("Quiet story turns urgent", "publish");
    fields.retain(|(k, _)| *k != "section");
    fields.push(("section", "economy"));
    let id = create(&editor, &fields).await;
    // Forty-one newer items push it off the news line; the arranged front has no block.
    s.app.advance(SignedDuration::from_mins(1)).await;
    let now = s.app.now();
    let newer: Vec<_> = (0..41)
        .map(|i| {
            let at = (now - SignedDuration::from_secs(i)).to_string();
            brief(&format!("Newer {i}"), "politics", &at)
        })
        .collect();
    s.app.file(filings(newer)).await;
    let saved = arrange(
        &editor,
        "en",
        &arrangement_fields(Some(s.en[0]), &[], &[], "save"),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    s.app.settle().await;
    s.app.get("/en/").await;
    assert_eq!(s.app.get("/en/").await.header("x-cache"), "hit");
    fields.push(("breaking", "true"));
    let flagged = crate::newsroom::save(&editor, id, &fields, "save").await;
    assert_eq!(flagged.status, StatusCode::SEE_OTHER, "{}", flagged.body);
    s.app.settle().await;
    assert_eq!(
        s.app.get("/en/").await.texts(".breaking-strip li a"),
        ["Quiet story turns urgent"]
    );
}
