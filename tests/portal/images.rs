//! Images where the editor works: the focal point and the crops that keep it, uploads
//! from the editor in JSON, the lead image picker and the searchable library.

use newsline::domain::Role;
use newsline::web::newsroom::words as newsroom_words;
use reqwest::StatusCode;

use crate::newsroom::{article_fields, create};
use crate::support::*;

/// The newest image's record.
async fn newest(app: &TestApp) -> newsline::store::MediaRecord {
    app.store
        .media(1)
        .await
        .expect("media")
        .into_iter()
        .next()
        .expect("an image")
}

/// The image `id`'s record.
async fn image(app: &TestApp, id: i64) -> newsline::store::MediaRecord {
    app.store
        .media(i64::MAX)
        .await
        .expect("media")
        .into_iter()
        .find(|m| m.id == id)
        .expect("the image")
}

/// Uploads a `width`×`height` picture described by `alt` and returns its id.
async fn uploaded(app: &TestApp, browser: &Browser, width: u32, height: u32, alt: &str) -> i64 {
    let answer = upload(browser, png(width, height), "picture.png", alt).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    newest(app).await.id
}

/// Sends the focal point form of image `id` with the library's form token.
async fn frame(browser: &Browser, id: i64, x: &str, y: &str) -> Fetched {
    browser
        .submit(
            "/newsroom/media",
            &format!("/newsroom/media/{id}/focal-point"),
            &[("x", x), ("y", y)],
        )
        .await
}

/// Posts an upload as the editor's script does, asking for JSON.
async fn upload_json(
    browser: &Browser,
    csrf: Option<&str>,
    [alt, caption, credit]: [&str; 3],
    bytes: Vec<u8>,
) -> (StatusCode, String, serde_json::Value) {
    let mut form = reqwest::multipart::Form::new();
    if let Some(token) = csrf {
        form = form.text("csrf", token.to_owned());
    }
    let form = form
        .text("alt", alt.to_owned())
        .text("caption", caption.to_owned())
        .text("credit", credit.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("dropped.png"),
        );
    let r = browser
        .client
        .post(format!("{}/newsroom/media", browser.base))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("answered");
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = r.bytes().await.expect("a body");
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, kind, body)
}

#[tokio::test]
async fn who_may_move_a_focal_point_reporters_their_own_images_only() {
    let app = TestApp::spawn().await;
    let colleague = app.signed_in("colleague", Role::Editor).await;
    let theirs = uploaded(&app, &colleague, 300, 200, "A colleague's picture").await;
    // (role, whose image, allowed)
    let table = [
        (Role::Admin, "theirs", true),
        (Role::Editor, "theirs", true),
        (Role::Reporter, "theirs", false),
        (Role::Admin, "own", true),
        (Role::Editor, "own", true),
        (Role::Reporter, "own", true),
    ];
    for (n, (role, whose, allowed)) in table.into_iter().enumerate() {
        let browser = app.signed_in(&format!("framer{n}"), role).await;
        let id = match whose {
            "own" => uploaded(&app, &browser, 300 + n as u32, 200, "My own picture").await,
            _ => theirs,
        };
        let before = image(&app, id).await;
        let (x, y) = (100 + n as i64, 900 - n as i64);
        let answer = frame(&browser, id, &x.to_string(), &y.to_string()).await;
        let after = image(&app, id).await;
        let audited = app
            .store
            .audit_entries(100)
            .await
            .expect("audit")
            .into_iter()
            .any(|e| {
                e.action == "image focal point set"
                    && e.subject == format!("media:{id}")
                    && e.detail == format!("{x},{y}")
                    && e.user
                        .as_deref()
                        .is_some_and(|u| u.starts_with(&format!("framer{n}")))
            });
        assert_eq!(audited, allowed, "{role:?} {whose}: audited");
        if allowed {
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{role:?} {whose}");
            assert_eq!((after.focal_x, after.focal_y), (x, y), "{role:?} {whose}");
        } else {
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{role:?} {whose}");
            assert_eq!(
                (after.focal_x, after.focal_y),
                (before.focal_x, before.focal_y),
                "{role:?} {whose}"
            );
        }
    }
}

