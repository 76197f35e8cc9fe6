//! Personal API tokens and the API's foundation: tokens made, listed and revoked in
//! the newsroom and from the command line; bearer authentication with problem
//! details; the public catalogue reads; the OpenAPI document.

use jiff::SignedDuration;
use newsline::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Row;

use crate::import::newsline as run_newsline;
use crate::support::*;

/// A response read as JSON, with its status and headers.
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts that this is a problem document with `status`, and returns it.
    fn problem(&self, status: StatusCode) -> &Value {
        assert_eq!(self.status, status, "{}", self.json);
        assert!(
            self.header("content-type")
                .starts_with("application/problem+json"),
            "{}",
            self.header("content-type")
        );
        assert_eq!(self.json["status"], status.as_u16());
        assert!(self.json["type"].is_string(), "{}", self.json);
        assert!(self.json["title"].is_string(), "{}", self.json);
        &self.json
    }
}

/// Sends `method path` with an `Authorization` header, when given.
async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    authorization: Option<&str>,
) -> Answer {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.expect("answered");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.expect("text");
    let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
    Answer {
        status,
        headers,
        json,
    }
}

async fn get_json(app: &TestApp, path: &str, token: Option<&str>) -> Answer {
    let bearer = token.map(|t| format!("Bearer {t}"));
    call(app, reqwest::Method::GET, path, bearer.as_deref()).await
}

/// Makes a token in the newsroom; returns the secret shown and the page.
async fn make_token(
    browser: &Browser,
    name: &str,
    scopes: &[&str],
    days: &str,
) -> (String, Fetched) {
    let mut form = vec![("name", name), ("expires_in_days", days)];
    for scope in scopes {
        form.push((scope, "on"));
    }
    let page = browser
        .submit("/newsroom/tokens", "/newsroom/tokens", &form)
        .await;
    let secret = page
        .texts(".token-secret")
        .first()
        .cloned()
        .unwrap_or_default();
    (secret, page)
}

/// The public id inside a token.
fn public_id(secret: &str) -> &str {
    &secret[3..15]
}

/// Every stored column of the token table, as text.
async fn stored_token_columns(db: &Database) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.expect("connect");
    let rows = sqlx::query(
        "SELECT public_id, name, token_hash, scopes, \
         CAST(expires_at AS TEXT) AS expires_at FROM api_tokens",
    )
    .fetch_all(&pool)
    .await
    .expect("tokens");
    let mut out = Vec::new();
    for row in rows {
        for column in ["public_id", "name", "token_hash", "scopes", "expires_at"] {
            out.push(row.try_get::<String, _>(column).expect("text column"));
        }
    }
    pool.close().await;
    out
}

