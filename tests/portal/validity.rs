//! Every page type is valid HTML5 by the W3C Nu validator.

use std::path::PathBuf;
use std::process::Command;

use crate::support::*;

/// Where `scripts/test` installs the validator, unless `VNU_JAR` names another copy.
fn vnu_jar() -> PathBuf {
    std::env::var_os("VNU_JAR").map_or_else(
        || repo_root().join(".tools/node_modules/vnu-jar/build/dist/vnu.jar"),
        PathBuf::from,
    )
}

#[tokio::test]
async fn every_page_type_passes_the_nu_html_validator() {
    let jar = vnu_jar();
    assert!(
        jar.exists(),
        "the Nu HTML validator is not installed at {}: run scripts/test, which installs it",
        jar.display()
    );
    let app = TestApp::spawn_with_demo().await;
    let home = app.get("/en/").await;
    let article = home
        .hrefs(".leads a.headline")
        .into_iter()
        .find(|h| h.contains("/foreign-policy/"))
        .expect("the demo article");
    let brief = home.hrefs(".news-line li a")[0].clone();
    let pages = [
        ("home", "/en/".to_owned()),
        ("article", article),
        ("brief", brief),
        ("archive", "/en/news".to_owned()),
        ("archive-page-2", "/en/news?page=2".to_owned()),
        ("day", "/en/news/2025/05/21".to_owned()),
        ("section", "/en/foreign-policy".to_owned()),
        ("author", "/en/author/madina-mammadova".to_owned()),
        ("tag", "/en/tag/defence".to_owned()),
        ("az-home", "/az/".to_owned()),
        ("not-found", "/en/nothing-here".to_owned()),
        ("bad-request", "/en/news?page=zero".to_owned()),
        ("search", "/en/search?q=military+ties".to_owned()),
        (
            "search-respelt",
            "/en/search?q=militray&section=defence&sort=newest".to_owned(),
        ),
        ("search-empty", "/az/search".to_owned()),
        ("api-reference", "/api/v1/docs".to_owned()),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, path) in &pages {
        let page = app.get(path).await;
        assert!(!page.body.is_empty(), "{path}");
        std::fs::write(dir.path().join(format!("{name}.html")), &page.body).expect("write page");
    }
    let newsroom = [
        ("newsroom-login", "/newsroom/login".to_owned()),
        ("newsroom-desk", "/newsroom".to_owned()),
        ("newsroom-new", "/newsroom/items/new".to_owned()),
        ("newsroom-edit", "/newsroom/items/1".to_owned()),
        ("newsroom-history", "/newsroom/items/1/history".to_owned()),
        ("newsroom-sections", "/newsroom/sections".to_owned()),
        ("newsroom-media", "/newsroom/media".to_owned()),
        ("newsroom-audit", "/newsroom/audit".to_owned()),
        ("newsroom-password", "/newsroom/password".to_owned()),
        ("newsroom-account", "/newsroom/account".to_owned()),
        ("newsroom-webhook", "/newsroom/webhooks/1".to_owned()),
        ("newsroom-front-pages", "/newsroom/front-page".to_owned()),
        ("newsroom-front-page", "/newsroom/front-page/en".to_owned()),
        ("newsroom-wire", "/newsroom/wire".to_owned()),
        ("newsroom-wire-feeds", "/newsroom/wire/feeds".to_owned()),
        (
            "newsroom-search",
            "/newsroom/search?q=military&status=published".to_owned(),
        ),
    ];
    let admin = app.signed_in("chief", newsline::domain::Role::Admin).await;
    // A webhook as it is added, its secret shown once; the save below queues a delivery
    // to it (to a closed local port), for its page to list.
    let webhooks = admin
        .submit(
            "/newsroom/webhooks",
            "/newsroom/webhooks",
            &[
                ("url", "http://127.0.0.1:9/hooks"),
                ("published", "on"),
                ("updated", "on"),
            ],
        )
        .await;
    assert_eq!(
        webhooks.status,
        reqwest::StatusCode::OK,
        "the webhooks page"
    );
    std::fs::write(dir.path().join("newsroom-webhooks.html"), &webhooks.body).expect("write page");
    // Wire copy for the queue to list, and a feed (at a closed local port) whose
    // failed poll the feeds page shows.
    let wire = newsline::import::feed::parse(
        b"<rss version=\"2.0\"><channel><title>Caspian Wire</title><item><title>Ferry &amp; rail</title>\
          <guid>w1</guid><link>https://wire.example/w1</link><description>Text.</description></item></channel></rss>",
    )
    .expect("a feed");
    app.newsroom
        .file_wire_copy(
            &newsline::newsroom::Actor::system("wire"),
            &newsline::domain::SourceName::parse("Caspian Wire").expect("name"),
            None,
            &newsline::domain::EditionCode::parse("en").expect("code"),
            &wire.stories,
        )
        .await
        .expect("filed");
    admin
        .submit(
            "/newsroom/wire/feeds",
            "/newsroom/wire/feeds",
            &[
                ("name", "Closed Port"),
                ("url", "http://127.0.0.1:9/feed.xml"),
                ("edition", "en"),
                ("minutes", "5"),
            ],
        )
        .await;
    app.wire.poll_due().await.expect("polled");
    // One save so the item has a history and a diff to show.
    let editor_page = admin.get("/newsroom/items/1").await;
    let fields = [
        ("edition", "en"),
        ("kind", "brief"),
        ("headline", "A brief, edited"),
        ("section", "society"),
        ("step", "save"),
    ];
    let mut form = fields.to_vec();
    let version = version_of(&editor_page);
    let token = csrf_of(&editor_page);
    form.push(("version", &version));
    form.push(("csrf", &token));
    admin.post("/newsroom/items/1", &form).await;
    let history = admin.get("/newsroom/items/1/history").await;
    let versions = history.texts("form tbody tr td:first-child");
    let diff = format!(
        "/newsroom/items/1/diff?from={}&to={}",
        versions.last().cloned().unwrap_or_default(),
        versions.first().cloned().unwrap_or_default()
    );
    for (name, path) in newsroom.iter().chain([("newsroom-diff", diff)].iter()) {
        let page = if *name == "newsroom-login" {
            app.browser().get(path).await
        } else {
            admin.get(path).await
        };
        assert_eq!(page.status, reqwest::StatusCode::OK, "{path}");
        std::fs::write(dir.path().join(format!("{name}.html")), &page.body).expect("write page");
    }
    // The tokens page as it shows a new token's secret, once, above the list.
    let tokens = admin
        .submit(
            "/newsroom/tokens",
            "/newsroom/tokens",
            &[
                ("name", "Wire feed"),
                ("read", "on"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(tokens.status, reqwest::StatusCode::OK, "the tokens page");
    assert_eq!(tokens.texts(".token-secret").len(), 1);
    std::fs::write(dir.path().join("newsroom-tokens.html"), &tokens.body).expect("write page");
    // The home page with an arranged front and a breaking strip, and its preview.
    let breaking = admin
        .submit(
            "/newsroom/items/new",
            "/newsroom/items",
            &[
                ("edition", "en"),
                ("kind", "brief"),
                ("headline", "Breaking: a brief"),
                ("section", "society"),
                ("breaking", "true"),
                ("step", "publish"),
            ],
        )
        .await;
    assert_eq!(breaking.status, reqwest::StatusCode::SEE_OTHER, "published");
    let front = admin.get("/newsroom/front-page/en").await;
    let id_of = |href: &str| {
        href.rsplit('/')
            .next()
            .and_then(|s| s.split('-').next())
            .unwrap_or_default()
            .to_owned()
    };
    let lead = id_of(&home.hrefs(".leads a.headline")[0]);
    let top = home
        .hrefs(".news-line li a")
        .iter()
        .map(|h| id_of(h))
        .find(|id| *id != lead)
        .expect("another item");
    let society = app
        .read
        .snapshot()
        .section_by_slug("en", "society")
        .expect("society")
        .id
        .to_string();
    let version = input_value(&front, "version");
    let token = csrf_of(&front);
    let arrangement = |button: &'static str| {
        vec![
            ("lead", lead.clone()),
            ("top", top.clone()),
            ("block_section", society.clone()),
            ("block_count", "3".to_owned()),
            ("version", version.clone()),
            ("csrf", token.clone()),
            ("button", button.to_owned()),
        ]
    };
    let form = |fields: &[(&'static str, String)]| {
        fields
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect::<Vec<_>>()
    };
    let preview_fields = form(&arrangement("preview"));
    let preview_refs: Vec<(&str, &str)> = preview_fields
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let preview = admin.post("/newsroom/front-page/en", &preview_refs).await;
    assert_eq!(preview.status, reqwest::StatusCode::OK, "the preview");
    std::fs::write(dir.path().join("home-preview.html"), &preview.body).expect("write page");
    let save_fields = form(&arrangement("save"));
    let save_refs: Vec<(&str, &str)> = save_fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = admin.post("/newsroom/front-page/en", &save_refs).await;
    assert_eq!(
        saved.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        saved.body
    );
    app.settle().await;
    let arranged = app.get("/en/").await;
    assert_eq!(
        arranged.texts(".breaking-strip li a"),
        ["Breaking: a brief"]
    );
    assert_eq!(arranged.texts(".section-block h3").len(), 1);
    std::fs::write(dir.path().join("home-arranged.html"), &arranged.body).expect("write page");
    let history = admin.get("/newsroom/front-page/en").await;
    std::fs::write(
        dir.path().join("newsroom-front-page-history.html"),
        &history.body,
    )
    .expect("write page");
    // The second step of a sign-in, for an account with two-factor sign-in on.
    let second = app.actor("second", newsline::domain::Role::Editor).await;
    let setup = app
        .newsroom
        .start_two_factor(&second, "Newsline")
        .await
        .expect("set-up");
    let code = newsline::newsroom::code_at(&setup.secret, jiff::Timestamp::now()).expect("code");
    app.newsroom
        .confirm_two_factor(&second, &code, jiff::Timestamp::now())
        .await
        .expect("two-factor sign-in on");
    let browser = app.browser();
    let token = csrf_of(&browser.get("/newsroom/login").await);
    browser
        .post(
            "/newsroom/login",
            &[
                ("username", "second"),
                ("password", "a long enough password"),
                ("csrf", &token),
            ],
        )
        .await;
    let page = browser.get("/newsroom/login/code?next=/newsroom").await;
    assert_eq!(page.status, reqwest::StatusCode::OK, "the code page");
    std::fs::write(dir.path().join("newsroom-login-code.html"), &page.body).expect("write page");
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "text", "--skip-non-html"])
        .arg(dir.path())
        .output()
        .expect("java runs the validator: scripts/test installs a JRE where missing");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the validator reports errors:\n{report}"
    );
}
