//! Every page speaks one language: a reader page its edition's, a newsroom page the
//! signed-in account's. No interface text of another language may show, counts take
//! the language's plural forms and dates its month names.
//!
//! The words looked for come from the catalogues themselves: for a page in `ru`,
//! every phrase that the `az`, `en` or `tr` catalogue has and the `ru` one has not.
//! Content is made of invented words, so that only interface text can match.

use std::collections::BTreeSet;

use jiff::Timestamp;
use newsline::domain::{ItemKind, Role};
use newsline::newsroom::{Batch, Filing, SectionRef};
use newsline::web::newsroom::words as newsroom_words;
use newsline::web::strings;
use reqwest::StatusCode;

use crate::support::*;

/// The languages walked, each an edition and a newsroom language.
const LANGUAGES: [&str; 4] = ["az", "en", "ru", "tr"];

/// Every phrase of a language's catalogues, cut at the places values go, trimmed of
/// punctuation; pieces shorter than three letters match too much by chance.
fn phrases(lang: &str) -> BTreeSet<String> {
    let mut entries = strings::for_language(lang).entries();
    entries.extend(newsroom_words::for_language(lang).entries());
    entries
        .into_iter()
        .filter(|(path, _)| path != "language_name")
        .flat_map(|(_, text)| {
            text.split(['{', '}'])
                .filter(|p| !matches!(*p, "n" | "x" | "y"))
                .map(|p| p.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|p| p.chars().count() >= 3)
        .collect()
}

/// Phrases of other languages' catalogues that `lang`'s catalogues do not have.
fn foreign_phrases(lang: &str) -> BTreeSet<String> {
    let own = phrases(lang);
    LANGUAGES
        .iter()
        .filter(|l| **l != lang)
        .flat_map(|l| phrases(l))
        .filter(|p| !own.contains(p))
        .collect()
}

/// The text a person reads on a page in `lang`: text nodes and the attributes read
/// aloud or shown, leaving out scripts and whatever is marked as another language
/// (the edition switcher names each language in itself).
fn readable_text(page: &Fetched, lang: &str) -> Vec<String> {
    let html = page.html();
    let mut out = Vec::new();
    for node in html.tree.nodes() {
        let hidden = node.ancestors().chain(std::iter::once(node)).any(|n| {
            n.value()
                .as_element()
                .is_some_and(|el| matches!(el.name(), "script" | "style"))
        });
        // The nearest `lang` decides which language a node is in.
        let marked = std::iter::once(node)
            .chain(node.ancestors())
            .find_map(|n| n.value().as_element().and_then(|el| el.attr("lang")));
        if hidden || marked.is_some_and(|l| l != lang) {
            continue;
        }
        match node.value() {
            scraper::Node::Text(text) => {
                let t = text.trim();
                if !t.is_empty() {
                    out.push(t.to_owned());
                }
            }
            scraper::Node::Element(el) => {
                for name in ["aria-label", "placeholder", "title", "alt"] {
                    if let Some(value) = el.attr(name) {
                        out.push(value.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether `phrase` stands in `text` as words of its own, not inside a longer word.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Fails when the page is not marked `lang` or shows interface text of another language.
fn assert_speaks(page: &Fetched, lang: &str, what: &str) {
    let html = page.html();
    let marked = html
        .select(&scraper::Selector::parse("html").expect("selector"))
        .next()
        .and_then(|h| h.value().attr("lang"))
        .unwrap_or_default()
        .to_owned();
    assert_eq!(marked, lang, "{what}: <html lang>");
    let texts = readable_text(page, lang);
    let foreign = foreign_phrases(lang);
    let found: Vec<String> = texts
        .iter()
        .flat_map(|t| {
            foreign
                .iter()
                .filter(|p| contains_phrase(t, p))
                .map(move |p| format!("{p:?} in {t:?}"))
        })
        .collect();
    assert!(found.is_empty(), "{what} in {lang}: {found:#?}");
}

fn at(minutes: i64) -> Timestamp {
    "2025-05-21T06:00:00Z"
        .parse::<Timestamp>()
        .expect("a time")
        .checked_add(jiff::SignedDuration::from_mins(minutes))
        .expect("in range")
}

/// For each language an edition with a section of 21 briefs and one of a single
/// article, with an author and a tag; English is the site's default edition.
fn site() -> Batch {
    let mut batch = Batch::default();
    for (i, code) in LANGUAGES.iter().enumerate() {
        if *code != "en" {
            batch.editions.push(edition(code, &format!("Kxv {code}")));
        }
        batch
            .sections
            .push((code.to_string(), "zorvik".into(), format!("Zorvik {code}")));
        batch
            .sections
            .push((code.to_string(), "plomb".into(), format!("Plomb {code}")));
        let offset = i64::try_from(i).expect("small") * 100;
        for n in 0..21 {
            batch.filings.push(Filing::brief(
                code,
                SectionRef::Slug("zorvik".into()),
                &format!("Qwzx {code} {n}"),
                at(offset + n),
            ));
        }
        batch.filings.push(Filing {
            kind: ItemKind::Article,
            body: "Plim zorv qwx.\n\nZorv plim.".into(),
            authors: vec!["Qel Varn".into()],
            tags: vec!["Plimtag".into()],
            pinned: true,
            ..Filing::brief(
                code,
                SectionRef::Slug("plomb".into()),
                &format!("Qwzx {code} vrel"),
                at(offset + 30),
            )
        });
    }
    batch
}

#[tokio::test]
async fn every_reader_page_speaks_only_its_edition_s_language() {
    let app = TestApp::spawn().await;
    let filed = app.file(site()).await;
    app.settle_search().await;
    for code in LANGUAGES {
        let article = filed
            .iter()
            .map(|f| f.id())
            .find(|id| {
                app.read
                    .snapshot()
                    .item(*id)
                    .is_some_and(|i| i.edition.as_ref() == code && i.kind == ItemKind::Article)
            })
            .expect("the edition's article");
        let article_path = app.item_path(article).await;
        let pages = [
            ("home", format!("/{code}/")),
            ("article", article_path),
            ("section", format!("/{code}/zorvik")),
            ("tag", format!("/{code}/tag/plimtag")),
            ("author", format!("/{code}/author/qel-varn")),
            ("all news", format!("/{code}/news")),
            ("archive day", format!("/{code}/news/2025/05/21")),
            ("corrections", format!("/{code}/corrections")),
            ("search", format!("/{code}/search?q=qwzx")),
            ("empty search", format!("/{code}/search")),
        ];
        for (what, path) in pages {
            let page = app.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{what}: {path}");
            assert_speaks(&page, code, what);
        }
        let words = strings::for_language(code);
        let missing = app.get(&format!("/{code}/no-such-section")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_speaks(&missing, code, "404");
        assert_eq!(missing.texts("h1"), [words.not_found.0]);
        let bad = app.get(&format!("/{code}/news?page=zero")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_speaks(&bad, code, "400");
        // The refusal's detail is worded in the edition's language too.
        assert_eq!(
            bad.texts(".detail"),
            [words.problems.page_number.replace("{n}", "1000000")]
        );
        let bad_day = app.get(&format!("/{code}/news/2025/02/30")).await;
        assert_eq!(bad_day.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad_day.texts(".detail"), [words.problems.day]);
    }
}

#[tokio::test]
async fn counts_take_each_language_s_plural_forms_and_dates_its_month_names() {
    let app = TestApp::spawn().await;
    app.file(site()).await;
    let count = |page: &Fetched| page.texts(".count");
    // 21 briefs in a section, 22 items in the edition, 1 under a tag.
    for (code, section, all, tag) in [
        ("ru", "21 новость", "22 новости", "1 новость"),
        ("en", "21 items", "22 items", "1 item"),
        ("az", "21 xəbər", "22 xəbər", "1 xəbər"),
        ("tr", "21 haber", "22 haber", "1 haber"),
    ] {
        assert_eq!(count(&app.get(&format!("/{code}/zorvik")).await), [section]);
        assert_eq!(count(&app.get(&format!("/{code}/news")).await), [all]);
        assert_eq!(
            count(&app.get(&format!("/{code}/tag/plimtag")).await),
            [tag]
        );
    }
    for (code, day) in [
        ("ru", "21 мая 2025"),
        ("en", "21 May 2025"),
        ("az", "21 may 2025"),
        ("tr", "21 Mayıs 2025"),
    ] {
        let archive = app.get(&format!("/{code}/news")).await;
        assert_eq!(archive.texts(".day h2"), [day], "{code}");
        let page = app.get(&format!("/{code}/news/2025/05/21")).await;
        assert!(page.texts("h1")[0].ends_with(day), "{code}");
        // Times stay numeric, as on the seed page (Baku is UTC+4).
        assert!(
            page.texts(".item-line time")
                .iter()
                .all(|t| t.ends_with(" 21.05.2025")),
            "{code}"
        );
    }
}

/// Signs a new admin in and sets the newsroom's language for the account.
async fn admin_speaking(app: &TestApp, lang: &str) -> Browser {
    let browser = app.signed_in(&format!("admin-{lang}"), Role::Admin).await;
    let chosen = browser
        .submit(
            "/newsroom/account",
            "/newsroom/account/language",
            &[("language", lang)],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert_speaks(&chosen, lang, "account after choosing");
    browser
}

#[tokio::test]
async fn every_newsroom_page_speaks_only_the_account_s_language() {
    let app = TestApp::spawn().await;
    let filed = app.file(site()).await;
    app.settle_search().await;
    let item = filed[0].id();
    for lang in LANGUAGES {
        let browser = admin_speaking(&app, lang).await;
        let words = newsroom_words::for_language(lang);
        for (what, path) in [
            ("desk", "/newsroom".to_owned()),
            ("new item", "/newsroom/items/new".to_owned()),
            ("editor", format!("/newsroom/items/{item}")),
            ("history", format!("/newsroom/items/{item}/history")),
            ("search", "/newsroom/search?q=qwzx".to_owned()),
            ("sections", "/newsroom/sections".to_owned()),
            ("audit", "/newsroom/audit".to_owned()),
            ("accounts", "/newsroom/accounts".to_owned()),
            ("webhooks", "/newsroom/webhooks".to_owned()),
            ("account", "/newsroom/account".to_owned()),
            ("tokens", "/newsroom/tokens".to_owned()),
            ("password", "/newsroom/password".to_owned()),
            ("images", "/newsroom/media".to_owned()),
            ("front pages", "/newsroom/front-page".to_owned()),
            ("front page", "/newsroom/front-page/en".to_owned()),
            ("wire", "/newsroom/wire".to_owned()),
            ("wire feeds", "/newsroom/wire/feeds".to_owned()),
        ] {
            let page = browser.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{what}: {path}");
            assert_speaks(&page, lang, what);
        }
        let missing = browser.get("/newsroom/items/99999999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_speaks(&missing, lang, "newsroom 404");
        let refused = browser
            .get(&format!("/newsroom/items/{item}/diff?from=x&to=y"))
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert_speaks(&refused, lang, "newsroom 400");
        assert_eq!(refused.texts(".error-detail"), [words.refused_compare]);
        // A form from elsewhere is refused in the account's language as well.
        let forged = browser
            .post("/newsroom/account/language", &[("language", lang)])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(forged.texts(".error-detail"), [words.refused_csrf]);
    }
}

/// The front page and the wire, with an arrangement live, one scheduled and a paused
/// feed, and their refusals, in each account language. They get their data in a site of
/// their own: the audit log walked above shows its entries' details as stored, in English.
#[tokio::test]
async fn the_front_page_and_the_wire_speak_only_the_account_s_language() {
    let app = TestApp::spawn().await;
    let filed = app.file(site()).await;
    let item = filed[0].id();
    arrange_and_add_a_feed(&app, &filed).await;
    for lang in LANGUAGES {
        let browser = admin_speaking(&app, lang).await;
        let words = newsroom_words::for_language(lang);
        for (what, path) in [
            ("front pages", "/newsroom/front-page"),
            ("front page", "/newsroom/front-page/en"),
            ("wire", "/newsroom/wire"),
            ("wire feeds", "/newsroom/wire/feeds"),
        ] {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{what}: {path}");
            assert_speaks(&page, lang, what);
        }
        let front = browser.get("/newsroom/front-page/en").await;
        assert_eq!(
            front.texts("tbody td:nth-child(2)"),
            [words.front_scheduled, words.front_live],
            "{lang}: the history's states"
        );
        // Their refusals's and the wire's refusals speak the account's language too.
        let front = browser.get("/newsroom/front-page/en").await;
        let unscheduled = browser
            .post(
                "/newsroom/front-page/en",
                &[
                    ("csrf", &csrf_of(&front)),
                    ("version", &input_value(&front, "version")),
                    ("lead", &item.to_string()),
                    ("button", "schedule"),
                    ("live_at", ""),
                ],
            )
            .await;
        assert_eq!(unscheduled.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_speaks(&unscheduled, lang, "refused front page");
        assert_eq!(
            unscheduled.texts(".form-error"),
            [newsroom_words::clause(words.arrangement_give_time)]
        );
        let refused_feed = browser
            .submit(
                "/newsroom/wire/feeds",
                "/newsroom/wire/feeds",
                &[
                    ("name", "Qwzx Plom"),
                    ("url", "http://127.0.0.1:9/plom"),
                    ("edition", "en"),
                    ("minutes", "0"),
                ],
            )
            .await;
        assert_eq!(refused_feed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_speaks(&refused_feed, lang, "refused feed");
        assert_eq!(
            refused_feed.texts(".form-error"),
            [words.fill(
                words.field_interval,
                newsroom_words::clause(words.feed_interval)
            )]
        );
    }
}

/// Gives the English front page a live arrangement and a scheduled one, and the wire a
/// paused feed, so that their pages show every state they can be in.
async fn arrange_and_add_a_feed(app: &TestApp, filed: &[newsline::newsroom::Filed]) {
    let admin = app.signed_in("arranger", Role::Admin).await;
    let snapshot = app.read.snapshot();
    let english: Vec<String> = filed
        .iter()
        .map(|f| f.id())
        .filter(|id| {
            snapshot
                .item(*id)
                .is_some_and(|i| i.edition.as_ref() == "en")
        })
        .map(|id| id.to_string())
        .collect();
    let section = snapshot
        .sections_of("en")
        .first()
        .map(|s| s.id.to_string())
        .expect("an English section");
    for (lead, button, live_at) in [
        (&english[0], "save", ""),
        (&english[1], "schedule", "2099-01-01T10:00"),
    ] {
        let page = admin.get("/newsroom/front-page/en").await;
        let saved = admin
            .post(
                "/newsroom/front-page/en",
                &[
                    ("csrf", csrf_of(&page).as_str()),
                    ("version", &input_value(&page, "version")),
                    ("lead", lead),
                    ("top", &english[2]),
                    ("block_section", &section),
                    ("block_count", "3"),
                    ("button", button),
                    ("live_at", live_at),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    let added = admin
        .submit(
            "/newsroom/wire/feeds",
            "/newsroom/wire/feeds",
            &[
                ("name", "Qwzx Plim"),
                ("url", "http://127.0.0.1:9/plim"),
                ("edition", "en"),
                ("minutes", "5"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let feeds = admin.get("/newsroom/wire/feeds").await;
    let id = feeds
        .html()
        .select(&scraper::Selector::parse("tr[id^=feed-]").expect("selector"))
        .next()
        .and_then(|tr| tr.value().attr("id"))
        .and_then(|id| id.strip_prefix("feed-"))
        .expect("the feed's row")
        .to_owned();
    let paused = admin
        .submit(
            "/newsroom/wire/feeds",
            &format!("/newsroom/wire/feeds/{id}/enabled"),
            &[("enabled", "no")],
        )
        .await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER, "{}", paused.body);
}

#[tokio::test]
async fn an_account_s_language_is_its_own_choice_and_stays_chosen() {
    let app = TestApp::spawn().await;
    // Before choosing, the newsroom speaks the site's default edition's language.
    let browser = app.signed_in("editor", Role::Editor).await;
    let desk = browser.get("/newsroom").await;
    assert_speaks(&desk, "en", "desk before choosing");
    assert_eq!(desk.texts("h1"), ["Desk"]);

    let chosen = browser
        .submit(
            "/newsroom/account",
            "/newsroom/account/language",
            &[("language", "ru")],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::OK);
    let desk = browser.get("/newsroom").await;
    assert_speaks(&desk, "ru", "desk after choosing");
    assert_eq!(desk.texts("h1"), ["Рабочий стол"]);
    assert_eq!(
        browser
            .get("/newsroom/account")
            .await
            .texts("#language option[selected]"),
        ["Русский"]
    );

    // The editor's refusals next to its fields speak the account's language too.
    let refused_item = browser
        .submit(
            "/newsroom/items/new",
            "/newsroom/items",
            &[
                ("edition", "en"),
                ("kind", "article"),
                ("headline", ""),
                ("body", "Plim zorv."),
                ("section", "politics"),
                ("authors", ""),
                ("step", "save"),
            ],
        )
        .await;
    assert_eq!(refused_item.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_speaks(&refused_item, "ru", "editor with refused fields");
    let ru = newsroom_words::for_language("ru");
    assert_eq!(
        refused_item.texts("#headline-error"),
        [ru.field_headline_empty]
    );

    // A language the newsroom does not speak is refused and changes nothing.
    let refused = browser
        .submit(
            "/newsroom/account",
            "/newsroom/account/language",
            &[("language", "xx")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_speaks(&refused, "ru", "refused language");
    assert_eq!(browser.get("/newsroom").await.texts("h1"), ["Рабочий стол"]);

    // Another account keeps its own language.
    let other = app.signed_in("reporter", Role::Reporter).await;
    assert_speaks(&other.get("/newsroom").await, "en", "another account");
}

#[tokio::test]
async fn the_sign_in_page_follows_the_browser_s_language() {
    let app = TestApp::spawn().await;
    for (header, lang) in [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("tr", "tr"),
        ("de, az;q=0.5", "az"),
        ("de", "en"),
    ] {
        let page = app
            .client
            .get(format!("{}/newsroom/login", app.address))
            .header("accept-language", header)
            .send()
            .await
            .expect("answered");
        let page = Fetched::read(page).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_speaks(&page, lang, "sign-in");
        assert_eq!(
            page.texts("h1"),
            [newsroom_words::for_language(lang).sign_in_title]
        );
    }
}
