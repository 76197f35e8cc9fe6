//! Editions declared in the site config, the root choosing one by `Accept-Language`,
//! stories linked to their translations (`hreflang`, the language switcher), each
//! edition's own news sitemap, and the desk's published list in publication order.

use jiff::SignedDuration;
use newsline::config::Settings;
use newsline::domain::{Role, TokenLifetime, TokenName, TokenScopes};
use newsline::newsroom::TokenRequest;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::import::newsline_with_config;
use crate::newsroom::{create, save};
use crate::support::*;

/// Three editions, az first and the default, each with its sections.
const CONFIG: &str = r#"
[site]
default_edition = "az"
time_zone = "UTC"

[[edition]]
code = "az"
language = "az-Latn"
name = "Xəbər Agentliyi"
time_zone = "Asia/Baku"
section = [{ slug = "siyaset", name = "Siyasət" }]

[[edition]]
code = "en"
name = "News Agency"
section = [{ slug = "politics", name = "Politics" }]

[[edition]]
code = "ru"
name = "Новостное агентство"
section = [{ slug = "politika", name = "Политика" }]
"#;

fn configured(text: &str) -> impl FnOnce(&mut Settings) {
    let declared = Settings::from_toml_str(text).expect("the test config is valid");
    move |settings| {
        settings.editions = declared.editions;
        settings.site.default_edition = declared.site.default_edition;
        settings.site.time_zone = declared.site.time_zone;
        settings.site.time_zone_name = declared.site.time_zone_name;
    }
}

async fn site() -> TestApp {
    TestApp::spawn_with(Database::fresh(), configured(CONFIG)).await
}

/// The editor's fields of a published article in `edition`'s `section`.
fn story<'a>(
    edition: &'a str,
    section: &'a str,
    headline: &'a str,
    translation_of: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("edition", edition),
        ("kind", "article"),
        ("headline", headline),
        ("dek", ""),
        ("body", "The text of the story."),
        ("section", section),
        ("authors", "Ayla Karimova"),
        ("new_authors", "Ayla Karimova"),
        ("tags", ""),
        ("translation_of", translation_of),
        ("step", "publish"),
    ]
}

/// Every `<link rel=alternate hreflang>` of a page: (hreflang, href).
fn alternates(page: &Fetched) -> Vec<(String, String)> {
    let selector = scraper::Selector::parse("link[rel=alternate][hreflang]").expect("selector");
    page.html()
        .select(&selector)
        .map(|l| {
            (
                l.value().attr("hreflang").unwrap_or_default().to_owned(),
                l.value().attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn path_of(url: &str) -> String {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_owned()))
        .unwrap_or_else(|| url.to_owned())
}

#[tokio::test]
async fn the_configs_editions_and_sections_exist_with_their_language_and_zone() {
    let app = site().await;
    let editions = app.store.editions().await.expect("editions");
    let codes: Vec<&str> = editions.iter().map(|e| e.code.as_ref()).collect();
    assert_eq!(codes, ["az", "en", "ru"], "in the config's order");
    for (code, section, lang) in [
        ("az", "Siyasət", "az-Latn"),
        ("en", "Politics", "en"),
        ("ru", "Политика", "ru"),
    ] {
        let home = app.get(&format!("/{code}/")).await;
        assert_eq!(home.status, StatusCode::OK, "{code}");
        assert!(
            home.body.contains(&format!("<html lang=\"{lang}\">")),
            "{code}: {}",
            home.body
        );
        assert!(home.texts(".sections a").contains(&section.to_owned()));
    }
    let audit = app.store.audit_entries(100).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "edition added" && e.system.as_deref() == Some("config")),
        "the config's editions are audited as the config's doing"
    );

    // A restart with a renamed edition and a new section changes them, once.
    let renamed = CONFIG
        .replace("name = \"News Agency\"", "name = \"The News Agency\"")
        .replace(
            "section = [{ slug = \"politics\", name = \"Politics\" }]",
            "section = [{ slug = \"politics\", name = \"Politics\" }, { slug = \"sport\", name = \"Sport\" }]",
        );
    app.server_stop().await;
    let app = TestApp::spawn_with(app.into_database(), configured(&renamed)).await;
    let home = app.get("/en/").await;
    assert!(home.body.contains("The News Agency"), "{}", home.body);
    assert!(home.texts(".sections a").contains(&"Sport".to_owned()));
    let seq = app.store.last_seq().await.expect("seq");
    app.server_stop().await;
    let app = TestApp::spawn_with(app.into_database(), configured(&renamed)).await;
    assert_eq!(
        app.store.last_seq().await.expect("seq"),
        seq,
        "an unchanged config writes nothing"
    );
}

