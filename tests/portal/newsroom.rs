//! The newsroom over HTTP: accounts and sessions, roles, CSRF, the workflow,
//! revisions, stale saves, uploads and hostile input.

use jiff::SignedDuration;
use newsline::domain::Role;
use reqwest::StatusCode;

use crate::import::newsline as run_newsline;
use crate::support::*;

fn field<'a>(form: &'a [(&'a str, &'a str)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v)
}

/// The fields of a new article in the test site's politics section.
pub fn article_fields<'a>(headline: &'a str, step: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("edition", "en"),
        ("kind", "article"),
        ("headline", headline),
        ("dek", ""),
        ("body", "First paragraph.\n\nSecond paragraph."),
        ("section", "politics"),
        ("authors", "Ayla Karimova"),
        // The byline's name is new in a fresh newsroom; the editor confirms it.
        ("new_authors", "Ayla Karimova"),
        ("tags", "Parliament"),
        ("step", step),
    ]
}

/// Creates an item through the editor; returns its id.
pub async fn create(browser: &Browser, fields: &[(&str, &str)]) -> i64 {
    let response = browser
        .submit("/newsroom/items/new", "/newsroom/items", fields)
        .await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}: {}",
        field(fields, "headline"),
        response.body
    );
    let location = response.header("location");
    location
        .trim_start_matches("/newsroom/items/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no item id in {location}"))
}

/// Saves item `id` with `fields` and `step`, using the version its editor shows now.
pub async fn save(browser: &Browser, id: i64, fields: &[(&str, &str)], step: &str) -> Fetched {
    let editor = browser.get(&format!("/newsroom/items/{id}")).await;
    let version = version_of(&editor);
    let mut all = fields.to_vec();
    all.retain(|(k, _)| *k != "step");
    all.push(("step", step));
    all.push(("version", &version));
    let token = csrf_of(&editor);
    all.push(("csrf", &token));
    browser.post(&format!("/newsroom/items/{id}"), &all).await
}

async fn public_line(app: &TestApp) -> Vec<String> {
    app.settle().await;
    app.get("/en/").await.texts(".news-line li a")
}

