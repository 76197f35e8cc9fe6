//! Search: relevance in four languages, live updates on every node, the rebuild of a
//! lost index, the newsroom's visibility rules, and input that must never fail.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use newsline::domain::{ItemKind, Role};
use newsline::newsroom::{Batch, Button, Filing, ItemForm, SectionRef};
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::*;

/// When every test item went out: all equally fresh, so ranking is by text alone.
const AT: &str = "2025-05-21T10:00:00Z";

fn story(edition: &str, section: &str, headline: &str, body: &str, authors: &[&str]) -> Filing {
    Filing {
        kind: ItemKind::Article,
        body: body.into(),
        authors: if authors.is_empty() {
            vec!["Desk Staff".into()]
        } else {
            authors.iter().map(|a| a.to_string()).collect()
        },
        edition: edition.into(),
        section: SectionRef::Slug(section.into()),
        ..Filing::brief(edition, SectionRef::Slug(section.into()), headline, at())
    }
}

fn at() -> Timestamp {
    AT.parse().expect("valid time")
}

/// A site in four languages with a small fixed corpus.
async fn corpus() -> TestApp {
    let app = TestApp::spawn().await;
    app.file(Batch {
        editions: vec![
            edition("az", "Xəbər"),
            edition("tr", "Haber"),
            edition("ru", "Новости"),
        ],
        sections: vec![
            ("az".into(), "siyaset".into(), "Siyasət".into()),
            ("tr".into(), "gundem".into(), "Gündem".into()),
            ("ru".into(), "politika".into(), "Политика".into()),
        ],
        filings: vec![
            story(
                "az",
                "siyaset",
                "Azərbaycan və Türkiyə hərbi əməkdaşlığı müzakirə edib",
                "Yaşar Güler Bakıda görüşlər keçirib.",
                &["Mədinə Məmmədova"],
            ),
            story(
                "az",
                "siyaset",
                "Bakıda yeni park açılıb",
                "Şəhər sakinləri parkı ziyarət edib.",
                &[],
            ),
            story(
                "tr",
                "gundem",
                "Türkiye ile yeni anlaşma",
                "Milli Savunma Bakanı Yaşar Güler açıklama yaptı.",
                &[],
            ),
            story(
                "tr",
                "gundem",
                "Turkiye ile yeni ortaklık",
                "Bakanlık açıklama yaptı.",
                &[],
            ),
            story(
                "tr",
                "gundem",
                "İstanbul'da büyük kar yağışı",
                "Şehirde ulaşım aksadı.",
                &[],
            ),
            story(
                "ru",
                "politika",
                "Выборы в парламент пройдут осенью",
                "Центризбирком назвал дату.",
                &[],
            ),
            story(
                "ru",
                "politika",
                "Москва принимает форум",
                "Форум соберёт экспертов.",
                &[],
            ),
            story(
                "en",
                "politics",
                "Parliament elections set for autumn",
                "The commission named the date.",
                &["Jane Doe"],
            ),
            story(
                "en",
                "economy",
                "Football club wins the cup in Baku",
                "Azerbaijan celebrates.",
                &[],
            ),
            story(
                "en",
                "politics",
                "Azerbaijan and Georgia deepen military ties",
                "Officials met in Tbilisi.",
                &[],
            ),
            story(
                "en",
                "politics",
                "Military experts say ties will deepen",
                "Analysts comment.",
                &[],
            ),
        ],
    })
    .await;
    app.settle_search().await;
    app
}

/// The JSON answer of a search in `edition` with these parameters.
async fn search_json(app: &TestApp, edition: &str, params: &[(&str, &str)]) -> Value {
    let response = app
        .client
        .get(format!("{}/{edition}/search.json", app.address))
        .query(params)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK, "{params:?}");
    serde_json::from_str(&response.text().await.expect("body")).expect("json")
}

/// The headlines a search finds, in order.
async fn found(app: &TestApp, edition: &str, q: &str) -> Vec<String> {
    headlines(&search_json(app, edition, &[("q", q)]).await)
}

