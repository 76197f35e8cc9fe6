//! The desk narrowed by edition, section, author, status and day, each list in the
//! order of the time that matters for it, and a filter naming nothing refused.

use newsline::domain::Role;
use newsline::newsroom::{Batch, Filing};
use reqwest::StatusCode;

use crate::support::*;

async fn site() -> TestApp {
    let app = TestApp::spawn().await;
    let in_az = |mut filing: Filing| {
        filing.edition = "az".into();
        filing
    };
    app.file(Batch {
        editions: vec![edition("en", "Test News"), edition("az", "Xəbərlər")],
        sections: vec![
            ("en".into(), "politics".into(), "Politics".into()),
            ("en".into(), "economy".into(), "Economy".into()),
            ("az".into(), "siyaset".into(), "Siyasət".into()),
        ],
        filings: vec![
            article(
                "Ministers meet",
                "politics",
                "2025-05-20T10:00:00Z",
                &["Ayla Karimova"],
            ),
            article(
                "Budget passes",
                "economy",
                "2025-05-21T10:00:00Z",
                &["Ayla Karimova"],
            ),
            article(
                "Prices rise",
                "economy",
                "2025-05-22T10:00:00Z",
                &["Orxan Aliyev"],
            ),
            in_az(article(
                "Nazirlər görüşdü",
                "siyaset",
                "2025-05-21T12:00:00Z",
                &["Orxan Aliyev"],
            )),
        ],
    })
    .await;
    app
}