#[tokio::test]
async fn an_editions_own_time_zone_dates_its_pages() {
    let app = site().await;
    let browser = app.signed_in("editor", Role::Editor).await;
    create(&browser, &story("az", "siyaset", "Saat", "")).await;
    create(&browser, &story("en", "politics", "Clock", "")).await;
    app.settle().await;
    let offset = |page: &Fetched| {
        let selector = scraper::Selector::parse(".story time").expect("selector");
        page.html()
            .select(&selector)
            .next()
            .and_then(|t| t.value().attr("datetime"))
            .unwrap_or_default()
            .to_owned()
    };
    let az = app.get(&app.item_path(1).await).await;
    let en = app.get(&app.item_path(2).await).await;
    assert!(
        offset(&az).ends_with("+04:00"),
        "Baku time: {}",
        offset(&az)
    );
    assert!(
        offset(&en).ends_with("+00:00") || offset(&en).ends_with('Z'),
        "the site's UTC: {}",
        offset(&en)
    );
}

#[tokio::test]
async fn importing_into_an_edition_the_site_lacks_is_refused_and_stores_nothing() {
    let db = Database::fresh();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("copy.txt");
    std::fs::write(
        &file,
        "Ministers meet\n\nPolitics 16:29 21.05.2025\n\nText.\n\nAyla Karimova//Wire Service\n",
    )
    .expect("copy written");
    let config = "[[edition]]\ncode = \"en\"\nname = \"Test News\"\n";
    let out = newsline_with_config(
        &db,
        config,
        &[
            "import",
            "text",
            "--edition",
            "ru",
            file.to_str().expect("path"),
        ],
    )
    .await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("there is no edition 'ru'") && stderr.contains("[[edition]]"),
        "{stderr}"
    );
    let app = TestApp::spawn_on(db).await;
    let codes: Vec<String> = app
        .store
        .editions()
        .await
        .expect("editions")
        .iter()
        .map(|e| e.code.to_string())
        .collect();
    assert_eq!(codes, ["en"], "no edition was made by the import");
    assert!(app.store.published_items().await.expect("items").is_empty());

    // A config naming a default edition it does not declare is refused.
    let out = newsline_with_config(
        &Database::fresh(),
        "[site]\ndefault_edition = \"ru\"\n[[edition]]\ncode = \"en\"\nname = \"N\"\n",
        &["import", "text", file.to_str().expect("path")],
    )
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("site.default_edition"));
}

#[tokio::test]
async fn the_root_leads_to_the_edition_the_reader_prefers() {
    let app = site().await;
    for (header, edition) in [
        (Some("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"), "/ru/"),
        (Some("en-GB,en;q=0.9"), "/en/"),
        (Some("az"), "/az/"),
        (Some("de-DE,fr;q=0.5"), "/az/"),
        (Some("ru;q=0, en;q=0.5"), "/en/"),
        (None, "/az/"),
    ] {
        let mut request = app.client.get(format!("{}/", app.address));
        if let Some(h) = header {
            request = request.header("accept-language", h);
        }
        let response = request.send().await.expect("answered");
        assert!(response.status().is_redirection(), "{header:?}");
        assert_eq!(response.headers()["location"], edition, "{header:?}");
        assert_eq!(response.headers()["vary"], "Accept-Language");
    }
}