fn headlines(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["headline"].as_str().expect("headline").to_owned())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn azerbaijani_and_turkish_are_found_without_diacritics_and_by_turkic_case_rules() {
    let app = corpus().await;
    let first = "Azərbaycan və Türkiyə hərbi əməkdaşlığı müzakirə edib";
    for q in [
        "azerbaycan",
        "AZƏRBAYCAN",
        "turkiye",
        "herbi emekdasligi",
        "yasar guler",
        "Yaşar Güler",
    ] {
        assert_eq!(found(&app, "az", q).await, [first], "az: {q}");
    }
    assert_eq!(
        found(&app, "az", "bakida park").await,
        ["Bakıda yeni park açılıb"]
    );
    // A capital I typed on a plain keyboard is dotless in Turkish, and still finds İ.
    for q in ["istanbul", "ISTANBUL", "İSTANBUL", "İstanbul'da"] {
        assert_eq!(
            found(&app, "tr", q).await,
            ["İstanbul'da büyük kar yağışı"],
            "tr: {q}"
        );
    }
    assert_eq!(
        found(&app, "tr", "yasar guler").await,
        ["Türkiye ile yeni anlaşma"]
    );
    // Both spellings match; the exact one ranks first, whichever was typed.
    assert_eq!(
        found(&app, "tr", "Türkiye").await,
        ["Türkiye ile yeni anlaşma", "Turkiye ile yeni ortaklık"]
    );
    assert_eq!(
        found(&app, "tr", "turkiye").await,
        ["Turkiye ile yeni ortaklık", "Türkiye ile yeni anlaşma"]
    );
    // The same with more words, where each word's exact form is an optional boost.
    assert_eq!(
        found(&app, "tr", "Türkiye ile yeni").await,
        ["Türkiye ile yeni anlaşma", "Turkiye ile yeni ortaklık"]
    );
    assert_eq!(
        found(&app, "tr", "yeni turkiye").await,
        ["Turkiye ile yeni ortaklık", "Türkiye ile yeni anlaşma"]
    );
    // Editions keep to their own items, though az and tr share the analyzers.
    assert!(found(&app, "tr", "azerbaycan hərbi").await.is_empty());
}

#[tokio::test]
async fn russian_and_english_match_any_word_form() {
    let app = corpus().await;
    let elections = ["Выборы в парламент пройдут осенью"];
    for q in ["выборов", "выборы", "парламента", "ПАРЛАМЕНТЕ"] {
        assert_eq!(found(&app, "ru", q).await, elections, "ru: {q}");
    }
    for q in ["election", "Elections", "PARLIAMENTS"] {
        assert_eq!(
            found(&app, "en", q).await,
            ["Parliament elections set for autumn"],
            "en: {q}"
        );
    }
}

