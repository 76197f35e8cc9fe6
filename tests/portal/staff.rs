//! Accounts managed by admins in the browser: made, given another role, disabled and
//! enabled, a password reset; refusals keep what was typed, the last admin stays, and
//! no other role reaches any of it.

use newsline::domain::Role;
use reqwest::StatusCode;

use crate::support::*;

const FIRST: &str = "a first password here";

/// The role cell, state cell and two-factor cell of `login`'s row on the accounts page.
async fn row(admin: &Browser, login: &str) -> (String, String, String) {
    let page = admin.get("/newsroom/accounts").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cell = |class: &str| page.texts(&format!("#account-{login} .{class}")).concat();
    (cell("role"), cell("state"), cell("two-factor"))
}

#[tokio::test]
async fn an_admin_adds_a_reporter_changes_the_role_disables_enables_and_resets_the_password() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let nav = admin.get("/newsroom").await.hrefs("header nav a");
    assert!(nav.contains(&"/newsroom/accounts".to_owned()), "{nav:?}");
    assert!(nav.contains(&"/newsroom/media".to_owned()), "{nav:?}");

    let added = admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts",
            &[
                ("login", "ayla"),
                ("name", "Ayla Karimova"),
                ("role", "reporter"),
                ("password", FIRST),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(added.texts("[role=status]").concat().contains("ayla"));
    assert_eq!(
        row(&admin, "ayla").await,
        ("Reporter".into(), "active".into(), "off".into())
    );
    let (ayla, answer) = app.sign_in("ayla", FIRST).await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "the reporter signs in"
    );
    // A reporter may not arrange the front page; an editor may, from the next request.
    assert_eq!(
        ayla.get("/newsroom/front-page/en").await.status,
        StatusCode::FORBIDDEN
    );
    let promoted = admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/ayla/role",
            &[("role", "editor")],
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    assert_eq!(row(&admin, "ayla").await.0, "Editor");
    assert_ne!(
        ayla.get("/newsroom/front-page/en").await.status,
        StatusCode::FORBIDDEN
    );

    // Disabling ends the session at once; enabling lets the same password in again.
    let disabled = admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/ayla/disabled",
            &[("disabled", "1")],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    assert_eq!(row(&admin, "ayla").await.1, "disabled");
    assert_eq!(ayla.get("/newsroom").await.status, StatusCode::SEE_OTHER);
    assert_ne!(
        app.sign_in("ayla", FIRST).await.1.status,
        StatusCode::SEE_OTHER
    );
    admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/ayla/disabled",
            &[("disabled", "0")],
        )
        .await;
    assert_eq!(row(&admin, "ayla").await.1, "active");
    let (ayla, answer) = app.sign_in("ayla", FIRST).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);

    // A reset ends the sessions; only the new password signs in.
    let reset = admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/ayla/password",
            &[("password", "another long password")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(ayla.get("/newsroom").await.status, StatusCode::SEE_OTHER);
    assert_ne!(
        app.sign_in("ayla", FIRST).await.1.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.sign_in("ayla", "another long password").await.1.status,
        StatusCode::SEE_OTHER
    );

    let audit = admin.get("/newsroom/audit").await.body;
    // An admin resetting their own password is signed out with every other session.
    let own = admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/chief/password",
            &[("password", "the chiefs new password")],
        )
        .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER, "{}", own.body);
    assert_eq!(own.header("location"), "/newsroom/login");
    assert_eq!(admin.get("/newsroom").await.status, StatusCode::SEE_OTHER);
    for entry in [
        "account created",
        "role changed",
        "account disabled",
        "account enabled",
        "password reset",
    ] {
        assert!(audit.contains(entry), "{entry}: {audit}");
    }
}