#[tokio::test]
async fn translations_link_to_each_other_reciprocally_with_x_default() {
    let app = site().await;
    let browser = app.signed_in("editor", Role::Editor).await;
    let en = create(&browser, &story("en", "politics", "Talks open", "")).await;
    app.settle().await;
    let en_path = app.item_path(en).await;
    // Read (and so cache) the English page while it has no translation.
    assert!(alternates(&app.get(&en_path).await).is_empty());

    let az = create(
        &browser,
        &story("az", "siyaset", "Danışıqlar başladı", &en.to_string()),
    )
    .await;
    let ru = create(
        &browser,
        &story("ru", "politika", "Переговоры начались", &az.to_string()),
    )
    .await;
    app.settle().await;
    let paths = [
        ("az-Latn", app.item_path(az).await),
        ("en", en_path.clone()),
        ("ru", app.item_path(ru).await),
    ];
    for (_, path) in &paths {
        let page = app.get(path).await;
        let found = alternates(&page);
        let mut langs: Vec<(String, String)> =
            found.iter().map(|(l, h)| (l.clone(), path_of(h))).collect();
        langs.sort();
        let mut wanted: Vec<(String, String)> = paths
            .iter()
            .map(|(l, p)| ((*l).to_owned(), p.clone()))
            .collect();
        // x-default is the version in the default edition, az.
        wanted.push(("x-default".into(), paths[0].1.clone()));
        wanted.sort();
        assert_eq!(langs, wanted, "{path}");
        // The switcher leads to the story in each other language.
        let switcher = page.hrefs("nav.editions a");
        for (_, other) in paths.iter().filter(|(_, p)| p != path) {
            assert!(switcher.contains(other), "{path}: {switcher:?}");
        }
        // And the page names its versions in the other languages.
        let listed = page.hrefs(".translations a");
        assert_eq!(listed.len(), 2, "{path}: {listed:?}");
        assert!(!listed.contains(path));
    }

    // An item without translations keeps the switcher on the editions' homes.
    let alone = create(&browser, &story("en", "politics", "Alone", "")).await;
    app.settle().await;
    let page = app.get(&app.item_path(alone).await).await;
    assert!(alternates(&page).is_empty());
    assert!(page.hrefs("nav.editions a").contains(&"/ru/".to_owned()));
}

#[tokio::test]
async fn a_translation_must_name_an_item_of_another_edition_once_per_edition() {
    let app = site().await;
    let browser = app.signed_in("editor", Role::Editor).await;
    let en = create(&browser, &story("en", "politics", "Talks open", "")).await;
    let ru = create(
        &browser,
        &story("ru", "politika", "Переговоры", &en.to_string()),
    )
    .await;
    let other_az = create(&browser, &story("az", "siyaset", "Başqa", "")).await;
    let before = app.store.last_seq().await.expect("seq");
    for (fields, wrong) in [
        (
            story("en", "politics", "Same edition", &en.to_string()),
            "in this edition",
        ),
        (
            story("az", "siyaset", "Nowhere", "999999"),
            "there is no item",
        ),
        (
            story("az", "siyaset", "Not a number", "twelve"),
            "another edition",
        ),
        (
            story("ru", "politika", "Second Russian", &en.to_string()),
            &format!("item {ru} is already"),
        ),
    ] {
        let response = browser
            .submit("/newsroom/items/new", "/newsroom/items", &fields)
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{wrong}: {}",
            response.body
        );
        assert!(response.body.contains(wrong), "{wrong}: {}", response.body);
    }
    assert_eq!(
        app.store.last_seq().await.expect("seq"),
        before,
        "nothing stored"
    );

    // An item others translate cannot itself join another story.
    let response = save(
        &browser,
        en,
        &story("en", "politics", "Talks open", &other_az.to_string()),
        "save",
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("other items are translations"));
}