#[tokio::test]
async fn a_focal_point_starts_in_the_centre_and_bad_values_change_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let id = uploaded(&app, &editor, 400, 300, "Delegates").await;
    let centre = image(&app, id).await;
    assert_eq!((centre.focal_x, centre.focal_y), (500, 500));
    for (x, y) in [
        ("-1", "500"),
        ("500", "1001"),
        ("1001", "0"),
        ("abc", "10"),
        ("", ""),
        ("500.5", "20"),
        ("99999999999999999999", "1"),
    ] {
        let answer = frame(&editor, id, x, y).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{x:?},{y:?}");
        let now = image(&app, id).await;
        assert_eq!((now.focal_x, now.focal_y), (500, 500), "{x:?},{y:?}");
    }
    assert_eq!(
        frame(&editor, id + 1000, "10", "10").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        editor
            .submit(
                "/newsroom/media",
                "/newsroom/media/x/focal-point",
                &[("x", "1"), ("y", "1")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The edges are inside the image.
    assert_eq!(
        frame(&editor, id, "0", "1000").await.status,
        StatusCode::SEE_OTHER
    );
    let edge = image(&app, id).await;
    assert_eq!((edge.focal_x, edge.focal_y), (0, 1000));
}

#[tokio::test]
async fn a_focal_point_form_without_its_token_is_refused() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let id = uploaded(&app, &editor, 400, 300, "Delegates").await;
    let path = format!("/newsroom/media/{id}/focal-point");
    for form in [
        vec![("x", "10"), ("y", "10")],
        vec![("x", "10"), ("y", "10"), ("csrf", "forged")],
    ] {
        let answer = editor.post(&path, &form).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        let now = image(&app, id).await;
        assert_eq!((now.focal_x, now.focal_y), (500, 500));
    }
    // Nor may anyone signed out move it.
    let stranger = app.browser();
    let answer = stranger.post(&path, &[("x", "10"), ("y", "10")]).await;
    assert!(!answer.status.is_success(), "{}", answer.status);
    assert_eq!(image(&app, id).await.focal_x, 500);
}

#[tokio::test]
async fn the_home_page_crops_its_lead_image_around_the_focal_point() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let id = uploaded(&app, &editor, 1600, 900, "Delegates in the hall").await;
    assert_eq!(
        frame(&editor, id, "212", "788").await.status,
        StatusCode::SEE_OTHER
    );
    let media_id = id.to_string();
    let mut fields = article_fields("Summit opens", "publish");
    fields.push(("lead_media", &media_id));
    fields.push(("pinned", "true"));
    create(&editor, &fields).await;
    app.settle().await;
    let classes = |page: &Fetched| {
        let html = page.html();
        html.select(&scraper::Selector::parse(".lead-story img").expect("selector"))
            .next()
            .expect("the lead image")
            .value()
            .attr("class")
            .unwrap_or_default()
            .to_owned()
    };
    // Rounded to the nearest 5%.
    assert_eq!(classes(&app.get("/en/").await), "crop fx-20 fy-80");
    // The page shown before is refreshed when the point moves.
    assert_eq!(
        frame(&editor, id, "1000", "0").await.status,
        StatusCode::SEE_OTHER
    );
    app.settle().await;
    assert_eq!(classes(&app.get("/en/").await), "crop fx-100 fy-0");
    // Every class a point can round to is in the site's style sheet, with no inline
    // style anywhere.
    let css = app.get("/en/").await;
    let href = css.hrefs("link[rel=stylesheet]")[0].clone();
    let sheet = app.get(&href).await.body;
    for step in (0..=100).step_by(5) {
        assert!(sheet.contains(&format!(".fx-{step} {{ --fx: {step}%; }}")));
        assert!(sheet.contains(&format!(".fy-{step} {{ --fy: {step}%; }}")));
    }
    assert!(!app.get("/en/").await.body.contains("style="));
}

#[tokio::test]
async fn the_editor_previews_its_lead_image_with_the_same_crop() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let id = uploaded(&app, &editor, 1600, 900, "Delegates in the hall").await;
    frame(&editor, id, "300", "600").await;
    let media_id = id.to_string();
    let mut fields = article_fields("Summit opens", "preview");
    fields.push(("lead_media", &media_id));
    let preview = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    let html = preview.html();
    let img = html
        .select(&scraper::Selector::parse(".preview .lead-preview img").expect("selector"))
        .next()
        .expect("the previewed lead image");
    assert_eq!(img.value().attr("class"), Some("crop fx-30 fy-60"));
    assert_eq!(img.value().attr("alt"), Some("Delegates in the hall"));
    // The picker kept the choice.
    let checked = scraper::Selector::parse("input[name=lead_media][checked]").expect("selector");
    let chosen: Vec<_> = html
        .select(&checked)
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(chosen, [media_id.as_str()]);
}