/// The headlines of the desk's published list at `query`.
async fn published(editor: &Browser, query: &str) -> Vec<String> {
    let page = editor.get(&format!("/newsroom{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
    page.texts("section[aria-labelledby=list-published] tbody td:first-child > a:first-child")
}

#[tokio::test]
async fn the_desk_filters_by_edition_section_author_status_and_day() {
    let app = site().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    assert_eq!(
        published(&editor, "").await,
        [
            "Prices rise",
            "Nazirlər görüşdü",
            "Budget passes",
            "Ministers meet"
        ]
    );
    for (query, expected) in [
        ("?edition=az", vec!["Nazirlər görüşdü"]),
        (
            "?edition=en",
            vec!["Prices rise", "Budget passes", "Ministers meet"],
        ),
        ("?section=en/economy", vec!["Prices rise", "Budget passes"]),
        (
            "?author=ayla-karimova",
            vec!["Budget passes", "Ministers meet"],
        ),
        ("?author=orxan-aliyev&edition=en", vec!["Prices rise"]),
        (
            "?from=2025-05-21&to=2025-05-21",
            vec!["Nazirlər görüşdü", "Budget passes"],
        ),
        ("?from=2025-05-22", vec!["Prices rise"]),
        ("?status=published&to=2025-05-20", vec!["Ministers meet"]),
        ("?status=draft", vec![]),
        (
            "?edition=&section=&author=&status=&from=&to=",
            vec![
                "Prices rise",
                "Nazirlər görüşdü",
                "Budget passes",
                "Ministers meet",
            ],
        ),
    ] {
        assert_eq!(published(&editor, query).await, expected, "{query}");
    }
    // The form shows the filter chosen.
    let page = editor.get("/newsroom?section=en/economy").await;
    assert_eq!(page.texts("#f-section option[selected]"), ["Economy (en)"]);

    for (query, field) in [
        ("?edition=xx", "edition"),
        ("?section=en/nowhere", "section"),
        ("?author=nobody", "author"),
        ("?status=lost", "status"),
        ("?from=21.05.2025", "from"),
        ("?to=2025-02-30", "to"),
    ] {
        let refused = editor.get(&format!("/newsroom{query}")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(refused.body.contains(field), "{query}: {}", refused.body);
        assert_eq!(refused.texts(".newsroom-error").len(), 1, "{query}");
    }
}

#[tokio::test]
async fn the_published_pages_keep_the_filter() {
    let app = TestApp::spawn().await;
    let stories: Vec<_> = (1..=40)
        .map(|n| {
            let section = if n % 2 == 0 { "politics" } else { "economy" };
            let at = format!("2025-05-01T{:02}:{:02}:00Z", 8 + n / 60, n % 60);
            brief(&format!("Story {n:02}"), section, &at)
        })
        .collect();
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![
            ("en".into(), "politics".into(), "Politics".into()),
            ("en".into(), "economy".into(), "Economy".into()),
        ],
        filings: stories,
    })
    .await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let first = editor.get("/newsroom?section=en%2Fpolitics").await;
    let next = first.hrefs("section[aria-labelledby=list-published] a[rel=next]");
    assert!(next.is_empty(), "twenty fit on one page: {next:?}");
    let all = editor.get("/newsroom").await;
    let next = all.hrefs("section[aria-labelledby=list-published] a[rel=next]");
    assert_eq!(next, ["/newsroom?page=2#list-published"]);
    let filtered = editor
        .get("/newsroom?status=published&from=2025-05-01")
        .await;
    let next = filtered.hrefs("section[aria-labelledby=list-published] a[rel=next]");
    assert_eq!(
        next,
        ["/newsroom?page=2&status=published&from=2025-05-01#list-published"]
    );
    let second = editor.get(&next[0]).await;
    assert_eq!(
        second
            .texts("section[aria-labelledby=list-published] tbody td:first-child > a:first-child")
            .len(),
        10
    );
    assert!(
        second
            .texts("section[aria-labelledby=list-drafts] tbody tr")
            .is_empty()
    );
}

/// A site with a reporter and an editor, and the byline and tag the reporter's
/// stories name (which only an editor may add).
async fn newsroom() -> (TestApp, Browser, Browser) {
    let app = TestApp::spawn().await;
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let editor = app.signed_in("editor", Role::Editor).await;
    crate::newsroom::create(
        &editor,
        &crate::newsroom::article_fields("An earlier story", "save"),
    )
    .await;
    (app, reporter, editor)
}

/// The desk's rows in the list `id`, each row's text.
async fn rows_of(browser: &Browser, list: &str) -> Vec<String> {
    let page = browser.get("/newsroom").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.texts(&format!("section[aria-labelledby=list-{list}] tbody tr"))
}

#[tokio::test]
async fn a_note_sent_with_submit_and_with_back_to_draft_reaches_the_other_side() {
    let (_app, reporter, editor) = newsroom().await;
    let fields = crate::newsroom::article_fields("Harbour reopens", "save");
    let id = crate::newsroom::create(&reporter, &fields).await;
    let editor_path = format!("/newsroom/items/{id}");

    // Markup in a note is text, never HTML.
    let asked = "Is the <b>quote</b> on the record?\nCheck with the port.";
    // As a page's text reads it, the line break one space.
    let shown = "Is the <b>quote</b> on the record? Check with the port.";
    let mut with_note = fields.clone();
    with_note.push(("note", asked));
    let submitted = crate::newsroom::save(&reporter, id, &with_note, "submit").await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );

    let review = rows_of(&editor, "review").await;
    assert_eq!(review.len(), 1);
    assert!(review[0].contains("Harbour reopens"), "{review:?}");
    assert!(review[0].contains(shown), "{review:?}");
    let page = editor.get(&editor_path).await;
    assert_eq!(page.texts(".hand-over .desk-note"), [shown]);
    assert!(!page.body.contains("<b>quote</b>"), "{}", page.body);
    assert!(
        page.texts(".hand-over strong")
            .concat()
            .contains("reporter name")
    );

    let answer = "The quote needs a second source.";
    let mut returned = fields.clone();
    returned.push(("note", answer));
    let sent_back = crate::newsroom::save(&editor, id, &returned, "draft").await;
    assert_eq!(
        sent_back.status,
        StatusCode::SEE_OTHER,
        "{}",
        sent_back.body
    );
    let drafts = rows_of(&reporter, "drafts").await;
    assert!(drafts[0].contains(answer), "{drafts:?}");
    assert!(drafts[0].contains("editor name"), "{drafts:?}");
    let page = reporter.get(&editor_path).await;
    assert_eq!(page.texts(".hand-over .desk-note"), [answer]);

    // A save without a step keeps no note, and the hand-over's stays in view.
    let mut ignored = fields.clone();
    ignored.push(("note", "not sent"));
    crate::newsroom::save(&reporter, id, &ignored, "save").await;
    let page = reporter.get(&editor_path).await;
    assert_eq!(page.texts(".hand-over .desk-note"), [answer]);

    // Once the item moves on, its editor page no longer shows the hand-over's note.
    let published = crate::newsroom::save(&editor, id, &fields, "publish").await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert!(
        editor
            .get(&editor_path)
            .await
            .texts(".hand-over")
            .is_empty()
    );

    let history = editor.get(&format!("{editor_path}/history")).await;
    let notes = history.texts(".hand-over-notes tbody tr");
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("editor name") && notes[0].contains(answer));
    assert!(notes[1].contains("reporter name") && notes[1].contains(shown));
}