#[tokio::test]
async fn a_token_made_in_the_newsroom_is_shown_once_stored_hashed_and_revoked() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in("editor", Role::Editor).await;
    let empty = browser.get("/newsroom/tokens").await;
    assert_eq!(empty.status, StatusCode::OK);

    // Without the session's form token nothing is made.
    let forged = browser
        .post(
            "/newsroom/tokens",
            &[
                ("name", "forged"),
                ("read", "on"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(stored_token_columns(&app.db).await.is_empty());

    let (secret, page) = make_token(&browser, "Mobile app", &["read"], "30").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(secret.starts_with("nl_") && secret.len() == 80, "{secret}");
    let id = public_id(&secret).to_owned();

    // Shown once: the list shows the id and the name, never the secret again.
    let list = browser.get("/newsroom/tokens").await;
    assert!(!list.body.contains(&secret));
    assert!(!list.body.contains(&secret[16..]));
    assert_eq!(list.texts(&format!("#token-{id} .state")), ["active"]);
    assert!(list.body.contains("Mobile app"));

    // Stored as a hash only.
    let columns = stored_token_columns(&app.db).await;
    assert!(
        columns.iter().all(|c| !c.contains(&secret[16..])),
        "{columns:?}"
    );
    assert!(columns.contains(&id));

    // It works as the editor, with the read scope and the chosen expiry.
    let me = get_json(&app, "/api/v1/me", Some(&secret)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(me.json["login"], "editor");
    assert_eq!(me.json["role"], "editor");
    assert_eq!(me.json["token"]["id"], id.as_str());
    assert_eq!(me.json["token"]["scopes"], serde_json::json!(["read"]));
    let expires: jiff::Timestamp = me.json["token"]["expires_at"]
        .as_str()
        .expect("expiry")
        .parse()
        .expect("RFC 3339");
    assert_eq!(expires, app.now() + SignedDuration::from_hours(30 * 24));
    assert_eq!(me.header("cache-control"), "no-store");

    // Revoking needs the form token too.
    let forged = browser
        .post(
            &format!("/newsroom/tokens/{id}/revoke"),
            &[("csrf", "nope")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get_json(&app, "/api/v1/me", Some(&secret)).await.status,
        StatusCode::OK
    );

    let revoked = browser
        .submit(
            "/newsroom/tokens",
            &format!("/newsroom/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let list = browser.get("/newsroom/tokens").await;
    assert_eq!(list.texts(&format!("#token-{id} .state")), ["revoked"]);
    get_json(&app, "/api/v1/me", Some(&secret))
        .await
        .problem(StatusCode::UNAUTHORIZED);

    // Both steps are in the audit log.
    let admin = app.actor("chief", Role::Admin).await;
    let audit = app.newsroom.audit(&admin, 50).await.expect("audit");
    let subject = format!("token:{id}");
    let actions: Vec<&str> = audit
        .iter()
        .filter(|e| e.subject == subject)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(actions, ["token revoked", "token created"]);
}

#[tokio::test]
async fn a_bad_token_request_in_the_newsroom_says_why_and_makes_nothing() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in("writer", Role::Reporter).await;
    let cases: [(&str, &[&str], &str, &str); 5] = [
        ("", &["read"], "30", "name"),
        ("No scope", &[], "30", "scope"),
        ("Forever", &["read"], "0", "days"),
        ("Too long", &["read"], "366", "days"),
        ("Not a number", &["write"], "soon", "days"),
    ];
    for (name, scopes, days, about) in cases {
        let (secret, page) = make_token(&browser, name, scopes, days).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{about}");
        assert!(secret.is_empty(), "{about}");
        assert_eq!(page.texts(".form-error").len(), 1, "{about}");
        assert!(page.texts(".form-error")[0].contains(about), "{about}");
    }
    assert!(stored_token_columns(&app.db).await.is_empty());
}

#[tokio::test]
async fn only_the_owner_or_an_admin_revokes_a_token() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_in_actor("owner", Role::Reporter).await;
    let cases = [
        ("other-reporter", Role::Reporter, false),
        ("other-editor", Role::Editor, false),
        ("other-admin", Role::Admin, true),
    ];
    for (login, role, may) in cases {
        let (secret, _) = make_token(&owner, login, &["read"], "7").await;
        let id = public_id(&secret).to_owned();
        let other = app.signed_in(login, role).await;
        let list = other.get("/newsroom/tokens").await;
        assert_eq!(
            list.body.contains(&id),
            may,
            "{login} sees the owner's tokens only as an admin"
        );
        let answer = other
            .submit(
                "/newsroom/tokens",
                &format!("/newsroom/tokens/{id}/revoke"),
                &[],
            )
            .await;
        let still = get_json(&app, "/api/v1/me", Some(&secret)).await.status;
        if may {
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{login}");
            assert_eq!(still, StatusCode::UNAUTHORIZED, "{login}");
        } else {
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{login}");
            assert_eq!(still, StatusCode::OK, "{login}: nothing changed");
        }
    }
    // A token that does not exist is not found.
    let answer = owner
        .submit(
            "/newsroom/tokens",
            "/newsroom/tokens/0123456789ab/revoke",
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tokens_are_made_listed_and_revoked_from_the_command_line() {
    let app = TestApp::spawn().await;
    app.actor("deskhead", Role::Editor).await;
    let made = run_newsline(
        &app.db,
        &[
            "token",
            "create",
            "--user",
            "deskhead",
            "--name",
            "Wire feed",
            "--scope",
            "read,write",
            "--expires-in-days",
            "90",
        ],
    )
    .await;
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let secret = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    assert!(secret.starts_with("nl_") && secret.len() == 80, "{secret}");
    assert!(String::from_utf8_lossy(&made.stderr).contains("not shown again"));
    let id = public_id(&secret).to_owned();

    let me = get_json(&app, "/api/v1/me", Some(&secret)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(
        me.json["token"]["scopes"],
        serde_json::json!(["read", "write"])
    );

    let listed = run_newsline(&app.db, &["token", "list", "--user", "deskhead"]).await;
    assert!(listed.status.success());
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        listed.starts_with(&format!("{id}\tdeskhead\tread,write\tactive\t")),
        "{listed}"
    );
    assert!(listed.trim_end().ends_with("\tWire feed"));
    assert!(!listed.contains(&secret[16..]), "never the secret again");

    // Bad flags: a clear message naming the flag, a failure, nothing made.
    let bad: [(&[&str], &str); 6] = [
        (
            &[
                "--user",
                "deskhead",
                "--name",
                "x",
                "--scope",
                "admin",
                "--expires-in-days",
                "9",
            ],
            "--scope",
        ),
        (
            &[
                "--user",
                "deskhead",
                "--name",
                "x",
                "--scope",
                "read",
                "--expires-in-days",
                "400",
            ],
            "--expires-in-days",
        ),
        (
            &[
                "--user",
                "deskhead",
                "--name",
                "x",
                "--scope",
                "read",
                "--expires-in-days",
                "soon",
            ],
            "--expires-in-days",
        ),
        (
            &[
                "--user",
                "deskhead",
                "--name",
                " ",
                "--scope",
                "read",
                "--expires-in-days",
                "9",
            ],
            "--name",
        ),
        (
            &[
                "--user",
                "nobody",
                "--name",
                "x",
                "--scope",
                "read",
                "--expires-in-days",
                "9",
            ],
            "--user",
        ),
        (
            &["--user", "deskhead", "--name", "x", "--scope", "read"],
            "--expires-in-days",
        ),
    ];
    for (flags, named) in bad {
        let mut args = vec!["token", "create"];
        args.extend_from_slice(flags);
        let out = run_newsline(&app.db, &args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{flags:?}");
        assert!(stderr.contains(named), "{flags:?}: {stderr}");
    }
    let all = run_newsline(&app.db, &["token", "list"]).await;
    assert_eq!(String::from_utf8_lossy(&all.stdout).lines().count(), 1);
    let unknown = run_newsline(&app.db, &["token", "list", "--user", "nobody"]).await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--user"));

    let revoked = run_newsline(&app.db, &["token", "revoke", &id]).await;
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    get_json(&app, "/api/v1/me", Some(&secret))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    let again = run_newsline(&app.db, &["token", "revoke", &id]).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already revoked"));
    let missing = run_newsline(&app.db, &["token", "revoke", "ffffffffffff"]).await;
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no token"));
    let listed = run_newsline(&app.db, &["token", "list"]).await;
    assert!(String::from_utf8_lossy(&listed.stdout).contains("\trevoked\t"));
}

#[tokio::test]
async fn tokens_that_do_not_work_get_401_problems_with_a_bearer_challenge() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in("editor", Role::Editor).await;
    let (expiring, _) = make_token(&browser, "short", &["read"], "1").await;
    let (revoked, _) = make_token(&browser, "revoked", &["read"], "30").await;
    let (good, _) = make_token(&browser, "good", &["read"], "30").await;
    browser
        .submit(
            "/newsroom/tokens",
            &format!("/newsroom/tokens/{}/revoke", public_id(&revoked)),
            &[],
        )
        .await;
    // The clock moves past the short token's day; the server's clock, never a sleep.
    app.clock
        .advance(SignedDuration::from_hours(24) + SignedDuration::from_secs(1));
    let wrong_secret = format!("{}{}", &good[..16], "0".repeat(64));
    let unknown_id = format!("nl_ffffffffffff{}", &good[15..]);

    let cases: Vec<(&str, Option<String>, &str, &str)> = vec![
        ("no header", None, "unauthenticated", ""),
        (
            "another scheme",
            Some("Basic dXNlcjpwYXNz".into()),
            "unauthenticated",
            "",
        ),
        (
            "empty bearer",
            Some("Bearer ".into()),
            "invalid-token",
            "malformed",
        ),
        (
            "not a token",
            Some("Bearer abc.def".into()),
            "invalid-token",
            "not a Newsline",
        ),
        (
            "bad characters",
            Some("Bearer nl_\"quoted\"".into()),
            "invalid-token",
            "malformed",
        ),
        (
            "unknown id",
            Some(format!("Bearer {unknown_id}")),
            "invalid-token",
            "not valid",
        ),
        (
            "wrong secret",
            Some(format!("Bearer {wrong_secret}")),
            "invalid-token",
            "not valid",
        ),
        (
            "expired",
            Some(format!("Bearer {expiring}")),
            "invalid-token",
            "expired",
        ),
        (
            "revoked",
            Some(format!("Bearer {revoked}")),
            "invalid-token",
            "revoked",
        ),
    ];
    for (case, header, kind, says) in cases {
        let answer = call(&app, reqwest::Method::GET, "/api/v1/me", header.as_deref()).await;
        let problem = answer.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(
            problem["type"],
            format!("urn:newsline:problem:{kind}"),
            "{case}"
        );
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(says),
            "{case}: {problem}"
        );
        let challenge = answer.header("www-authenticate");
        assert!(
            challenge.starts_with("Bearer realm=\"newsline\""),
            "{case}: {challenge}"
        );
        assert_eq!(
            challenge.contains("error=\"invalid_token\""),
            kind == "invalid-token",
            "{case}: {challenge}"
        );
    }
    assert_eq!(
        get_json(&app, "/api/v1/me", Some(&good)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_token_acts_with_its_owners_current_role_and_stops_with_the_account() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in("changing", Role::Reporter).await;
    let (secret, _) = make_token(&browser, "app", &["read"], "30").await;
    assert_eq!(
        get_json(&app, "/api/v1/me", Some(&secret)).await.json["role"],
        "reporter"
    );
    app.newsroom
        .set_account_disabled("changing", true, None)
        .await
        .expect("disabled");
    let problem = get_json(&app, "/api/v1/me", Some(&secret)).await;
    assert!(
        problem.problem(StatusCode::UNAUTHORIZED)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("disabled")
    );
    app.newsroom
        .set_account_disabled("changing", false, None)
        .await
        .expect("enabled");
    assert_eq!(
        get_json(&app, "/api/v1/me", Some(&secret)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_token_without_the_read_scope_may_not_read_the_caller() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in("poster", Role::Editor).await;
    let (write_only, _) = make_token(&browser, "poster", &["write"], "30").await;
    let answer = get_json(&app, "/api/v1/me", Some(&write_only)).await;
    let problem = answer.problem(StatusCode::FORBIDDEN);
    assert_eq!(problem["type"], "urn:newsline:problem:insufficient-scope");
    assert!(
        answer
            .header("www-authenticate")
            .contains("error=\"insufficient_scope\"")
    );
}

#[tokio::test]
async fn the_catalogue_is_public_json_and_unknown_addresses_are_problems() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![article(
        "Talks resume",
        "politics",
        "2025-05-21T12:29:00Z",
        &["Madina Mammadova"],
    )]))
    .await;

    let editions = get_json(&app, "/api/v1/editions", None).await;
    assert_eq!(editions.status, StatusCode::OK);
    assert_eq!(editions.header("content-type"), "application/json");
    assert_eq!(
        editions.json,
        serde_json::json!({"data": [{"code": "en", "name": "Test News", "outlet": "Test News"}]})
    );

    let sections = get_json(&app, "/api/v1/editions/en/sections", None).await;
    let slugs: Vec<&str> = sections.json["data"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["slug"].as_str())
        .collect();
    assert!(
        slugs.contains(&"politics") && slugs.contains(&"economy"),
        "{slugs:?}"
    );
    for section in sections.json["data"].as_array().expect("list") {
        assert_eq!(section["edition"], "en");
        assert!(section["id"].is_i64() && section["name"].is_string());
    }
    get_json(&app, "/api/v1/editions/xx/sections", None)
        .await
        .problem(StatusCode::NOT_FOUND);

    let authors = get_json(&app, "/api/v1/authors", None).await;
    assert_eq!(authors.json["data"][0]["name"], "Madina Mammadova");
    assert!(authors.json["data"][0]["slug"].is_string());

    let tags = get_json(&app, "/api/v1/tags?edition=en", None).await;
    assert_eq!(tags.status, StatusCode::OK);
    assert!(tags.json["data"].is_array());
    let bad = get_json(&app, "/api/v1/tags?edition=xx", None).await;
    assert_eq!(
        bad.problem(StatusCode::BAD_REQUEST)["errors"][0]["parameter"],
        "edition"
    );
    let unknown = get_json(&app, "/api/v1/tags?colour=red", None).await;
    assert!(
        unknown.problem(StatusCode::BAD_REQUEST)["errors"][0]["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("colour")
    );

    for path in [
        "/api/v1/nothing",
        "/api/v1/editions/en/sections/politics/x",
        "/api/v1",
        "/api/v2/editions",
    ] {
        get_json(&app, path, None)
            .await
            .problem(StatusCode::NOT_FOUND);
    }
    let wrong = call(&app, reqwest::Method::DELETE, "/api/v1/editions", None).await;
    wrong.problem(StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong.header("allow").contains("GET"), "{:?}", wrong.headers);
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_route() {
    let app = TestApp::spawn().await;
    let doc = get_json(&app, "/api/v1/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(
        doc.json["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1."),
        "{}",
        doc.json["openapi"]
    );
    let paths = doc.json["paths"].as_object().expect("paths");
    let mounted = [
        "/api/v1/editions",
        "/api/v1/editions/{code}/sections",
        "/api/v1/authors",
        "/api/v1/tags",
        "/api/v1/items",
        "/api/v1/items/{id}",
        "/api/v1/editions/{code}/newsline",
        "/api/v1/me",
        "/api/v1/openapi.json",
        "/api/v1/docs",
    ];
    // Writes, tried in api_writes.rs.
    let written = [
        "/api/v1/items",
        "/api/v1/items/{id}",
        "/api/v1/items/{id}/submit",
        "/api/v1/items/{id}/schedule",
        "/api/v1/items/{id}/publish",
        "/api/v1/items/{id}/withdraw",
        "/api/v1/items/{id}/corrections",
        "/api/v1/media",
    ];
    let mut listed: Vec<&str> = paths.keys().map(String::as_str).collect();
    listed.sort_unstable();
    let mut expected = [&mounted[..], &written[..]].concat();
    expected.sort_unstable();
    // Items are read and written at the same addresses.
    expected.dedup();
    assert_eq!(listed, expected);
    for path in mounted {
        let concrete = path.replace("{code}", "en").replace("{id}", "1");
        let status = get_json(&app, &concrete, None).await.status;
        let expected = match path {
            "/api/v1/me" => StatusCode::UNAUTHORIZED,
            // The site has no items yet.
            "/api/v1/items/{id}" => StatusCode::NOT_FOUND,
            _ => StatusCode::OK,
        };
        assert_eq!(status, expected, "{path}");
    }
    let schemes = &doc.json["components"]["securitySchemes"]["bearer"];
    assert_eq!(schemes["type"], "http");
    assert_eq!(schemes["scheme"], "bearer");
    let problem = &doc.json["components"]["schemas"]["Problem"];
    for field in ["type", "title", "status", "detail", "errors"] {
        assert!(problem["properties"][field].is_object(), "Problem.{field}");
    }
    assert_eq!(
        doc.json["paths"]["/api/v1/me"]["get"]["security"][0]["bearer"][0],
        "read"
    );
    // The page for people names every operation of the document.
    let page = app.get("/api/v1/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    for (path, item) in paths {
        for method in item.as_object().expect("operations").keys() {
            let heading = format!("{} {path}", method.to_ascii_uppercase());
            assert!(page.body.contains(&heading), "{heading} missing");
        }
    }
}