#[tokio::test]
async fn a_refused_account_keeps_what_was_typed_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let before = app.newsroom.accounts().await.expect("accounts").len();
    for (login, name, role, password, why) in [
        ("ayla", "Ayla Karimova", "editor", "short", "weak password"),
        ("chief", "Ayla Karimova", "editor", FIRST, "login taken"),
        ("ayla", "Ayla Karimova", "owner", FIRST, "no such role"),
        ("a", "Ayla Karimova", "editor", FIRST, "bad login"),
    ] {
        let refused = admin
            .submit(
                "/newsroom/accounts",
                "/newsroom/accounts",
                &[
                    ("login", login),
                    ("name", name),
                    ("role", role),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert_eq!(refused.texts("[role=alert]").len(), 1, "{why}");
        assert_eq!(input_value(&refused, "login"), login, "{why}");
        assert_eq!(input_value(&refused, "name"), name, "{why}");
        assert!(
            !refused.body.contains(password) || password == "short",
            "{why}: a password is never sent back"
        );
    }
    assert_eq!(
        app.newsroom.accounts().await.expect("accounts").len(),
        before
    );
    let bad_role = admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/chief/role",
            &[("role", "system")],
        )
        .await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let nobody = admin
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/nobody/role",
            &[("role", "editor")],
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_disabled() {
    let app = TestApp::spawn().await;
    let chief = app.signed_in("chief", Role::Admin).await;
    for (path, field) in [
        ("/newsroom/accounts/chief/role", ("role", "editor")),
        ("/newsroom/accounts/chief/disabled", ("disabled", "1")),
    ] {
        let refused = chief.submit("/newsroom/accounts", path, &[field]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(
            refused
                .texts("[role=alert]")
                .concat()
                .contains("at least one active admin"),
            "{}",
            refused.body
        );
    }
    assert_eq!(
        row(&chief, "chief").await,
        ("Admin".into(), "active".into(), "off".into())
    );
    // With a second admin, one may step down.
    app.signed_in("deputy", Role::Admin).await;
    let stepped_down = chief
        .submit(
            "/newsroom/accounts",
            "/newsroom/accounts/chief/role",
            &[("role", "editor")],
        )
        .await;
    assert_eq!(stepped_down.status, StatusCode::SEE_OTHER);
    assert_eq!(stepped_down.header("location"), "/newsroom");
    assert_eq!(
        chief.get("/newsroom/accounts").await.status,
        StatusCode::FORBIDDEN,
        "no longer an admin"
    );
    let account = app
        .newsroom
        .accounts()
        .await
        .expect("accounts")
        .into_iter()
        .find(|a| a.username == "chief")
        .expect("chief");
    assert_eq!(account.role, Role::Editor);
}

#[tokio::test]
async fn only_admins_reach_accounts_and_every_form_needs_its_token() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("chief", Role::Admin).await;
    app.signed_in("target", Role::Reporter).await;
    let changes: [(&str, (&str, &str)); 4] = [
        ("/newsroom/accounts", ("role", "admin")),
        ("/newsroom/accounts/target/role", ("role", "admin")),
        ("/newsroom/accounts/target/disabled", ("disabled", "1")),
        (
            "/newsroom/accounts/target/password",
            ("password", "an intruders password"),
        ),
    ];
    for (name, role) in [("rep", Role::Reporter), ("edi", Role::Editor)] {
        let browser = app.signed_in(name, role).await;
        assert_eq!(
            browser.get("/newsroom/accounts").await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
        let nav = browser.get("/newsroom").await.hrefs("header nav a");
        assert!(!nav.contains(&"/newsroom/accounts".to_owned()), "{name}");
        let token = csrf_of(&browser.get("/newsroom/items/new").await);
        for (path, field) in changes {
            let before = app.store.primary().last_seq().await.expect("seq");
            let accounts = everything(&app).await;
            let answer = browser
                .post(path, &with(field, &[("csrf", token.as_str())]))
                .await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{name} {path}");
            assert_eq!(everything(&app).await, accounts, "{name} {path}");
            assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
        }
    }
    // An admin's browser tricked into posting without the session's token changes nothing.
    let accounts = everything(&app).await;
    for (path, field) in changes {
        let answer = admin.post(path, &with(field, &[])).await;
        assert!(answer.status.is_client_error(), "{path}: {}", answer.status);
    }
    assert_eq!(everything(&app).await, accounts);
}

/// Every account's login, role, state and password hash.
async fn everything(app: &TestApp) -> Vec<(String, Role, bool, String)> {
    app.newsroom
        .accounts()
        .await
        .expect("accounts")
        .into_iter()
        .map(|a| (a.username, a.role, a.disabled, a.password_hash))
        .collect()
}

/// A form of `field` and `extra`, filled out as an account for an intruder would be.
fn with<'a>(field: (&'a str, &'a str), extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![field];
    for (name, value) in [
        ("login", "intruder"),
        ("name", "Intruder"),
        ("password", "an intruders password"),
    ] {
        if name != field.0 {
            form.push((name, value));
        }
    }
    form.extend_from_slice(extra);
    form
}