#[tokio::test]
async fn a_note_too_long_is_refused_with_every_typed_word_kept_and_nothing_changes() {
    let (app, reporter, _) = newsroom().await;
    let fields = crate::newsroom::article_fields("Harbour reopens", "save");
    let id = crate::newsroom::create(&reporter, &fields).await;
    let before = app.store.primary().last_seq().await.expect("seq");
    let long = format!("{} end", "word ".repeat(200));
    let mut typed = fields.clone();
    typed.retain(|(k, _)| *k != "headline");
    typed.push(("headline", "Harbour reopens at dawn"));
    typed.push(("note", &long));
    let refused = crate::newsroom::save(&reporter, id, &typed, "submit").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let collapsed = long.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(refused.texts("#desk-note"), [collapsed]);
    assert!(refused.body.contains(&long), "every space kept too");
    assert_eq!(input_value(&refused, "headline"), "Harbour reopens at dawn");
    assert_eq!(refused.texts("#note-error").len(), 1, "{}", refused.body);
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    assert_eq!(item.status, newsline::domain::Status::Draft);
    assert_eq!(item.headline, "Harbour reopens");

    // At the limit it goes.
    let mut at_limit = fields.clone();
    let most = "n".repeat(1000);
    at_limit.push(("note", &most));
    let sent = crate::newsroom::save(&reporter, id, &at_limit, "submit").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
}

/// The badge beside the heading of the desk's list `list`, if it shows one.
fn badge(page: &Fetched, list: &str) -> Vec<String> {
    page.texts(&format!("#list-{list} .desk-news"))
}

/// Headlines of the rows marked new in the desk's list `list`.
fn marked(page: &Fetched, list: &str) -> Vec<String> {
    page.texts(&format!(
        "section[aria-labelledby=list-{list}] tr.new-since td:first-child > a:not(.edit)"
    ))
}

#[tokio::test]
async fn desk_badges_count_what_is_new_since_the_last_look_and_clear_on_the_next() {
    let (app, reporter, editor) = newsroom().await;
    let minute = jiff::SignedDuration::from_mins(1);
    let fields = crate::newsroom::article_fields("Harbour reopens", "save");
    let id = crate::newsroom::create(&reporter, &fields).await;
    let other = crate::newsroom::create(
        &reporter,
        &crate::newsroom::article_fields("Ferry returns", "save"),
    )
    .await;
    // The first look counts nothing: there is no earlier one.
    for browser in [&reporter, &editor] {
        let page = browser.get("/newsroom").await;
        assert!(page.texts(".desk-news").is_empty(), "{}", page.body);
    }

    app.advance(minute).await;
    crate::newsroom::save(&reporter, id, &fields, "submit").await;
    crate::newsroom::save(
        &reporter,
        other,
        &crate::newsroom::article_fields("Ferry returns", "save"),
        "submit",
    )
    .await;
    app.advance(minute).await;
    let page = editor.get("/newsroom").await;
    assert_eq!(badge(&page, "review"), ["2 new since your last visit"]);
    assert_eq!(marked(&page, "review").len(), 2);
    // The submitter's own step is no news to them.
    let page = reporter.get("/newsroom").await;
    assert!(page.texts(".desk-news").is_empty(), "{}", page.body);
    // Looked at, it is gone, with no time passing.
    let page = editor.get("/newsroom").await;
    assert!(badge(&page, "review").is_empty(), "{}", page.body);
    assert!(marked(&page, "review").is_empty());

    app.advance(minute).await;
    crate::newsroom::save(&editor, id, &fields, "draft").await;
    crate::newsroom::save(
        &editor,
        other,
        &crate::newsroom::article_fields("Ferry returns", "save"),
        "publish",
    )
    .await;
    app.advance(minute).await;
    let page = reporter.get("/newsroom").await;
    assert_eq!(badge(&page, "drafts"), ["1 new since your last visit"]);
    assert_eq!(marked(&page, "drafts"), ["Harbour reopens"]);
    assert_eq!(badge(&page, "published"), ["1 new since your last visit"]);
    assert_eq!(marked(&page, "published"), ["Ferry returns"]);
    // Editors count what went out too, but not what they sent back themselves.
    let page = editor.get("/newsroom").await;
    assert_eq!(badge(&page, "published"), ["1 new since your last visit"]);
    assert!(badge(&page, "drafts").is_empty());
    assert!(badge(&page, "review").is_empty());
    let page = reporter.get("/newsroom").await;
    assert!(page.texts(".desk-news").is_empty(), "{}", page.body);
    assert!(page.texts("tr.new-since").is_empty());
}