/// Where a word stands weighs: the headline above the standfirst, the standfirst above
/// the body and the names on the story (a tag here), which count as the body does.
/// Each story holds the word once and is as fresh as the others, so only its place
/// orders them; the story with the word in its body is the shortest, so that by text
/// alone it would lead.
#[tokio::test]
async fn a_word_in_the_headline_ranks_above_the_standfirst_and_the_body() {
    let app = TestApp::spawn().await;
    let filler = "Officials met on Tuesday and spoke about the budget for next year.";
    let in_body = story(
        "en",
        "politics",
        "Ministers meet",
        "Saffron came up.",
        &["Leyla Aliyeva"],
    );
    let mut in_dek = story("en", "politics", "A report on the regions", filler, &[]);
    in_dek.dek = Some("Farmers expect a saffron record".into());
    let in_headline = story("en", "politics", "Saffron prices climb", filler, &[]);
    let mut in_tag = story("en", "politics", "Markets open the week", filler, &[]);
    in_tag.tags = vec!["Saffron".into()];
    app.file(Batch {
        filings: vec![in_body, in_tag, in_dek, in_headline],
        ..Batch::default()
    })
    .await;
    app.settle_search().await;
    let order = found(&app, "en", "saffron").await;
    assert_eq!(
        order[..2],
        ["Saffron prices climb", "A report on the regions"],
        "{order:?}"
    );
    assert_eq!(
        sorted(order[2..].to_vec()),
        ["Markets open the week", "Ministers meet"],
        "{order:?}"
    );
    // A byline and a word of the text match together.
    assert_eq!(
        found(&app, "en", "saffron aliyeva").await,
        ["Ministers meet"]
    );
    // A phrase is weighed by where it stands too.
    assert_eq!(
        found(&app, "en", r#""saffron prices""#).await,
        ["Saffron prices climb"]
    );
    assert_eq!(
        found(&app, "en", "saffron -prices").await[0],
        "A report on the regions"
    );
}

#[tokio::test]
async fn phrases_exclusions_filters_and_misspellings() {
    let app = corpus().await;
    let ties = "Azerbaijan and Georgia deepen military ties";
    let experts = "Military experts say ties will deepen";
    assert_eq!(found(&app, "en", r#""deepen military ties""#).await, [ties]);
    assert_eq!(
        sorted(found(&app, "en", "deepen military ties").await),
        sorted(vec![ties.into(), experts.into()])
    );
    assert_eq!(
        sorted(found(&app, "en", "azerbaijan").await),
        sorted(vec![
            ties.into(),
            "Football club wins the cup in Baku".into()
        ])
    );
    assert_eq!(found(&app, "en", "azerbaijan -football").await, [ties]);
    assert_eq!(
        found(&app, "en", "azerbaijan section:economy").await,
        ["Football club wins the cup in Baku"]
    );
    let by_author = search_json(&app, "en", &[("q", ""), ("author", "jane-doe")]).await;
    assert_eq!(
        headlines(&by_author),
        ["Parliament elections set for autumn"]
    );
    assert_eq!(
        found(&app, "en", "author:jane-doe").await,
        ["Parliament elections set for autumn"]
    );
    // A misspelt word finds nothing and is offered respelt.
    let answer = search_json(&app, "en", &[("q", "azerbaijn")]).await;
    assert!(headlines(&answer).is_empty());
    assert_eq!(answer["did_you_mean"], "azerbaijan");
    let answer = search_json(&app, "az", &[("q", "azerbaycna")]).await;
    assert_eq!(answer["did_you_mean"], "azərbaycan");
    let page = app.get("/en/search?q=parliment+elections").await;
    assert_eq!(page.texts(".did-you-mean a"), ["parliament elections"]);
    // Completions while typing, as written.
    let words: Vec<String> =
        serde_json::from_str(&app.get("/az/search/suggest?q=az").await.body).expect("json");
    assert_eq!(words, ["azərbaycan"]);
    // Azerbaijani and Turkish share their fields, not their completions.
    let suggest = |edition: &'static str, typed: &'static str| {
        let app = &app;
        async move {
            let path = format!("/{edition}/search/suggest?q={typed}");
            serde_json::from_str::<Vec<String>>(&app.get(&path).await.body).expect("json")
        }
    };
    assert_eq!(suggest("az", "ba").await, ["bakıda"]);
    assert_eq!(suggest("tr", "ba").await, Vec::<String>::new());
    assert_eq!(suggest("tr", "bu").await, ["büyük"]);
    assert_eq!(suggest("az", "bu").await, Vec::<String>::new());
}

#[tokio::test]
async fn the_page_shows_highlighted_results_and_an_empty_query_the_latest_items() {
    let app = corpus().await;
    let page = app.get("/en/search?q=military").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("cache-control").contains("no-cache"));
    assert_eq!(
        page.texts(".search-results mark")[0].to_lowercase(),
        "military"
    );
    assert!(
        page.texts(".search-results .meta")
            .iter()
            .all(|m| m.contains("Politics"))
    );
    // Every page has the search box, a real form that works without script.
    let home = app.get("/en/").await;
    let html = home.html();
    let form = scraper::Selector::parse(
        "form[role=search][action='/en/search'] input[type=search][name=q]",
    )
    .expect("selector");
    assert_eq!(html.select(&form).count(), 1);
    // No words: the latest items, newest first.
    let latest = search_json(&app, "en", &[("q", "")]).await;
    assert_eq!(headlines(&latest).len(), 4);
    // Date range and sort.
    let none = search_json(&app, "en", &[("q", "military"), ("from", "2025-05-22")]).await;
    assert!(headlines(&none).is_empty());
    let day = search_json(
        &app,
        "en",
        &[
            ("q", "military"),
            ("from", "2025-05-21"),
            ("to", "2025-05-21"),
            ("sort", "newest"),
        ],
    )
    .await;
    assert_eq!(headlines(&day).len(), 2);
}

#[tokio::test]
async fn pages_of_results_follow_each_other() {
    let app = TestApp::spawn().await;
    let filings = (0..45)
        .map(|n| {
            let mut f = brief(&format!("Harvest report number {n}"), "economy", AT);
            f.published_at = at() + jiff::SignedDuration::from_mins(n);
            f
        })
        .collect();
    app.file(filings_batch(filings)).await;
    app.settle_search().await;
    let mut seen = Vec::new();
    for page in ["1", "2", "3"] {
        let answer = search_json(
            &app,
            "en",
            &[("q", "harvest"), ("sort", "newest"), ("page", page)],
        )
        .await;
        seen.extend(headlines(&answer));
        assert_eq!(answer["more"], page != "3");
    }
    assert_eq!(seen.len(), 45);
    assert_eq!(seen[0], "Harvest report number 44");
    let page = app.get("/en/search?q=harvest&page=2").await;
    assert_eq!(page.hrefs("a[rel=next]"), ["/en/search?q=harvest&page=3"]);
    assert_eq!(page.hrefs("a[rel=prev]"), ["/en/search?q=harvest"]);
}

/// Ranked by relevance with freshness, paging on through every page shows every
/// match exactly once.
#[tokio::test]
async fn paging_through_relevance_shows_every_match_once() {
    let app = TestApp::spawn().await;
    let now = app.now();
    let filings = (0..130)
        .map(|n| {
            // Equal matches, filed in turn, half of them a week old and half fresh:
            // the order by text alone (filing order) and the order with freshness
            // disagree all along the list.
            let (headline, hours) = if n % 2 == 0 {
                (format!("Harvest tally {n}"), 24 * 7 + n)
            } else {
                (format!("Harvest count {n}"), n / 4)
            };
            let mut f = brief(&headline, "economy", AT);
            f.body = "A big harvest.".into();
            f.published_at = now - jiff::SignedDuration::from_hours(hours);
            f
        })
        .collect();
    app.file(filings_batch(filings)).await;
    app.settle_search().await;
    let mut seen = Vec::new();
    for page in 1..=7 {
        let answer =
            search_json(&app, "en", &[("q", "harvest"), ("page", &page.to_string())]).await;
        seen.extend(headlines(&answer));
        assert_eq!(answer["more"], page < 7, "page {page}");
    }
    assert_eq!(seen.len(), 130, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 130, "a match was shown twice");
}

fn filings_batch(filings: Vec<Filing>) -> Batch {
    crate::support::filings(filings)
}

/// Polls `check` every 20 ms until it holds or `limit` passes; the time it took.
async fn within<F, Fut>(limit: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return Some(start.elapsed());
        }
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_publish_edit_and_withdrawal_are_searchable_on_every_node_within_a_second() {
    let a = TestApp::spawn().await;
    // Without notifications (SQLite), the other node learns of changes by polling.
    let b = TestApp::spawn_with(a.db.shared_with_another_node(), |s| {
        s.poll_interval = Duration::from_millis(200);
    })
    .await;
    let editor = a.actor("editor", Role::Editor).await;
    let zone = settings_for(&a.db).site.time_zone;
    // Both indexes built and current first: what is timed is the live update alone.
    a.settle_search().await;
    b.settle_search().await;
    let id = a
        .newsroom
        .create_item(
            &editor,
            &ItemForm {
                edition: "en".into(),
                kind: "article".into(),
                headline: "Quokka census begins".into(),
                body: "Volunteers counted.".into(),
                section: "politics".into(),
                authors: "Ayla Karimova".into(),
                ..ItemForm::default()
            }
            .command(Button::Publish, &zone)
            .expect("a valid form"),
        )
        .await
        .expect("published");
    for node in [&a, &b] {
        let took = within(Duration::from_secs(1), || async {
            found(node, "en", "quokka").await == ["Quokka census begins"]
        })
        .await;
        assert!(
            took.is_some(),
            "the publish was not searchable within a second"
        );
    }
    let item = a.newsroom.item(id).await.expect("read").expect("exists");
    let mut form = a.newsroom.form_of(&item).await.expect("form");
    form.headline = "Wombat census begins".into();
    a.newsroom
        .save_item(
            &editor,
            id,
            item.version,
            &form.command(Button::Save, &zone).expect("a valid form"),
        )
        .await
        .expect("edited");
    for node in [&a, &b] {
        let took = within(Duration::from_secs(1), || async {
            found(node, "en", "wombat").await == ["Wombat census begins"]
                && found(node, "en", "quokka").await.is_empty()
        })
        .await;
        assert!(
            took.is_some(),
            "the edit was not searchable within a second"
        );
    }
    let item = a.newsroom.item(id).await.expect("read").expect("exists");
    let form = a.newsroom.form_of(&item).await.expect("form");
    a.newsroom
        .save_item(
            &editor,
            id,
            item.version,
            &form
                .command(Button::Unpublish, &zone)
                .expect("a valid form"),
        )
        .await
        .expect("withdrawn");
    for node in [&a, &b] {
        let took = within(Duration::from_secs(1), || async {
            found(node, "en", "wombat").await.is_empty()
        })
        .await;
        assert!(
            took.is_some(),
            "the withdrawal was not out of search within a second"
        );
    }
}

#[tokio::test]
async fn a_deleted_index_is_rebuilt_while_the_site_serves() {
    let app = corpus().await;
    assert_eq!(found(&app, "en", "elections").await.len(), 1);
    let db = {
        app.server_stop().await;
        app.into_database()
    };
    let folder = newsline::search::folder(db.dir.path());
    std::fs::remove_dir_all(&folder).expect("index removed");
    let app = TestApp::spawn_on(db).await;
    // Every search answers meanwhile; the rebuild then brings everything back.
    let rebuilt = within(Duration::from_secs(10), || async {
        let answer = search_json(&app, "en", &[("q", "elections")]).await;
        headlines(&answer) == ["Parliament elections set for autumn"]
            && answer["rebuilding"] == false
    })
    .await;
    assert!(rebuilt.is_some(), "the index was not rebuilt");
    assert!(folder.join("meta.json").exists());
    assert_eq!(found(&app, "ru", "выборов").await.len(), 1);
}

#[tokio::test]
async fn reindex_rebuilds_the_index_from_the_command_line() {
    let app = corpus().await;
    let db = {
        app.server_stop().await;
        app.into_database()
    };
    let output = Cli::new().args(db.flags()).args(["reindex"]).output().await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.starts_with("indexed 11 items"), "{said}");
    let app = TestApp::spawn_on(db).await;
    assert!(!app.search.building(), "a complete index is used as it is");
    app.settle_search().await;
    assert_eq!(found(&app, "tr", "istanbul").await.len(), 1);
}

#[tokio::test]
async fn the_newsroom_finds_what_each_account_may_see() {
    let app = TestApp::spawn().await;
    let zone = settings_for(&app.db).site.time_zone;
    app.file(filings_batch(vec![article(
        "Ganja published story",
        "politics",
        AT,
        &["Ayla Karimova"],
    )]))
    .await;
    let (alice_browser, alice) = app.signed_in_actor("alice", Role::Reporter).await;
    let (bob_browser, bob) = app.signed_in_actor("bob", Role::Reporter).await;
    let (editor_browser, _) = app.signed_in_actor("edith", Role::Editor).await;
    let form = |headline: &str| ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: headline.into(),
        body: "Notes from Ganja.".into(),
        section: "politics".into(),
        authors: "Ayla Karimova".into(),
        ..ItemForm::default()
    };
    app.newsroom
        .create_item(
            &alice,
            &form("Ganja draft by Alice")
                .command(Button::Save, &zone)
                .expect("a valid form"),
        )
        .await
        .expect("draft");
    app.newsroom
        .create_item(
            &bob,
            &form("Ganja review by Bob")
                .command(Button::Submit, &zone)
                .expect("a valid form"),
        )
        .await
        .expect("in review");
    app.settle_search().await;
    let seen = |browser: &Browser, query: &'static str| {
        let browser = Browser {
            client: browser.client.clone(),
            base: browser.base.clone(),
        };
        async move {
            let page = browser.get(&format!("/newsroom/search?{query}")).await;
            assert_eq!(page.status, StatusCode::OK);
            sorted(page.texts(".search-results tbody td:first-child a"))
        }
    };
    assert_eq!(
        seen(&alice_browser, "q=ganja").await,
        ["Ganja draft by Alice", "Ganja published story"]
    );
    assert_eq!(
        seen(&bob_browser, "q=ganja").await,
        ["Ganja published story", "Ganja review by Bob"]
    );
    assert_eq!(
        seen(&editor_browser, "q=ganja").await,
        [
            "Ganja draft by Alice",
            "Ganja published story",
            "Ganja review by Bob"
        ]
    );
    assert_eq!(
        seen(&editor_browser, "q=ganja&status=draft").await,
        ["Ganja draft by Alice"]
    );
    assert_eq!(
        seen(&editor_browser, "q=&status=review").await,
        ["Ganja review by Bob"]
    );
    assert_eq!(
        seen(&alice_browser, "q=&status=review").await,
        Vec::<String>::new()
    );
    // Readers find the published one only.
    assert_eq!(found(&app, "en", "ganja").await, ["Ganja published story"]);
    // Signed out, the desk's search sends to the sign-in page.
    let anonymous = app.get("/newsroom/search?q=ganja").await;
    assert!(anonymous.status.is_redirection(), "{}", anonymous.status);
}