#[tokio::test]
async fn the_api_marks_and_shows_translations() {
    let app = site().await;
    app.actor("writer", Role::Editor).await;
    let token = app
        .newsroom
        .create_token(
            None,
            &TokenRequest {
                owner: "writer".into(),
                name: TokenName::parse("tests").expect("name"),
                scopes: TokenScopes::READ_WRITE,
                lifetime: TokenLifetime::days(30).expect("days"),
            },
        )
        .await
        .expect("token")
        .secret;
    let post = |body: Value| {
        app.client
            .post(format!("{}/api/v1/items", app.address))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let first = post(json!({
        "edition": "en", "kind": "brief", "headline": "Talks open", "body": "Text.",
        "section": "politics", "action": "publish"
    }))
    .await
    .expect("answered");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = serde_json::from_str(&first.text().await.expect("body")).expect("json");
    let en = first["id"].as_i64().expect("id");

    let same = post(json!({
        "edition": "en", "kind": "brief", "headline": "Again", "body": "Text.",
        "section": "politics", "translation_of": en
    }))
    .await
    .expect("answered");
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = serde_json::from_str(&same.text().await.expect("body")).expect("json");
    assert!(problem.to_string().contains("/translation_of"), "{problem}");

    let ru = post(json!({
        "edition": "ru", "kind": "brief", "headline": "Переговоры", "body": "Текст.",
        "section": "politika", "translation_of": en, "action": "publish"
    }))
    .await
    .expect("answered");
    assert_eq!(ru.status(), StatusCode::CREATED);
    let ru: Value = serde_json::from_str(&ru.text().await.expect("body")).expect("json");
    let ru = ru["id"].as_i64().expect("id");
    app.settle().await;
    let shown = app.get(&format!("/api/v1/items/{ru}")).await;
    let shown: Value = serde_json::from_str(&shown.body).expect("json");
    assert_eq!(shown["translation_of"], en);
}

#[tokio::test]
async fn each_edition_has_its_own_news_sitemap() {
    let app = site().await;
    let browser = app.signed_in("editor", Role::Editor).await;
    create(&browser, &story("en", "politics", "English news", "")).await;
    create(&browser, &story("ru", "politika", "Русские новости", "")).await;
    create(&browser, &story("az", "siyaset", "Azərbaycan xəbəri", "")).await;
    app.settle().await;
    for (code, name, language, headline, others) in [
        (
            "ru",
            "Новостное агентство",
            "ru",
            "Русские новости",
            ["English news", "Azərbaycan xəbəri"],
        ),
        (
            "az",
            "Xəbər Agentliyi",
            "az",
            "Azərbaycan xəbəri",
            ["English news", "Русские новости"],
        ),
    ] {
        let page = app.get(&format!("/sitemaps/{code}/news.xml")).await;
        assert_eq!(page.status, StatusCode::OK, "{code}");
        assert!(
            page.body
                .contains(&format!("<news:name>{name}</news:name>")),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains(&format!("<news:language>{language}</news:language>")),
            "{}",
            page.body
        );
        assert!(page.body.contains(headline));
        for other in others {
            assert!(!page.body.contains(other), "{code} lists {other}");
        }
    }
    assert_eq!(
        app.get("/sitemaps/xx/news.xml").await.status,
        StatusCode::NOT_FOUND
    );
    let robots = app.get("/robots.txt").await.body;
    for code in ["az", "en", "ru"] {
        assert!(
            robots.contains(&format!("/sitemaps/{code}/news.xml")),
            "{robots}"
        );
    }
}

#[tokio::test]
async fn the_desks_published_list_is_newest_first_by_publication() {
    let app = site().await;
    let browser = app.signed_in("editor", Role::Editor).await;
    let older = create(&browser, &story("en", "politics", "Older story", "")).await;
    app.advance(SignedDuration::from_mins(5)).await;
    create(&browser, &story("en", "politics", "Newer story", "")).await;
    app.advance(SignedDuration::from_mins(5)).await;
    // Editing the older story does not bring it to the top.
    let response = save(
        &browser,
        older,
        &story("en", "politics", "Older story, edited", ""),
        "save",
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let desk = browser.get("/newsroom").await.body;
    let newer_at = desk.find("Newer story").expect("newer listed");
    let older_at = desk.find("Older story, edited").expect("older listed");
    assert!(newer_at < older_at, "newest publication first");
}

#[tokio::test]
async fn the_demo_has_three_editions_a_translated_story_and_an_editor_to_try() {
    let db = Database::fresh();
    let mut args = db.flags();
    args.extend(["serve", "--demo", "--address", "127.0.0.1:0"].map(String::from));
    let server = ServerProcess::start(&args).await;
    let login = server
        .stderr_lines()
        .into_iter()
        .find(|l| l.starts_with("Demo newsroom:"))
        .expect("the demo editor's login is printed");
    let password = login
        .rsplit(' ')
        .next()
        .expect("a password at the end")
        .to_owned();
    assert!(login.contains(newsline::import::demo::EDITOR), "{login}");
    assert!(password.len() >= 12, "{login}");

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let get = |path: String| {
        let client = client.clone();
        async move {
            let r = client.get(path).send().await.expect("answered");
            Fetched::read(r).await
        }
    };
    for code in ["az", "en", "ru"] {
        let home = get(format!("{}/{code}/", server.address)).await;
        assert_eq!(home.status, StatusCode::OK, "{code}");
    }
    // The lead story exists in all three editions, each naming the others.
    let home = get(format!("{}/ru/", server.address)).await;
    let lead = home
        .hrefs("main a")
        .into_iter()
        .find(|h| h.starts_with("/ru/vneshnyaya-politika/"))
        .expect("the translated story on the ru home");
    let page = get(format!("{}{lead}", server.address)).await;
    let langs: Vec<String> = alternates(&page).into_iter().map(|(l, _)| l).collect();
    for lang in ["az", "en", "ru", "x-default"] {
        assert!(langs.contains(&lang.to_owned()), "{langs:?}");
    }

    // The printed login works.
    let form = get(format!("{}/newsroom/login", server.address)).await;
    let signed = client
        .post(format!("{}/newsroom/login", server.address))
        .form(&[
            ("username", newsline::import::demo::EDITOR),
            ("password", password.as_str()),
            ("csrf", csrf_of(&form).as_str()),
            ("next", "/newsroom"),
        ])
        .send()
        .await
        .expect("answered");
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let desk = get(format!("{}/newsroom", server.address)).await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(desk.body.contains("Demo Editor"), "{}", desk.body);

    // Every edition's front page is arranged, through the newsroom.
    let store = newsline::store::Store::open(&db.url).await.expect("store");
    let audit = store.audit_entries(500).await.expect("audit");
    for code in ["az", "en", "ru"] {
        assert!(
            audit.iter().any(|e| e.action == "arranged the front page"
                && e.subject == format!("front:{code}")
                && e.system.as_deref() == Some(newsline::import::demo::ACTOR)),
            "{code}"
        );
    }
    store.close().await;
}

#[tokio::test]
async fn a_new_edition_is_a_draft_readers_do_not_see_until_an_admin_launches_it() {
    let app = site().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let added = admin
        .submit(
            "/newsroom/sections",
            "/newsroom/editions",
            &[
                ("code", "tr"),
                ("name", "Haber Ajansı"),
                ("outlet", "Ajans"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let section = admin
        .submit(
            "/newsroom/sections",
            "/newsroom/sections",
            &[("edition", "tr"), ("slug", "gundem"), ("name", "Gündem")],
        )
        .await;
    assert_eq!(section.status, StatusCode::SEE_OTHER, "{}", section.body);
    // The desk prepares the edition: a published story and its English original.
    let english = create(&admin, &story("en", "politics", "Ministers meet", "")).await;
    let original = english.to_string();
    let turkish = create(
        &admin,
        &story("tr", "gundem", "Bakanlar buluştu", &original),
    )
    .await;
    app.settle().await;

    let (seen, links, robots, sitemaps) = what_readers_see(&app, english).await;
    for (path, status) in &seen {
        assert_eq!(*status, StatusCode::NOT_FOUND, "a draft edition's {path}");
    }
    assert!(
        links.iter().all(|href| !href.contains("/tr/")),
        "no link leads readers to the draft: {links:?}"
    );
    assert!(!robots.contains("/sitemaps/tr/"), "{robots}");
    assert!(!sitemaps.contains("/tr/"), "{sitemaps}");
    let story_page = app.get(&app.item_path(turkish).await).await;
    assert_eq!(story_page.status, StatusCode::NOT_FOUND);

    // The newsroom lists it as a draft, and an editor's preview still works there.
    let sections_page = admin.get("/newsroom/sections").await;
    assert_eq!(
        sections_page.texts(".editions .edition-draft").len(),
        1,
        "{}",
        sections_page.body
    );
    let front = admin.get("/newsroom/front-page/tr").await;
    assert_eq!(front.status, StatusCode::OK, "{}", front.body);

    // Launching it is one step; it is audited and readers see it at once.
    let token = csrf_of(&sections_page);
    let launched = admin
        .post("/newsroom/editions/tr/launch", &[("csrf", token.as_str())])
        .await;
    assert_eq!(launched.status, StatusCode::SEE_OTHER, "{}", launched.body);
    app.settle().await;
    let (seen, links, robots, _) = what_readers_see(&app, english).await;
    for (path, status) in &seen {
        assert_eq!(*status, StatusCode::OK, "a launched edition's {path}");
    }
    assert!(links.iter().any(|href| href.contains("/tr/")), "{links:?}");
    assert!(robots.contains("/sitemaps/tr/news.xml"), "{robots}");
    assert_eq!(
        app.get(&app.item_path(turkish).await).await.status,
        StatusCode::OK
    );
    let audit = admin.get("/newsroom/audit").await;
    assert!(audit.body.contains("edition launched"), "{}", audit.body);
    let sections_page = admin.get("/newsroom/sections").await;
    assert!(sections_page.texts(".editions .edition-draft").is_empty());

    // An unknown edition is not there to launch; a form without its token changes nothing.
    let token = csrf_of(&sections_page);
    let unknown = admin
        .post("/newsroom/editions/xx/launch", &[("csrf", token.as_str())])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_edition_the_config_declares_is_public_even_if_the_newsroom_added_it_first() {
    let db = Database::fresh();
    {
        let app = TestApp::spawn_on(db).await;
        let admin = app.signed_in("chief", Role::Admin).await;
        let added = admin
            .submit(
                "/newsroom/sections",
                "/newsroom/editions",
                &[
                    ("code", "ru"),
                    ("name", "Агентство"),
                    ("outlet", "Агентство"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        app.settle().await;
        assert!(app.read.snapshot().edition("ru").is_none());
        let db = {
            app.server_stop().await;
            app.into_database()
        };
        let app = TestApp::spawn_with(db, configured(CONFIG)).await;
        app.settle().await;
        assert_eq!(app.get("/ru/").await.status, StatusCode::OK);
    }
}

/// Statuses of a `tr` edition's pages, the links pages of `en` and its story
/// `english` give readers, robots.txt and the sitemap index.
async fn what_readers_see(
    app: &TestApp,
    english: i64,
) -> (Vec<(String, StatusCode)>, Vec<String>, String, String) {
    let mut seen = Vec::new();
    for path in [
        "/tr/",
        "/tr/gundem",
        "/tr/feed.xml",
        "/sitemaps/tr/news.xml",
    ] {
        seen.push((path.to_owned(), app.get(path).await.status));
    }
    let home = app.get("/en/").await;
    let english_path = app.item_path(english).await;
    let article = app.get(&english_path).await;
    assert_eq!(article.status, StatusCode::OK, "{english_path}");
    let links = [
        home.hrefs("nav.editions a"),
        article.hrefs("nav.editions a"),
        alternates(&article)
            .into_iter()
            .map(|(_, href)| href)
            .collect(),
        article.hrefs(".translations a"),
    ]
    .concat();
    let robots = app.get("/robots.txt").await.body;
    let sitemap_index = app.get("/sitemap.xml").await.body;
    (seen, links, robots, sitemap_index)
}

#[tokio::test]
async fn an_admin_renames_an_edition_and_every_page_of_it_shows_the_new_name() {
    let app = TestApp::spawn().await;
    let filed = app
        .file(filings(vec![brief(
            "Ministers meet",
            "politics",
            "2025-05-21T10:00:00Z",
        )]))
        .await;
    app.settle().await;
    let old = app.get("/en/").await.texts(".site-name a");
    assert_eq!(old.len(), 1);
    // Pages readers have seen are cached: the rename must reach them all the same.
    let story = app.item_path(filed[0].id()).await;
    for path in ["/en/", "/en/feed.xml", story.as_str()] {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    let admin = app.signed_in("chief", Role::Admin).await;
    let renamed = admin
        .submit(
            "/newsroom/sections",
            "/newsroom/editions/en/name",
            &[("name", "Harbour Herald"), ("outlet", "Herald")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    app.settle().await;
    assert_eq!(
        app.get("/en/").await.texts(".site-name a"),
        ["Harbour Herald"]
    );
    assert_eq!(
        app.get(&story).await.texts(".site-name a"),
        ["Harbour Herald"]
    );
    let home = app.get("/en/").await;
    assert!(
        home.body.contains("title=\"Harbour Herald (RSS)\""),
        "the feed's link is named anew: {}",
        home.body
    );
    let feed = app.get("/en/feed.xml").await;
    assert!(feed.body.contains("Harbour Herald"), "{}", feed.body);
    let audit = admin.get("/newsroom/audit").await;
    assert!(audit.body.contains("edition renamed"), "{}", audit.body);
    let list = admin.get("/newsroom/sections").await;
    assert_eq!(input_value(&list, "name"), "Harbour Herald");

    // Refused names keep what was typed in the row, and change nothing.
    let before = app.store.primary().last_seq().await.expect("seq");
    let long = "H".repeat(121);
    for (name, outlet) in [("   ", "Herald"), (long.as_str(), "Herald"), ("Fine", "")] {
        let refused = admin
            .submit(
                "/newsroom/sections",
                "/newsroom/editions/en/name",
                &[("name", name), ("outlet", outlet)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_eq!(refused.texts("#edition-en .field-error").len(), 1);
        let typed = |id: &str| {
            let selector = scraper::Selector::parse(id).expect("selector");
            refused
                .html()
                .select(&selector)
                .next()
                .and_then(|i| i.value().attr("value").map(str::to_owned))
                .unwrap_or_default()
        };
        assert_eq!(typed("#edition-name-en"), name);
        assert_eq!(typed("#edition-outlet-en"), outlet);
    }
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
    let unknown = admin
        .submit(
            "/newsroom/sections",
            "/newsroom/editions/xx/name",
            &[("name", "Nowhere"), ("outlet", "Nowhere")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/en/").await.texts(".site-name a"),
        ["Harbour Herald"]
    );
}

#[tokio::test]
async fn what_the_newsroom_changes_in_a_configured_edition_outlives_restarts_until_the_config_changes()
 {
    let app = site().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let renamed = admin
        .submit(
            "/newsroom/sections",
            "/newsroom/editions/en/name",
            &[("name", "Harbour Herald"), ("outlet", "Herald")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    let moved = admin
        .submit(
            "/newsroom/sections",
            "/newsroom/sections/en/politics/edit",
            &[("name", "Power"), ("slug", "power")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);

    // The same config at the next start puts nothing back and adds nothing.
    app.server_stop().await;
    let app = TestApp::spawn_with(app.into_database(), configured(CONFIG)).await;
    let home = app.get("/en/").await;
    assert_eq!(home.texts(".site-name a"), ["Harbour Herald"]);
    assert_eq!(home.texts(".sections a"), ["Power"]);
    assert_eq!(
        app.get("/en/politics").await.header("location"),
        "/en/power"
    );

    // A config that changes the edition is applied again.
    let changed = CONFIG.replace("name = \"News Agency\"", "name = \"The News Agency\"");
    app.server_stop().await;
    let app = TestApp::spawn_with(app.into_database(), configured(&changed)).await;
    let home = app.get("/en/").await;
    assert_eq!(home.texts(".site-name a"), ["The News Agency"]);
    assert_eq!(
        home.texts(".sections a"),
        ["Power"],
        "a section the newsroom moved is not made again at its old address"
    );
}