#[tokio::test]
async fn the_navigations_desk_link_counts_what_is_new_until_the_desk_is_looked_at() {
    let (app, reporter, editor) = newsroom().await;
    let fields = crate::newsroom::article_fields("Harbour reopens", "save");
    let id = crate::newsroom::create(&reporter, &fields).await;
    editor.get("/newsroom").await;
    app.advance(jiff::SignedDuration::from_mins(1)).await;
    crate::newsroom::save(&reporter, id, &fields, "submit").await;
    app.advance(jiff::SignedDuration::from_mins(1)).await;
    // Another page of the newsroom shows the count and leaves the mark where it is.
    for _ in 0..2 {
        let page = editor.get("/newsroom/sections").await;
        assert_eq!(
            page.texts(".desk-nav-news [aria-hidden=true]"),
            ["1"],
            "{}",
            page.body
        );
    }
    let desk = editor.get("/newsroom").await;
    assert_eq!(desk.texts(".desk-nav-news [aria-hidden=true]"), ["1"]);
    let after = editor.get("/newsroom/sections").await;
    assert!(after.texts(".desk-nav-news").is_empty(), "{}", after.body);
}

#[tokio::test]
async fn stories_that_expire_are_listed_soonest_first_with_their_withdrawal_time() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let local_in = |minutes: i64| {
        (app.now() + jiff::SignedDuration::from_mins(minutes))
            .to_zoned_datetime(zone.clone())
            .strftime("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let (in_10, in_30, in_60) = (local_in(10), local_in(30), local_in(60));
    for (headline, until) in [
        ("Gone in half an hour", Some(&in_30)),
        ("Stays up", None),
        ("Gone in ten minutes", Some(&in_10)),
        ("Gone in an hour", Some(&in_60)),
    ] {
        let mut fields = crate::newsroom::article_fields(headline, "publish");
        if let Some(until) = until {
            fields.push(("unpublish_at", until));
        }
        crate::newsroom::create(&editor, &fields).await;
    }
    let page = editor.get("/newsroom").await;
    let list = "section[aria-labelledby=list-expiring] tbody tr";
    let headlines = page.texts(&format!("{list} td:first-child > a:first-child"));
    assert_eq!(
        headlines,
        [
            "Gone in ten minutes",
            "Gone in half an hour",
            "Gone in an hour"
        ]
    );
    let shown = page.texts(&format!("{list} .withdraws"));
    assert_eq!(shown.len(), 3);
    assert!(
        shown[0].contains(&in_10.replacen('T', " ", 1)[11..]),
        "{shown:?}"
    );
    // The filter narrows it like every list.
    let other = editor.get("/newsroom?status=draft").await;
    assert!(other.texts(list).is_empty());
}