#[tokio::test]
async fn a_first_admin_from_the_command_line_signs_in_writes_and_publishes() {
    let app = TestApp::spawn().await;
    let out = Cli::new()
        .args(app.db.flags())
        .args([
            "user",
            "add",
            "--role",
            "admin",
            "--display-name",
            "Chief Editor",
            "chief",
        ])
        .input(b"a long enough password\n")
        .output()
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = run_newsline(&app.db, &["user", "list"]).await;
    assert!(String::from_utf8_lossy(&listed.stdout).contains("chief\tadmin\tactive\tChief Editor"));

    let browser = app.browser();
    assert_eq!(
        browser.get("/newsroom").await.status,
        StatusCode::SEE_OTHER,
        "signed out: to the sign-in page"
    );
    let login = browser.get("/newsroom/login").await;
    let token = csrf_of(&login);
    let signed = browser
        .post(
            "/newsroom/login",
            &[
                ("username", "chief"),
                ("password", "a long enough password"),
                ("csrf", &token),
                ("next", "/newsroom"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/newsroom").await.status, StatusCode::OK);

    let preview = browser
        .submit(
            "/newsroom/items/new",
            "/newsroom/items",
            &article_fields("Parliament meets", "preview"),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(
        preview.texts(".preview .body p"),
        ["First paragraph.", "Second paragraph."]
    );
    assert!(
        public_line(&app).await.is_empty(),
        "a preview saves nothing"
    );

    create(&browser, &article_fields("Parliament meets", "publish")).await;
    assert_eq!(
        public_line(&app).await,
        ["Parliament meets"],
        "in the news line without a restart"
    );
}

#[tokio::test]
async fn the_session_cookie_is_protected_and_new_at_every_sign_in() {
    let app = TestApp::spawn().await;
    app.newsroom
        .create_account(
            "writer",
            "Writer",
            Role::Reporter,
            "a long enough password",
            None,
        )
        .await
        .expect("account");
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let browser = app.browser();
        let token = csrf_of(&browser.get("/newsroom/login").await);
        let response = browser
            .post(
                "/newsroom/login",
                &[
                    ("username", "writer"),
                    ("password", "a long enough password"),
                    ("csrf", &token),
                ],
            )
            .await;
        let cookie = response
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("newsline_session="))
            .expect("a session cookie")
            .to_owned();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        tokens.push(cookie.split(';').next().unwrap_or_default().to_owned());
    }
    assert_ne!(tokens[0], tokens[1], "a new session id at every sign-in");
}

#[tokio::test]
async fn wrong_passwords_are_refused_alike_and_then_limited() {
    let app = TestApp::spawn().await;
    app.newsroom
        .create_account(
            "target",
            "Target",
            Role::Editor,
            "a long enough password",
            None,
        )
        .await
        .expect("account");
    let browser = app.browser();
    let token = csrf_of(&browser.get("/newsroom/login").await);
    let unknown = browser
        .post(
            "/newsroom/login",
            &[
                ("username", "nobody"),
                ("password", "whatever it is"),
                ("csrf", &token),
            ],
        )
        .await;
    let wrong = browser
        .post(
            "/newsroom/login",
            &[
                ("username", "target"),
                ("password", "not the password"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.texts(".form-error"),
        wrong.texts(".form-error"),
        "no hint which part was wrong"
    );
    for _ in 0..4 {
        browser
            .post(
                "/newsroom/login",
                &[
                    ("username", "target"),
                    ("password", "not the password"),
                    ("csrf", &token),
                ],
            )
            .await;
    }
    let limited = browser
        .post(
            "/newsroom/login",
            &[
                ("username", "target"),
                ("password", "a long enough password"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits now"
    );
    let no_token = app.browser();
    let refused = no_token
        .post(
            "/newsroom/login",
            &[
                ("username", "target"),
                ("password", "a long enough password"),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "sign-in needs its form token too"
    );
}

#[tokio::test]
async fn forms_without_the_session_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("Forged publish", "publish");
    fields.push(("csrf", "not-the-token"));
    let response = editor.post("/newsroom/items", &fields).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let without = editor
        .post(
            "/newsroom/items",
            &article_fields("Forged publish", "publish"),
        )
        .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    assert!(public_line(&app).await.is_empty());
    assert!(
        !editor
            .get("/newsroom")
            .await
            .body
            .contains("Forged publish")
    );
}

#[tokio::test]
async fn each_role_may_do_exactly_its_part() {
    let app = TestApp::spawn().await;
    let reporter = app.signed_in("reporter", Role::Reporter).await;
    let other = app.signed_in("other", Role::Reporter).await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let admin = app.signed_in("admin", Role::Admin).await;

    // A reporter writes and submits a draft, but cannot publish it in any way.
    let mut fields = article_fields("Reporter's draft", "save");
    fields.retain(|(k, _)| !matches!(*k, "authors" | "tags"));
    fields.push(("authors", "reporter name"));
    let id = create(&reporter, &fields).await;
    for step in ["publish", "schedule", "unpublish"] {
        let response = save(&reporter, id, &fields, step).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "reporter {step}");
    }
    assert_eq!(
        save(&other, id, &fields, "save").await.status,
        StatusCode::NOT_FOUND,
        "someone else's draft is not there for a reporter"
    );
    assert_eq!(
        save(&reporter, id, &fields, "submit").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        editor
            .get("/newsroom")
            .await
            .body
            .contains("Reporter&#39;s draft")
            || editor
                .get("/newsroom")
                .await
                .body
                .contains("Reporter's draft")
    );
    assert!(
        public_line(&app).await.is_empty(),
        "nothing a reporter did is public"
    );

    // A reporter cannot create sections, read the audit log or correct anything.
    let section = reporter
        .submit(
            "/newsroom/sections",
            "/newsroom/sections",
            &[("edition", "en"), ("slug", "sport"), ("name", "Sport")],
        )
        .await;
    assert_eq!(section.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reporter.get("/newsroom/audit").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        editor.get("/newsroom/audit").await.status,
        StatusCode::FORBIDDEN
    );

    // The editor publishes; the reporter cannot correct; the editor can.
    assert_eq!(
        save(&editor, id, &fields, "publish").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(public_line(&app).await, ["Reporter's draft"]);
    let correction = reporter
        .submit(
            &format!("/newsroom/items/{id}"),
            &format!("/newsroom/items/{id}/corrections"),
            &[("note", "x")],
        )
        .await;
    assert_eq!(correction.status, StatusCode::FORBIDDEN);
    let correction = editor
        .submit(
            &format!("/newsroom/items/{id}"),
            &format!("/newsroom/items/{id}/corrections"),
            &[("note", "The vote was on Tuesday, not Monday.")],
        )
        .await;
    assert_eq!(correction.status, StatusCode::SEE_OTHER);

    // Only an admin reads the audit log, which names who did what.
    let audit = admin.get("/newsroom/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    let rows = audit.texts("tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("reporter name") && r.contains("submitted for review")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("editor name") && r.contains("published")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("editor name") && r.contains("corrected")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn an_item_goes_through_review_publication_correction_and_withdrawal() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let fields = article_fields("Budget passes", "save");
    let id = create(&editor, &fields).await;
    assert!(
        editor
            .get("/newsroom")
            .await
            .texts("#list-drafts + table a")
            .contains(&"Budget passes".to_owned())
    );
    assert_eq!(
        save(&editor, id, &fields, "submit").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        save(&editor, id, &fields, "submit").await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only drafts go to review"
    );
    assert_eq!(
        save(&editor, id, &fields, "publish").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(public_line(&app).await, ["Budget passes"]);
    let mut flagged = fields.clone();
    flagged.push(("breaking", "true"));
    assert_eq!(
        save(&editor, id, &flagged, "save").await.status,
        StatusCode::SEE_OTHER
    );
    app.settle().await;
    assert_eq!(
        app.get("/en/").await.texts(".news-line .breaking"),
        ["Breaking"],
        "a saved change to a published item shows at once"
    );

    let response = editor
        .submit(
            &format!("/newsroom/items/{id}"),
            &format!("/newsroom/items/{id}/corrections"),
            &[("note", "An earlier version gave the wrong total.")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    app.settle().await;
    let href = app.get("/en/").await.hrefs(".news-line li a")[0].clone();
    let page = app.get(&href).await;
    assert_eq!(page.texts(".correction").len(), 1);
    assert!(page.texts(".correction")[0].contains("An earlier version gave the wrong total."));
    assert_eq!(page.texts(".updated").len(), 1, "the updated time shows");
    let corrections = app.get("/en/corrections").await;
    assert_eq!(corrections.status, StatusCode::OK);
    assert!(corrections.texts(".correction")[0].contains("wrong total"));

    assert_eq!(
        save(&editor, id, &fields, "unpublish").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(public_line(&app).await.is_empty());
    assert_eq!(app.get(&href).await.status, StatusCode::NOT_FOUND);
    assert!(
        editor
            .get("/newsroom")
            .await
            .texts("#list-unpublished + table a")
            .contains(&"Budget passes".to_owned())
    );
}

#[tokio::test]
async fn a_scheduled_item_goes_live_on_time_and_an_embargo_holds_on_every_path() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let local = |minutes: i64| {
        (app.now() + SignedDuration::from_mins(minutes))
            .to_zoned_datetime(zone.clone())
            .strftime("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let (soon, later, past) = (local(1), local(120), local(-5));
    let mut fields = article_fields("Held until noon", "save");
    fields.push(("embargo", &later));
    let id = create(&editor, &fields).await;
    let page = editor.get(&format!("/newsroom/items/{id}")).await;
    assert_eq!(
        page.texts(".embargo-notice").len(),
        1,
        "the editor shows the embargo plainly"
    );
    let publish = save(&editor, id, &fields, "publish").await;
    assert_eq!(publish.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(publish.body.contains("embargoed until"));
    let mut early = fields.clone();
    early.push(("publish_at", &soon));
    assert_eq!(
        save(&editor, id, &early, "schedule").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut in_past = article_fields("Late", "save");
    in_past.push(("publish_at", &past));
    let late = create(&editor, &in_past).await;
    assert_eq!(
        save(&editor, late, &in_past, "schedule").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(public_line(&app).await.is_empty());

    // Scheduling itself, a few seconds ahead, through the editor form.
    let due = app.now() + SignedDuration::from_secs(3);
    let at = due
        .to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let mut timed = article_fields("On the minute", "save");
    timed.push(("publish_at", &at));
    let id = create(&editor, &timed).await;
    assert_eq!(
        save(&editor, id, &timed, "schedule").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(public_line(&app).await.is_empty(), "not before its time");
    app.advance(SignedDuration::from_secs(2)).await;
    assert!(
        public_line(&app).await.is_empty(),
        "still waiting a second before its time"
    );
    assert!(
        editor
            .get("/newsroom")
            .await
            .texts("#list-scheduled + table a")
            .contains(&"On the minute".to_owned())
    );
    app.advance(SignedDuration::from_secs(1)).await;
    assert_eq!(
        public_line(&app).await,
        ["On the minute"],
        "the scheduled item went live the moment its time came"
    );
}

#[tokio::test]
async fn an_embargo_holds_until_the_clock_passes_it() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let embargo = (app.now() + SignedDuration::from_mins(10))
        .to_zoned_datetime(zone)
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let mut fields = article_fields("Held for ten minutes", "save");
    fields.push(("embargo", &embargo));
    let id = create(&editor, &fields).await;

    app.advance(SignedDuration::from_mins(10) - SignedDuration::from_secs(1))
        .await;
    let early = save(&editor, id, &fields, "publish").await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("embargoed until"));
    assert_eq!(
        editor
            .get(&format!("/newsroom/items/{id}"))
            .await
            .texts(".embargo-notice")
            .len(),
        1,
        "the embargo still holds a second before it ends"
    );
    assert!(public_line(&app).await.is_empty());

    app.advance(SignedDuration::from_secs(1)).await;
    assert!(
        editor
            .get(&format!("/newsroom/items/{id}"))
            .await
            .texts(".embargo-notice")
            .is_empty(),
        "no notice once the embargo has ended"
    );
    assert_eq!(
        save(&editor, id, &fields, "publish").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(public_line(&app).await, ["Held for ten minutes"]);
}

#[tokio::test]
async fn revisions_show_differences_and_restore() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let first = article_fields("First headline", "save");
    let id = create(&editor, &first).await;
    let second = article_fields("Second headline", "save");
    assert_eq!(
        save(&editor, id, &second, "save").await.status,
        StatusCode::SEE_OTHER
    );
    let history = editor.get(&format!("/newsroom/items/{id}/history")).await;
    let versions: Vec<String> = history.texts("form tbody tr td:first-child");
    assert!(versions.len() >= 2, "{versions:?}");
    let (newest, oldest) = (versions[0].clone(), versions[versions.len() - 1].clone());
    let diff = editor
        .get(&format!(
            "/newsroom/items/{id}/diff?from={oldest}&to={newest}"
        ))
        .await;
    assert_eq!(diff.status, StatusCode::OK);
    // Marked word by word: only the word that changed, the rest as it was.
    assert_eq!(diff.texts(".diff del"), ["[-First]"]);
    assert_eq!(diff.texts(".diff ins"), ["[+Second]"]);
    assert!(
        diff.texts(".diff .diff-words")
            .concat()
            .contains("[-First][+Second] headline"),
        "{}",
        diff.body
    );
    let restore = editor
        .submit(
            &format!("/newsroom/items/{id}/diff?from={oldest}&to={newest}"),
            &format!("/newsroom/items/{id}/restore"),
            &[
                ("revision", &oldest),
                (
                    "version",
                    &version_of(&editor.get(&format!("/newsroom/items/{id}")).await),
                ),
            ],
        )
        .await;
    assert_eq!(restore.status, StatusCode::SEE_OTHER, "{}", restore.body);
    let page = editor.get(&format!("/newsroom/items/{id}")).await;
    assert!(page.body.contains("value=\"First headline\""));
    assert!(
        editor
            .get(&format!("/newsroom/items/{id}/history"))
            .await
            .texts("tbody tr")
            .len()
            > versions.len()
    );
    assert_eq!(
        editor
            .get(&format!("/newsroom/items/{id}/diff?from=x&to=1"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_stale_save_is_refused_and_the_typed_text_comes_back() {
    let app = TestApp::spawn().await;
    let first = app.signed_in("first", Role::Editor).await;
    let second = app.signed_in("second", Role::Editor).await;
    let id = create(&first, &article_fields("Shared story", "save")).await;
    first.get(&format!("/newsroom/items/{id}")).await;
    let seen_by_second = second.get(&format!("/newsroom/items/{id}")).await;
    let old_version = version_of(&seen_by_second);
    assert!(
        seen_by_second.body.contains("Also open by"),
        "the second editor sees who else has it open"
    );
    assert_eq!(
        save(
            &first,
            id,
            &article_fields("First editor's change", "save"),
            "save"
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );

    let mut typed = article_fields("Second editor's text", "save");
    typed.push(("version", &old_version));
    let token = csrf_of(&seen_by_second);
    typed.push(("csrf", &token));
    let stale = second.post(&format!("/newsroom/items/{id}"), &typed).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Someone else saved this item"));
    assert!(
        stale.body.contains("value=\"Second editor&#39;s text\"")
            || stale.body.contains("Second editor&#39;s text")
            || stale.body.contains("Second editor's text")
    );
    assert!(
        stale
            .texts(".form-error strong")
            .iter()
            .any(|t| t.contains("Someone else saved"))
    );
    let page = first.get(&format!("/newsroom/items/{id}")).await;
    assert!(page.body.contains("First editor"), "the first save stands");
}

#[tokio::test]
async fn markup_in_fields_never_runs_in_the_newsroom_or_for_readers() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("<script>alert('h')</script>", "publish");
    fields.retain(|(k, _)| !matches!(*k, "body" | "tags"));
    fields.push((
        "body",
        "Text <script>alert('b')</script><img src=x onerror=alert(1)>",
    ));
    fields.push(("tags", "<b onmouseover=alert(1)>tag</b>"));
    let id = create(&editor, &fields).await;
    for page in [
        editor.get("/newsroom").await,
        editor.get(&format!("/newsroom/items/{id}")).await,
    ] {
        assert!(
            !page.body.contains("<script>alert"),
            "escaped in the newsroom"
        );
    }
    app.settle().await;
    let href = app.get("/en/").await.hrefs(".news-line li a")[0].clone();
    let public = app.get(&href).await;
    assert!(!public.body.contains("<script>alert"));
    assert!(!public.body.contains("onerror"));
    assert!(!public.body.contains("<b onmouseover"));
}

#[tokio::test]
async fn bad_input_gets_clear_errors_next_to_the_fields() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("", "save");
    fields.retain(|(k, _)| !matches!(*k, "section" | "authors" | "related"));
    fields.push(("section", "no-such-section"));
    fields.push(("authors", ""));
    fields.push(("related", "banana"));
    let response = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = response.texts(".field-error");
    assert!(
        errors.iter().any(|e| e.contains("headline is empty")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains("section")), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("related") || e.contains("id of an item")),
        "{errors:?}"
    );
    assert!(
        response.body.contains("First paragraph."),
        "the typed body is kept"
    );
    let bogus = editor
        .submit(
            "/newsroom/items/new",
            "/newsroom/items",
            &article_fields("x", "launch"),
        )
        .await;
    assert_eq!(bogus.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        editor.get("/newsroom/items/abc").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        editor.get("/newsroom/items/999999").await.status,
        StatusCode::NOT_FOUND
    );
    let huge = "x".repeat(3 * 1024 * 1024);
    let too_big = editor
        .submit("/newsroom/items/new", "/newsroom/items", &[("body", &huge)])
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn signing_out_disabling_and_password_changes_end_sessions() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let out = editor.submit("/newsroom", "/newsroom/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        editor.get("/newsroom").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );

    let reporter = app.signed_in("writer", Role::Reporter).await;
    app.newsroom
        .set_account_disabled("writer", true, None)
        .await
        .expect("disabled");
    assert_eq!(
        reporter.get("/newsroom").await.status,
        StatusCode::SEE_OTHER,
        "a disabled account's session ends"
    );

    let admin = app.signed_in("admin", Role::Admin).await;
    let wrong = admin
        .submit(
            "/newsroom/password",
            "/newsroom/password",
            &[
                ("current", "not it at all"),
                ("new", "another long password"),
                ("repeat", "another long password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = admin
        .submit(
            "/newsroom/password",
            "/newsroom/password",
            &[
                ("current", "a long enough password"),
                ("new", "another long password"),
                ("repeat", "another long password"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(
        admin.get("/newsroom").await.status,
        StatusCode::SEE_OTHER,
        "sessions end with a new password"
    );
}

#[tokio::test]
async fn images_are_checked_by_decoding_and_become_lead_images_with_variants() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let broken = upload(
        &editor,
        b"GIF89a not really".to_vec(),
        "photo.gif",
        "A photo",
    )
    .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        broken.texts(".form-error").len(),
        1,
        "a broken image is refused with a message"
    );
    let text_as_png = upload(&editor, b"just text".to_vec(), "photo.png", "A photo").await;
    assert_eq!(text_as_png.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text_as_png
            .body
            .contains("not a JPEG, PNG, WebP or GIF image"),
        "{}",
        text_as_png.body
    );
    let no_alt = upload(&editor, png(800, 400), "photo.png", " ").await;
    assert_eq!(no_alt.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_alt.body.contains("alt text"));

    let ok = upload(
        &editor,
        png(800, 400),
        "anything.txt",
        "Delegates at the session",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let media = editor.get(ok.header("location")).await;
    let code = media.texts("p[role=status] code");
    assert_eq!(code.len(), 1);
    let src = code[0]
        .split('(')
        .nth(1)
        .and_then(|s| s.strip_suffix(')'))
        .expect("markdown link")
        .to_owned();
    let original = app.get(&src).await;
    assert_eq!(original.status, StatusCode::OK);
    assert_eq!(original.header("content-type"), "image/png");
    assert!(original.header("cache-control").contains("immutable"));
    assert_eq!(
        app.get("/media/..%2f..%2fCargo.toml").await.status,
        StatusCode::NOT_FOUND
    );

    let html = media.html();
    let option = scraper::Selector::parse("img").expect("selector");
    assert!(html.select(&option).next().is_some());
    let editor_page = editor.get("/newsroom/items/new").await;
    let select = scraper::Selector::parse("input[name=lead_media]").expect("selector");
    let media_id = editor_page
        .html()
        .select(&select)
        .filter_map(|o| o.value().attr("value"))
        .find(|v| !v.is_empty())
        .expect("the upload is offered as a lead image")
        .to_owned();
    let mut fields = article_fields("With a picture", "publish");
    fields.push(("lead_media", &media_id));
    create(&editor, &fields).await;
    app.settle().await;
    let href = app.get("/en/").await.hrefs(".news-line li a")[0].clone();
    let page = app.get(&href).await;
    let img_selector = scraper::Selector::parse(".lead-image img").expect("selector");
    let doc = page.html();
    let img = doc.select(&img_selector).next().expect("a lead image");
    assert_eq!(img.value().attr("alt"), Some("Delegates at the session"));
    assert_eq!(img.value().attr("width"), Some("800"));
    assert_eq!(img.value().attr("height"), Some("400"));
    assert!(
        img.value()
            .attr("srcset")
            .is_some_and(|s| s.contains("640w"))
    );
    let source =
        scraper::Selector::parse(".lead-image source[type='image/webp']").expect("selector");
    let webp = doc
        .select(&source)
        .next()
        .and_then(|s| s.value().attr("srcset"))
        .expect("webp srcset")
        .to_owned();
    let first = webp.split(' ').next().expect("a webp url");
    let fetched = app.get(first).await;
    assert_eq!(fetched.header("content-type"), "image/webp");
    let og = scraper::Selector::parse("meta[property='og:image']").expect("selector");
    assert!(
        doc.select(&og).next().is_some(),
        "the social card names the lead image"
    );
    assert!(
        page.body.contains("\"image\":[{\"@type\":\"ImageObject\""),
        "the JSON-LD names it too"
    );
}

#[tokio::test]
async fn an_oversize_upload_is_refused_with_a_clear_message() {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.media.max_upload_bytes = 64 * 1024;
    })
    .await;
    app.file(newsline::newsroom::Batch {
        editions: vec![edition("en", "Test News")],
        ..Default::default()
    })
    .await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let typed = [
        "Delegates in the hall",
        "The congress opens",
        "Photo: A. Aliyev",
    ];
    // Over the layer-wide margin too, so nothing may cut the form off before the handler.
    let big = vec![0u8; 2 * 1024 * 1024];
    let refused = upload_described(&editor, big, "big.png", typed).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_typed_form_kept(&refused, typed);
    assert!(
        refused.texts("[role=alert]").concat().contains("0.06 MB"),
        "the message says the limit: {}",
        refused.body
    );
    assert!(app.store.media(10).await.expect("media").is_empty());
}

/// The page is the newsroom's upload form again, with what was typed still in its fields.
fn assert_typed_form_kept(page: &Fetched, [alt, caption, credit]: [&str; 3]) {
    assert!(
        page.body.contains("action=\"/newsroom/media\""),
        "the upload form again, not an error page: {}",
        page.body
    );
    assert!(!page.body.contains("Something went wrong"), "{}", page.body);
    assert_eq!(input_value(page, "alt"), alt);
    assert_eq!(input_value(page, "caption"), caption);
    assert_eq!(input_value(page, "credit"), credit);
}

#[tokio::test]
async fn a_file_of_the_wrong_type_is_refused_keeping_what_was_typed() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let typed = [
        "A map of the route",
        "Where the march goes",
        "Newsline graphics",
    ];
    let refused = upload_described(&editor, b"plain words".to_vec(), "map.png", typed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .texts("[role=alert]")
            .concat()
            .contains("not a JPEG, PNG, WebP or GIF image"),
        "{}",
        refused.body
    );
    assert_typed_form_kept(&refused, typed);
}

#[tokio::test]
async fn a_withdrawal_at_a_set_time_happens_on_time() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let fields = article_fields("For one day only", "save");
    let id = create(&editor, &fields).await;
    assert_eq!(
        save(&editor, id, &fields, "publish").await.status,
        StatusCode::SEE_OTHER
    );
    let zone = jiff::tz::TimeZone::get("Asia/Baku").expect("zone");
    let at = (app.now() + SignedDuration::from_secs(3))
        .to_zoned_datetime(zone)
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let mut expiring = fields.clone();
    expiring.push(("unpublish_at", &at));
    assert_eq!(
        save(&editor, id, &expiring, "unpublish").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        public_line(&app).await,
        ["For one day only"],
        "public until its expiry"
    );
    app.advance(SignedDuration::from_secs(2)).await;
    assert_eq!(
        public_line(&app).await,
        ["For one day only"],
        "still public a second before its expiry"
    );
    app.advance(SignedDuration::from_secs(1)).await;
    assert!(
        public_line(&app).await.is_empty(),
        "withdrawn the moment its expiry came"
    );
    let desk = editor.get("/newsroom").await;
    assert!(
        desk.texts("#list-unpublished + table a")
            .contains(&"For one day only".to_owned())
    );
}

#[tokio::test]
async fn a_section_or_edition_that_exists_already_is_refused_by_its_own_name() {
    let app = TestApp::spawn().await;
    app.file(newsline::newsroom::Batch {
        editions: vec![edition("en", "Test News")],
        ..Default::default()
    })
    .await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let sport = [("edition", "en"), ("slug", "sport"), ("name", "Sport")];
    let first = admin
        .submit("/newsroom/sections", "/newsroom/sections", &sport)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = admin
        .submit("/newsroom/sections", "/newsroom/sections", &sport)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = again.texts("[role=alert]").concat();
    assert!(
        said.contains("section address (slug) 'sport' is taken"),
        "{said}"
    );
    assert!(!said.contains("login name"), "{said}");

    let edition_again = admin
        .submit(
            "/newsroom/sections",
            "/newsroom/editions",
            &[("code", "en"), ("name", "Again"), ("outlet", "Newsline")],
        )
        .await;
    assert_eq!(edition_again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = edition_again.texts("[role=alert]").concat();
    assert!(said.contains("edition code 'en' is taken"), "{said}");
}

#[tokio::test]
async fn the_desk_pages_through_everything_published_with_an_edit_link_each() {
    let app = TestApp::spawn().await;
    let stories: Vec<_> = (1..=65)
        .map(|n| {
            let at = format!("2025-05-01T{:02}:{:02}:00Z", 8 + n / 60, n % 60);
            brief(&format!("Story {n:02}"), "politics", &at)
        })
        .collect();
    app.file(newsline::newsroom::Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: stories,
    })
    .await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let list = "section[aria-labelledby=list-published]";
    let headlines =
        |page: &Fetched| page.texts(&format!("{list} tbody td:first-child > a:first-child"));
    let expected = |from: usize, to: usize| -> Vec<String> {
        (to..=from).rev().map(|n| format!("Story {n:02}")).collect()
    };

    let first = editor.get("/newsroom").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        headlines(&first),
        expected(65, 36),
        "newest publication first"
    );
    assert!(first.hrefs(&format!("{list} a[rel=prev]")).is_empty());
    let next = first.hrefs(&format!("{list} a[rel=next]"));
    assert_eq!(next, ["/newsroom?page=2#list-published"]);

    let second = editor.get("/newsroom?page=2").await;
    assert_eq!(headlines(&second), expected(35, 6));
    assert_eq!(
        second.hrefs(&format!("{list} a[rel=prev]")),
        ["/newsroom#list-published"]
    );
    let third = editor
        .get(&second.hrefs(&format!("{list} a[rel=next]"))[0])
        .await;
    assert_eq!(headlines(&third), expected(5, 1));
    assert!(
        third.hrefs(&format!("{list} a[rel=next]")).is_empty(),
        "the end"
    );

    // Each published row links to its item in the newsroom's editor, by an "Edit" link.
    let edits = third.hrefs(&format!("{list} a.edit"));
    assert_eq!(edits.len(), 5);
    assert_eq!(third.texts(&format!("{list} a.edit"))[0], "Edit");
    let opened = editor.get(&edits[0]).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(opened.body.contains("Story 05"), "{}", opened.body);

    assert_eq!(
        editor.get("/newsroom?page=4").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        editor.get("/newsroom?page=two").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_cached_article_is_the_same_for_staff_and_readers_and_only_a_script_adds_edit() {
    let app = TestApp::spawn().await;
    let filed = app
        .file(newsline::newsroom::Batch {
            editions: vec![edition("en", "Test News")],
            sections: vec![("en".into(), "politics".into(), "Politics".into())],
            filings: vec![brief("Budget passes", "politics", "2025-05-01T09:00:00Z")],
        })
        .await;
    let id = filed[0].id();
    let path = app.item_path(id).await;

    // Signing in leaves a hint for the public pages' script, and nothing secret in it.
    app.newsroom
        .create_account(
            "staff",
            "Staff",
            Role::Editor,
            "a long enough password",
            None,
        )
        .await
        .expect("account");
    let staff = app.browser();
    let token = csrf_of(&staff.get("/newsroom/login").await);
    let signed_in = staff
        .post(
            "/newsroom/login",
            &[
                ("username", "staff"),
                ("password", "a long enough password"),
                ("csrf", &token),
                ("next", "/newsroom"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let hint = set_cookie(&signed_in, "newsline_staff=");
    assert!(hint.starts_with("newsline_staff=1;"), "{hint}");
    assert!(
        hint.contains("Path=/;") || hint.ends_with("Path=/"),
        "{hint}"
    );
    assert!(
        !hint.contains("HttpOnly"),
        "the script must read it: {hint}"
    );

    let for_staff = staff.get(&path).await;
    assert_eq!(for_staff.status, StatusCode::OK);
    let for_reader = app.get(&path).await;
    assert_eq!(for_reader.header("x-cache"), "hit");
    assert_eq!(for_staff.body, for_reader.body, "one page for everyone");
    assert_eq!(staff.get(&path).await.body, for_reader.body);
    assert!(
        for_reader
            .body
            .contains(&format!("data-item-id=\"{id}\" data-edit-label=\"Edit\"")),
        "{}",
        for_reader.body
    );
    assert!(!for_reader.body.contains("/newsroom/items/"));
    // The script the page loads is what adds the link, for a browser with the hint.
    let script = scraper::Selector::parse("script[src]").expect("selector");
    let src = for_reader
        .html()
        .select(&script)
        .find_map(|s| s.value().attr("src").map(str::to_owned))
        .expect("the page's script");
    let code = app.get(&src).await.body;
    assert!(code.contains("newsline_staff=1") && code.contains("\"/newsroom/items/\" + id"));

    let out = staff.submit("/newsroom", "/newsroom/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let cleared = set_cookie(&out, "newsline_staff=");
    assert!(
        cleared.contains("Max-Age=0") || cleared.contains("1970"),
        "{cleared}"
    );
}

/// The `Set-Cookie` header that starts with `prefix`.
fn set_cookie(page: &Fetched, prefix: &str) -> String {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(prefix))
        .unwrap_or_default()
        .to_owned()
}