#[tokio::test]
async fn no_query_fails_and_every_query_is_reflected_escaped() {
    let app = corpus().await;
    let long = "baku ".repeat(2000);
    let odd = [
        r#""unbalanced quote"#,
        r#"""""#,
        "-",
        "--",
        r#"-"""#,
        "+",
        "AND OR NOT",
        "* ? ~ ^ ( ) [ ] { } \\ / :",
        "title:baku",
        "headline:\"x\" body:y",
        "section: author:",
        "section:nowhere author:nobody",
        "baku~2 bak* b?ku",
        "/.*baku.*/",
        "[a TO z] {1 TO 5}",
        "(baku OR ganja) AND -x",
        "a\u{0}b\u{7}c\u{1b}[31m\u{7f}",
        "\u{202e}ukab\u{200b}",
        long.as_str(),
    ];
    for q in odd {
        for path in ["search", "search.json", "search/suggest"] {
            let response = app
                .client
                .get(format!("{}/en/{path}", app.address))
                .query(&[("q", q)])
                .send()
                .await
                .expect("answered");
            let shown: String = q.chars().take(40).collect();
            assert_eq!(response.status(), StatusCode::OK, "{path} {shown:?}");
        }
    }
    let reflected = app
        .get("/en/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%22%3E%3Cb%3E")
        .await;
    assert_eq!(reflected.status, StatusCode::OK);
    assert!(!reflected.body.contains("<script>alert"));
    assert!(!reflected.body.contains("\"><b>"));
    assert!(
        reflected
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
    );
    let long_answer = search_json(&app, "en", &[("q", &"x".repeat(12_000))]).await;
    assert_eq!(
        long_answer["query"].as_str().map(|q| q.chars().count()),
        Some(10_000)
    );
    for bad in [
        "/en/search?q=%FF%FE",
        "/en/search.json?q=caf%E9",
        "/en/search/suggest?q=%C3",
    ] {
        assert_eq!(app.get(bad).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    // Filters and pages out of range are ignored, never an error.
    let page = app
        .get("/en/search?q=baku&page=99999999999&from=yesterday&to=2025-13-45&sort=up")
        .await;
    assert_eq!(page.status, StatusCode::OK);
}