#[tokio::test]
async fn an_upload_from_the_editor_answers_json_and_problems_in_the_account_s_language() {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.set("media.max_upload_bytes", "20000").expect("valid");
    })
    .await;
    app.file(newsline::newsroom::Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: Vec::new(),
    })
    .await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let chosen = editor
        .submit(
            "/newsroom/account",
            "/newsroom/account/language",
            &[("language", "ru")],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::OK);
    let ru = newsroom_words::for_language("ru");
    let token = csrf_of(&editor.get("/newsroom/items/new").await);
    let texts = ["Делегаты в зале", "Открытие сессии", "Фото: агентство"];

    let (status, kind, body) = upload_json(&editor, Some(&token), texts, png(60, 40)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(kind.starts_with("application/json"), "{kind}");
    let id = body["id"].as_i64().expect("an id");
    assert_eq!(body["alt"], "Делегаты в зале");
    assert_eq!(body["caption"], "Открытие сессии");
    assert_eq!(body["credit"], "Фото: агентство");
    assert_eq!(body["crop"], "crop fx-50 fy-50");
    let thumb = body["thumb"].as_str().expect("a thumbnail");
    assert_eq!(app.get(thumb).await.status, StatusCode::OK);
    assert_eq!(newest(&app).await.id, id);
    // The new image is offered in the editor's picker.
    let form = editor.get("/newsroom/items/new").await;
    let radios: Vec<String> = form
        .html()
        .select(&scraper::Selector::parse("input[name=lead_media]").expect("selector"))
        .filter_map(|i| i.value().attr("value").map(str::to_owned))
        .collect();
    assert_eq!(radios, ["".to_owned(), id.to_string()]);

    let count = app.store.media_count().await.expect("count");
    let problem = |status: StatusCode, kind: &str, body: &serde_json::Value| {
        assert!(kind.starts_with("application/problem+json"), "{kind}");
        assert_eq!(body["status"], status.as_u16());
        body["detail"].as_str().unwrap_or_default().to_owned()
    };
    let (status, kind, body) = upload_json(&editor, Some(&token), texts, png(400, 300)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let detail = problem(status, &kind, &body);
    assert!(detail.contains("МБ"), "{detail}");

    let (status, kind, body) =
        upload_json(&editor, Some(&token), texts, b"GIF? no, text".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(problem(status, &kind, &body), ru.not_an_image);

    let (status, kind, body) =
        upload_json(&editor, Some(&token), ["  ", "", ""], png(61, 40)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(problem(status, &kind, &body), ru.missing_alt);
    assert_eq!(body["errors"][0]["pointer"], "#/alt");

    for csrf in [None, Some("forged")] {
        let (status, kind, body) = upload_json(&editor, csrf, texts, png(62, 40)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(
            problem(status, &kind, &body),
            newsroom_words::Refusal::Csrf.text("ru")
        );
    }
    assert_eq!(app.store.media_count().await.expect("count"), count);
}

#[tokio::test]
async fn the_library_is_searched_over_alt_caption_and_credit_on_any_keyboard() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let described = [
        ["Şəki xan sarayı", "Sarayın fasadı", "Foto: Əli Həsənov"],
        [
            "Delegates in the hall",
            "The session opens",
            "Photo: Agency",
        ],
        ["Набережная Баку", "Вечер на бульваре", "Фото: Ёлкин"],
    ];
    for (n, texts) in described.iter().enumerate() {
        let answer = upload_described(&editor, png(50 + n as u32, 30), "p.png", *texts).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    }
    let found = |page: &Fetched| page.texts(".image-facts dd:first-of-type");
    for (q, expected) in [
        ("seki", vec!["Şəki xan sarayı"]),
        ("SARAYI", vec!["Şəki xan sarayı"]),
        ("hesenov", vec!["Şəki xan sarayı"]),
        ("session", vec!["Delegates in the hall"]),
        ("agency hall", vec!["Delegates in the hall"]),
        ("елкин", vec!["Набережная Баку"]),
        ("БУЛЬВАРЕ", vec!["Набережная Баку"]),
        ("nowhere", vec![]),
    ] {
        let page = editor
            .get(&format!("/newsroom/media?q={}", urlencode(q)))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{q}");
        assert_eq!(found(&page), expected, "{q}");
    }
    // Everything, newest first, when nothing is asked.
    assert_eq!(
        found(&editor.get("/newsroom/media").await),
        [
            "Набережная Баку",
            "Delegates in the hall",
            "Şəki xan sarayı"
        ]
    );
    // The query is shown back escaped.
    let page = editor
        .get(&format!(
            "/newsroom/media?q={}",
            urlencode("<b>\"bold\"</b>")
        ))
        .await;
    assert!(!page.body.contains("<b>\"bold\""), "unescaped");
    assert_eq!(input_value(&page, "q"), "<b>\"bold\"</b>");
    // A page that is not a whole number from 1 is refused.
    for page in ["0", "-1", "abc", "1.5", "99999999999999999999999"] {
        let answer = editor.get(&format!("/newsroom/media?page={page}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{page}");
    }
    // The editor's picker asks in JSON.
    let r = editor
        .client
        .get(format!("{}/newsroom/media?q=seki", editor.base))
        .header("accept", "application/json")
        .send()
        .await
        .expect("answered");
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value =
        serde_json::from_slice(&r.bytes().await.expect("a body")).expect("json");
    let images = body["images"].as_array().expect("images");
    assert_eq!(images.len(), 1);
    assert_eq!(images[0]["alt"], "Şəki xan sarayı");
    assert_eq!(images[0]["credit"], "Foto: Əli Həsənov");
    assert_eq!(body["more"], false);
}

#[tokio::test]
async fn the_library_pages_and_the_picker_keeps_an_older_chosen_image() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut ids = Vec::new();
    for n in 0..26u32 {
        ids.push(uploaded(&app, &editor, 20 + n, 10, &format!("Picture {n}")).await);
    }
    let first = editor.get("/newsroom/media").await;
    assert_eq!(first.texts(".image-facts dd:first-of-type").len(), 24);
    let next = first.hrefs(".pagination a[rel=next]");
    assert_eq!(next, ["/newsroom/media?page=2"]);
    let second = editor.get(&next[0]).await;
    assert_eq!(
        second.texts(".image-facts dd:first-of-type"),
        ["Picture 1", "Picture 0"]
    );
    assert!(second.hrefs(".pagination a[rel=next]").is_empty());
    let searched = editor.get("/newsroom/media?q=picture&page=2").await;
    assert_eq!(
        searched.hrefs(".pagination a[rel=prev]"),
        ["/newsroom/media?q=picture&page=1"]
    );

    // An item whose lead image is older than the picker's latest still offers it, chosen.
    let oldest = ids[0].to_string();
    let mut fields = article_fields("With an old picture", "save");
    fields.push(("lead_media", &oldest));
    let item = create(&editor, &fields).await;
    let page = editor.get(&format!("/newsroom/items/{item}")).await;
    let html = page.html();
    let radios = lead_choices(&html);
    assert_eq!(
        radios.len(),
        1 + 1 + 24,
        "no image, the chosen one, the latest"
    );
    assert!(radios.contains(&(oldest.clone(), true)), "{radios:?}");
    assert_eq!(radios.iter().filter(|(_, c)| *c).count(), 1);
    // The upload fields belong to a form of their own, never sent with the item.
    let owned =
        scraper::Selector::parse("#item-form input[type=file]:not([form])").expect("selector");
    assert!(html.select(&owned).next().is_none());
    let file = scraper::Selector::parse("input[type=file][form=editor-upload]").expect("selector");
    assert!(html.select(&file).next().is_some());
    // Without the script, the upload zone stays hidden and the editor links to the
    // library's upload form instead.
    let zone = scraper::Selector::parse("#drop-zone[hidden]").expect("selector");
    assert!(html.select(&zone).next().is_some());
    assert!(
        page.hrefs("#lead-picker a")
            .contains(&"/newsroom/media".to_owned())
    );
}

/// The lead image picker's choices: each radio's value and whether it is checked.
fn lead_choices(html: &scraper::Html) -> Vec<(String, bool)> {
    html.select(&scraper::Selector::parse("input[name=lead_media]").expect("selector"))
        .map(|i| {
            (
                i.value().attr("value").unwrap_or_default().to_owned(),
                i.value().attr("checked").is_some(),
            )
        })
        .collect()
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn without_a_script_the_picker_is_searched_by_showing_the_editor_again() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let chosen = uploaded(&app, &editor, 40, 30, "Chosen before").await;
    let street = uploaded(&app, &editor, 41, 30, "A quiet street").await;
    uploaded(&app, &editor, 42, 30, "The session").await;
    let chosen_id = chosen.to_string();
    let mut fields = article_fields("Typed and kept", "find-images");
    fields.push(("lead_media", &chosen_id));
    fields.push(("image_q", "QUIET"));
    let page = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.html();
    let radios = lead_choices(&html);
    assert_eq!(
        radios,
        [
            (String::new(), false),
            (chosen_id.clone(), true),
            (street.to_string(), false)
        ]
    );
    assert_eq!(input_value(&page, "headline"), "Typed and kept");
    assert_eq!(input_value(&page, "image_q"), "QUIET");
    // Nothing was saved.
    assert!(
        editor
            .get("/newsroom")
            .await
            .texts("main")
            .concat()
            .find("Typed and kept")
            .is_none()
    );
}
