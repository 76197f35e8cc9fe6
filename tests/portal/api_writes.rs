//! The API's writes: every role against every write, through the newsroom's own use
//! cases; `If-Match` on updates; bad input refused with problems and nothing changed;
//! tokens without the write scope refused everywhere; drafts deleted, nothing else.

use jiff::SignedDuration;
use newsline::domain::{ItemId, Role, Status, TokenLifetime, TokenName, TokenScopes};
use newsline::newsroom::{Actor, DraftInput, ItemCommand, SectionRef, Step, TokenRequest};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// A response read as JSON.
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

impl Answer {
    /// Asserts a problem document with `status`, and returns it.
    fn problem(&self, status: StatusCode) -> &Value {
        assert_eq!(self.status, status, "{}", self.json);
        let kind = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(kind.starts_with("application/problem+json"), "{kind}");
        assert_eq!(self.json["status"], status.as_u16(), "{}", self.json);
        &self.json
    }

    /// The JSON Pointers of a validation problem's fields.
    fn pointers(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["pointer"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One request: `body` is sent as JSON unless `raw` says otherwise.
struct Call<'a> {
    method: Method,
    path: String,
    token: &'a str,
    if_match: Option<String>,
    body: Option<String>,
    content_type: &'a str,
}

impl<'a> Call<'a> {
    fn new(method: Method, path: impl Into<String>, token: &'a str) -> Self {
        Self {
            method,
            path: path.into(),
            token,
            if_match: None,
            body: None,
            content_type: "application/json",
        }
    }

    fn json(mut self, body: &Value) -> Self {
        self.body = Some(body.to_string());
        self
    }

    fn raw(mut self, body: impl Into<String>, content_type: &'a str) -> Self {
        self.body = Some(body.into());
        self.content_type = content_type;
        self
    }

    fn if_match(mut self, etag: impl Into<String>) -> Self {
        self.if_match = Some(etag.into());
        self
    }

    async fn send(self, app: &TestApp) -> Answer {
        let mut request = app
            .client
            .request(self.method, format!("{}{}", app.address, self.path))
            .header("authorization", format!("Bearer {}", self.token));
        if let Some(etag) = self.if_match {
            request = request.header("if-match", etag);
        }
        if let Some(body) = self.body {
            request = request.header("content-type", self.content_type).body(body);
        }
        read(request.send().await.expect("answered")).await
    }
}

async fn read(response: reqwest::Response) -> Answer {
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

/// An account with `role` and a token of `scopes` acting as it.
async fn account(app: &TestApp, login: &str, role: Role, scopes: TokenScopes) -> (Actor, String) {
    let actor = app.actor(login, role).await;
    let token = issue(app, login, scopes).await;
    (actor, token)
}

async fn issue(app: &TestApp, login: &str, scopes: TokenScopes) -> String {
    app.newsroom
        .create_token(
            None,
            &TokenRequest {
                owner: login.to_owned(),
                name: TokenName::parse("tests").expect("name"),
                scopes,
                lifetime: TokenLifetime::days(30).expect("days"),
            },
        )
        .await
        .expect("token")
        .secret
}

fn brief(headline: &str) -> DraftInput {
    DraftInput {
        edition: "en".into(),
        kind: "brief".into(),
        headline: headline.into(),
        body: "Text.".into(),
        section: SectionRef::Slug("politics".into()),
        ..DraftInput::default()
    }
}

/// An item made through the newsroom by `actor`, after `step`.
async fn item(app: &TestApp, actor: &Actor, headline: &str, step: Step) -> ItemId {
    let draft = newsline::newsroom::Draft::parse(brief(headline)).expect("valid");
    app.newsroom
        .create_item(
            actor,
            &ItemCommand {
                draft,
                step,
                withdraw_at: None,
                note: None,
            },
        )
        .await
        .expect("created")
}

async fn version(app: &TestApp, id: ItemId) -> i64 {
    app.newsroom
        .item(id)
        .await
        .expect("read")
        .expect("exists")
        .version
}

async fn etag(app: &TestApp, id: ItemId) -> String {
    format!("W/\"v{}\"", version(app, id).await)
}

fn later(app: &TestApp) -> String {
    (app.now() + SignedDuration::from_hours(2)).to_string()
}

fn new_brief(headline: &str) -> Value {
    json!({
        "edition": "en",
        "kind": "brief",
        "headline": headline,
        "body": "Text.",
        "section": "politics",
    })
}

/// Whose item an action is taken on, and in what state.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// No item: the action makes one.
    None,
    /// The caller's own draft.
    OwnDraft,
    /// A colleague's draft.
    OthersDraft,
    /// A published item of a colleague's.
    Published,
}

/// Every write, as the table names it.
#[derive(Debug, Clone, Copy)]
enum Write {
    Create,
    CreateAndSubmit,
    CreateAndPublish,
    CreateAndSchedule,
    Patch,
    PatchFlag,
    Put,
    Submit,
    Publish,
    Schedule,
    Withdraw,
    Delete,
    Correct,
    Upload,
}

async fn perform(
    app: &TestApp,
    token: &str,
    write: Write,
    target: Option<ItemId>,
    n: usize,
) -> Answer {
    let path = |suffix: &str| format!("/api/v1/items/{}{suffix}", target.unwrap_or(0));
    let tag = match target {
        Some(id) => etag(app, id).await,
        None => String::new(),
    };
    let headline = format!("Item {n}");
    let with = |action: &str| {
        let mut body = new_brief(&headline);
        body["action"] = json!(action);
        if action == "schedule" {
            body["publish_at"] = json!(later(app));
        }
        body
    };
    let post = |p: String| Call::new(Method::POST, p, token);
    match write {
        Write::Create => post("/api/v1/items".into()).json(&with("save")),
        Write::CreateAndSubmit => post("/api/v1/items".into()).json(&with("submit")),
        Write::CreateAndPublish => post("/api/v1/items".into()).json(&with("publish")),
        Write::CreateAndSchedule => post("/api/v1/items".into()).json(&with("schedule")),
        Write::Patch => Call::new(Method::PATCH, path(""), token)
            .if_match(tag)
            .json(&json!({"headline": format!("Changed {n}")})),
        Write::PatchFlag => Call::new(Method::PATCH, path(""), token)
            .if_match(tag)
            .json(&json!({"breaking": true})),
        Write::Put => Call::new(Method::PUT, path(""), token)
            .if_match(tag)
            .json(&new_brief(&format!("Replaced {n}"))),
        Write::Submit => post(path("/submit")).if_match(tag),
        Write::Publish => post(path("/publish")).if_match(tag),
        Write::Schedule => post(path("/schedule"))
            .if_match(tag)
            .json(&json!({"publish_at": later(app)})),
        Write::Withdraw => post(path("/withdraw")).if_match(tag),
        Write::Delete => Call::new(Method::DELETE, path(""), token).if_match(tag),
        Write::Correct => post(path("/corrections")).json(&json!({"note": "A name was misspelt."})),
        Write::Upload => {
            let form = reqwest::multipart::Form::new()
                .text("alt", "A test pattern")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(png(40, 30)).file_name("p.png"),
                );
            let response = app
                .client
                .post(format!("{}/api/v1/media", app.address))
                .header("authorization", format!("Bearer {token}"))
                .multipart(form)
                .send()
                .await
                .expect("answered");
            return read(response).await;
        }
    }
    .send(app)
    .await
}

#[tokio::test]
async fn every_role_may_write_through_the_api_exactly_what_the_newsroom_lets_it() {
    use StatusCode as S;
    use Target as T;
    use Write as W;
    let app = TestApp::spawn().await;
    let desk = app.actor("desk", Role::Editor).await;
    let roles = [Role::Reporter, Role::Editor, Role::Admin];
    let mut callers = Vec::new();
    for role in roles {
        let login = format!("api-{}", role.as_str());
        callers.push(account(&app, &login, role, TokenScopes::READ_WRITE).await);
    }
    // (write, on what, expected for reporter, editor, admin)
    let table = [
        (W::Create, T::None, [S::CREATED; 3]),
        (W::CreateAndSubmit, T::None, [S::CREATED; 3]),
        (
            W::CreateAndPublish,
            T::None,
            [S::FORBIDDEN, S::CREATED, S::CREATED],
        ),
        (
            W::CreateAndSchedule,
            T::None,
            [S::FORBIDDEN, S::CREATED, S::CREATED],
        ),
        (W::Patch, T::OwnDraft, [S::OK; 3]),
        (W::Patch, T::OthersDraft, [S::NOT_FOUND, S::OK, S::OK]),
        (W::Patch, T::Published, [S::FORBIDDEN, S::OK, S::OK]),
        (W::PatchFlag, T::OwnDraft, [S::FORBIDDEN, S::OK, S::OK]),
        (W::Put, T::OwnDraft, [S::OK; 3]),
        (W::Put, T::OthersDraft, [S::NOT_FOUND, S::OK, S::OK]),
        (W::Submit, T::OwnDraft, [S::OK; 3]),
        (W::Submit, T::OthersDraft, [S::NOT_FOUND, S::OK, S::OK]),
        (W::Publish, T::OwnDraft, [S::FORBIDDEN, S::OK, S::OK]),
        (W::Schedule, T::OwnDraft, [S::FORBIDDEN, S::OK, S::OK]),
        (W::Withdraw, T::Published, [S::FORBIDDEN, S::OK, S::OK]),
        (W::Delete, T::OwnDraft, [S::NO_CONTENT; 3]),
        (
            W::Delete,
            T::OthersDraft,
            [S::NOT_FOUND, S::NO_CONTENT, S::NO_CONTENT],
        ),
        (
            W::Correct,
            T::Published,
            [S::FORBIDDEN, S::CREATED, S::CREATED],
        ),
        (W::Upload, T::None, [S::CREATED; 3]),
    ];
    let mut n = 0;
    for (write, target, expected) in table {
        for ((actor, token), want) in callers.iter().zip(expected) {
            n += 1;
            let id = match target {
                T::None => None,
                T::OwnDraft => Some(item(&app, actor, &format!("Own {n}"), Step::Save).await),
                T::OthersDraft => Some(item(&app, &desk, &format!("Desk {n}"), Step::Save).await),
                T::Published => Some(item(&app, &desk, &format!("Out {n}"), Step::Publish).await),
            };
            let before = match id {
                Some(id) => Some(app.newsroom.item(id).await.expect("read")),
                None => None,
            };
            let seq = app.store.primary().last_seq().await.expect("seq");
            let answer = perform(&app, token, write, id, n).await;
            let who = actor.role.as_str();
            assert_eq!(
                answer.status, want,
                "{who} {write:?} on {target:?}: {}",
                answer.json
            );
            if want.is_client_error() {
                answer.problem(want);
                // Refused: nothing at all was written.
                let after = app.store.primary().last_seq().await.expect("seq");
                assert_eq!(after, seq, "{who} {write:?} on {target:?} wrote");
                if let (Some(id), Some(before)) = (id, before) {
                    let now = app.newsroom.item(id).await.expect("read");
                    assert_eq!(
                        now.map(|i| (i.version, i.status)),
                        before.map(|i| (i.version, i.status)),
                        "{who} {write:?}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_reporter_creating_and_publishing_in_one_request_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (_, token) = account(&app, "newbie", Role::Reporter, TokenScopes::READ_WRITE).await;
    let seq = app.store.primary().last_seq().await.expect("seq");
    let audit = app
        .store
        .primary()
        .audit_entries(1000)
        .await
        .expect("audit");
    for (action, extra) in [
        ("publish", json!({})),
        ("schedule", json!({"publish_at": later(&app)})),
    ] {
        let mut body = new_brief("Breaking: all is well");
        body["action"] = json!(action);
        // New authors and tags would be written first by a careless path.
        body["tags"] = json!(["Brand new tag"]);
        if let Some(at) = extra.get("publish_at") {
            body["publish_at"] = at.clone();
        }
        let answer = Call::new(Method::POST, "/api/v1/items", &token)
            .json(&body)
            .send(&app)
            .await;
        answer.problem(StatusCode::FORBIDDEN);
    }
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), seq);
    assert_eq!(
        app.store
            .primary()
            .audit_entries(1000)
            .await
            .expect("audit")
            .len(),
        audit.len()
    );
    assert!(
        app.store.primary().tags().await.expect("tags").is_empty(),
        "no tag was added"
    );
    assert!(
        app.newsroom.item(1).await.expect("read").is_none(),
        "no item was stored"
    );
}

#[tokio::test]
async fn updates_and_steps_need_a_current_if_match() {
    let app = TestApp::spawn().await;
    let (editor, token) = account(&app, "chief", Role::Editor, TokenScopes::WRITE).await;
    let id = item(&app, &editor, "Ministers meet", Step::Save).await;
    let path = format!("/api/v1/items/{id}");
    let v = version(&app, id).await;
    let change = json!({"headline": "Ministers meet again"});

    let missing = Call::new(Method::PATCH, &path, &token)
        .json(&change)
        .send(&app)
        .await;
    missing.problem(StatusCode::PRECONDITION_REQUIRED);
    for stale in [
        format!("W/\"v{}\"", v + 1),
        format!("\"v{}\"", v - 1),
        "*".to_owned(),
        "\"garbage\"".to_owned(),
    ] {
        let answer = Call::new(Method::PATCH, &path, &token)
            .if_match(stale.clone())
            .json(&change)
            .send(&app)
            .await;
        answer.problem(StatusCode::PRECONDITION_FAILED);
    }
    // A header that is no entity tag at all is a malformed request, named as such.
    for malformed in ["", "garbage", "v1", "\"v1\", bare", "W/"] {
        let answer = Call::new(Method::PATCH, &path, &token)
            .if_match(malformed)
            .json(&change)
            .send(&app)
            .await;
        answer.problem(StatusCode::BAD_REQUEST);
        assert!(
            answer.json.to_string().contains("If-Match"),
            "{}",
            answer.json
        );
    }
    // The request is checked before its precondition: a bad body with a stale ETag
    // is a bad body.
    let both = Call::new(Method::PATCH, &path, &token)
        .if_match(format!("\"v{}\"", v + 1))
        .raw("5356109286207", "application/json")
        .send(&app)
        .await;
    both.problem(StatusCode::UNPROCESSABLE_ENTITY);
    // serde would read an empty struct from an array: bodies must be objects.
    for step in ["withdraw", "publish", "submit"] {
        let answer = Call::new(Method::POST, format!("{path}/{step}"), &token)
            .if_match("*")
            .raw("[]", "application/json")
            .send(&app)
            .await;
        answer.problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let array = Call::new(Method::PATCH, &path, &token)
        .if_match(format!("\"v{v}\""))
        .raw("[\"Ministers meet again\"]", "application/json")
        .send(&app)
        .await;
    array.problem(StatusCode::UNPROCESSABLE_ENTITY);
    for step in ["submit", "publish", "withdraw"] {
        let answer = Call::new(Method::POST, format!("{path}/{step}"), &token)
            .send(&app)
            .await;
        answer.problem(StatusCode::PRECONDITION_REQUIRED);
    }
    assert_eq!(version(&app, id).await, v, "nothing was saved");

    // A strong ETag of the current version works as well as the weak one.
    let good = Call::new(Method::PATCH, &path, &token)
        .if_match(format!("\"v{v}\""))
        .json(&change)
        .send(&app)
        .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.json);
    assert_eq!(good.json["version"], v + 1);
    assert_eq!(good.json["status"], "draft");
    let etag = good.json["etag"].as_str().expect("etag").to_owned();
    assert_eq!(
        good.headers.get("etag").and_then(|v| v.to_str().ok()),
        Some(etag.as_str())
    );
    let stored = app.newsroom.item(id).await.expect("read").expect("item");
    assert_eq!(stored.headline, "Ministers meet again");
    assert_eq!(stored.body.markdown.trim(), "Text.", "PATCH kept the body");

    // The same ETag is stale once used.
    let again = Call::new(Method::POST, format!("{path}/publish"), &token)
        .if_match(format!("W/\"v{v}\""))
        .send(&app)
        .await;
    again.problem(StatusCode::PRECONDITION_FAILED);
    let published = Call::new(Method::POST, format!("{path}/publish"), &token)
        .if_match(etag)
        .send(&app)
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    assert_eq!(published.json["status"], "published");
}

#[tokio::test]
async fn the_etag_a_read_gives_is_the_one_a_write_takes() {
    let app = TestApp::spawn().await;
    let (editor, token) = account(&app, "chief", Role::Editor, TokenScopes::READ_WRITE).await;
    let draft = item(&app, &editor, "Budget talks open", Step::Save).await;
    let published = item(&app, &editor, "Bridge reopens", Step::Publish).await;
    app.settle().await;
    for (id, format) in [(draft, "json"), (published, "json"), (published, "ninjs")] {
        let path = format!("/api/v1/items/{id}");
        let read = Call::new(Method::GET, format!("{path}?format={format}"), &token)
            .send(&app)
            .await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.json);
        let etag = read
            .headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .expect("an ETag")
            .to_owned();
        let saved = Call::new(Method::PATCH, &path, &token)
            .if_match(etag.clone())
            .json(&json!({"dek": format!("Read as {format}, then changed.")}))
            .send(&app)
            .await;
        assert_eq!(
            saved.status,
            StatusCode::OK,
            "{id} {format}: {}",
            saved.json
        );
        let again = Call::new(Method::PATCH, &path, &token)
            .if_match(etag)
            .json(&json!({"dek": "A second change on the same read."}))
            .send(&app)
            .await;
        again.problem(StatusCode::PRECONDITION_FAILED);
        app.settle().await;
    }
}

#[tokio::test]
async fn bad_input_gets_the_right_problem_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (editor, token) = account(&app, "desk", Role::Editor, TokenScopes::WRITE).await;
    let id = item(&app, &editor, "Talks resume", Step::Save).await;
    let path = format!("/api/v1/items/{id}");
    let before = app.newsroom.item(id).await.expect("read").expect("item");
    let seq = app.store.primary().last_seq().await.expect("seq");
    let tag = etag(&app, id).await;
    let big = "x".repeat(70 * 1024);
    // (body, content type, status, field pointer named)
    let cases: Vec<(String, &str, StatusCode, Option<&str>)> = vec![
        (
            "{\"headline\": ".into(),
            "application/json",
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            "{} {}".into(),
            "application/json",
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            "not json".into(),
            "application/json",
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            json!({"headline": 42}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/headline"),
        ),
        (
            json!({"authors": ["A", 7]}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/authors/1"),
        ),
        (
            json!({"colour": "red"}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/colour"),
        ),
        (
            json!({"action": "launch"}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/action"),
        ),
        (
            json!({"embargo": "tomorrow"}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/embargo"),
        ),
        (
            json!({"headline": " "}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/headline"),
        ),
        (
            json!({"section": "no-such-section"}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/section"),
        ),
        (
            json!({"action": "schedule"}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/publish_at"),
        ),
        (
            json!({"edition": "xx"}).to_string(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("#/edition"),
        ),
        (
            "headline=x".into(),
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        ),
        (
            json!({"body": big}).to_string(),
            "application/json",
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
    ];
    for (body, content_type, status, pointer) in cases {
        let answer = Call::new(Method::PATCH, &path, &token)
            .if_match(tag.clone())
            .raw(body.clone(), content_type)
            .send(&app)
            .await;
        answer.problem(status);
        if let Some(pointer) = pointer {
            assert_eq!(
                answer.json["type"], "urn:newsline:problem:validation",
                "{body:.80}"
            );
            assert!(
                answer.pointers().iter().any(|p| p == pointer),
                "{body:.80}: {}",
                answer.json
            );
        }
        // The same bodies are refused on create too, storing nothing.
        let created = Call::new(Method::POST, "/api/v1/items", &token)
            .raw(body.clone(), content_type)
            .send(&app)
            .await;
        assert!(
            created.status.is_client_error(),
            "{body:.80}: {}",
            created.status
        );
        created.problem(created.status);
    }
    let schedule = Call::new(Method::POST, format!("{path}/schedule"), &token)
        .if_match(tag.clone())
        .json(&json!({"publish_at": "2020-01-01T00:00:00Z"}))
        .send(&app)
        .await;
    schedule.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let no_note = Call::new(Method::POST, format!("{path}/corrections"), &token)
        .json(&json!({"note": "x", "extra": 1}))
        .send(&app)
        .await;
    assert_eq!(no_note.pointers(), ["#/extra"], "{}", no_note.json);
    let after = app.newsroom.item(id).await.expect("read").expect("item");
    assert_eq!(
        (after.version, after.headline, after.status),
        (before.version, before.headline, before.status)
    );
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), seq);
}

#[tokio::test]
async fn a_token_without_the_write_scope_may_not_write_anywhere() {
    let app = TestApp::spawn().await;
    let (editor, token) = account(&app, "reader", Role::Admin, TokenScopes::READ).await;
    let id = item(&app, &editor, "Talks resume", Step::Publish).await;
    let seq = app.store.primary().last_seq().await.expect("seq");
    let writes = [
        Write::Create,
        Write::Patch,
        Write::Put,
        Write::Submit,
        Write::Publish,
        Write::Schedule,
        Write::Withdraw,
        Write::Delete,
        Write::Correct,
        Write::Upload,
    ];
    for (n, write) in writes.into_iter().enumerate() {
        let answer = perform(&app, &token, write, Some(id), n).await;
        let problem = answer.problem(StatusCode::FORBIDDEN);
        assert_eq!(
            problem["type"], "urn:newsline:problem:insufficient-scope",
            "{write:?}"
        );
        let none = perform(&app, "nl_000000000000_nope", write, Some(id), n).await;
        none.problem(StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), seq);
}

#[tokio::test]
async fn only_drafts_are_deleted_and_the_deletion_is_recorded() {
    let app = TestApp::spawn().await;
    let (reporter, token) = account(&app, "writer", Role::Reporter, TokenScopes::WRITE).await;
    let desk = app.actor("desk", Role::Editor).await;
    let draft = item(&app, &reporter, "Never mind", Step::Save).await;
    let related = {
        let mut input = brief("Points back");
        input.related = Some(draft);
        let draft = newsline::newsroom::Draft::parse(input).expect("valid");
        app.newsroom
            .create_item(
                &desk,
                &ItemCommand {
                    draft,
                    step: Step::Save,
                    withdraw_at: None,
                    note: None,
                },
            )
            .await
            .expect("created")
    };
    let in_review = item(&app, &reporter, "Under review", Step::Submit).await;
    let editor_token = issue(&app, "desk", TokenScopes::WRITE).await;
    let published = item(&app, &desk, "Out there", Step::Publish).await;

    let stale = Call::new(Method::DELETE, format!("/api/v1/items/{draft}"), &token)
        .if_match("W/\"v999\"")
        .send(&app)
        .await;
    stale.problem(StatusCode::PRECONDITION_FAILED);
    let gone = Call::new(Method::DELETE, format!("/api/v1/items/{draft}"), &token)
        .send(&app)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.json);
    assert!(app.newsroom.item(draft).await.expect("read").is_none());
    let related = app
        .newsroom
        .item(related)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(related.related, None, "the link to the deleted draft went");
    let again = Call::new(Method::DELETE, format!("/api/v1/items/{draft}"), &token)
        .send(&app)
        .await;
    again.problem(StatusCode::NOT_FOUND);

    for id in [in_review, published] {
        let refused = Call::new(Method::DELETE, format!("/api/v1/items/{id}"), &editor_token)
            .send(&app)
            .await;
        refused.problem(StatusCode::CONFLICT);
        assert!(app.newsroom.item(id).await.expect("read").is_some());
    }
    let entries = app.store.primary().audit_entries(100).await.expect("audit");
    let deleted = entries
        .iter()
        .find(|e| e.action == "deleted")
        .expect("a deletion entry");
    assert_eq!(deleted.subject, format!("item:{draft}"));
    assert_eq!(deleted.user.as_deref(), Some("writer name"));
    let changes = app.store.changes_after(0, 1000).await.expect("changes");
    assert!(
        changes
            .iter()
            .any(|c| c.entity_id == draft.to_string() && c.action == "deleted")
    );
}

#[tokio::test]
async fn api_writes_leave_revisions_and_audit_entries_naming_the_tokens_owner() {
    let app = TestApp::spawn().await;
    let (_, token) = account(&app, "chief", Role::Editor, TokenScopes::READ_WRITE).await;
    let mut body = new_brief("Parliament sits");
    body["tags"] = json!(["Parliament", "parliament"]);
    let created = Call::new(Method::POST, "/api/v1/items", &token)
        .json(&body)
        .send(&app)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.json["id"].as_i64().expect("id");
    assert_eq!(
        created
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some(format!("/api/v1/items/{id}").as_str())
    );
    let etag = created.json["etag"].as_str().expect("etag").to_owned();
    let published = Call::new(Method::POST, format!("/api/v1/items/{id}/publish"), &token)
        .if_match(etag)
        .send(&app)
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.json);
    let corrected = Call::new(
        Method::POST,
        format!("/api/v1/items/{id}/corrections"),
        &token,
    )
    .json(&json!({"note": "The vote was on Tuesday."}))
    .send(&app)
    .await;
    assert_eq!(corrected.status, StatusCode::CREATED, "{}", corrected.json);

    let stored = app.newsroom.item(id).await.expect("read").expect("item");
    assert_eq!(stored.status, Status::Published);
    assert_eq!(stored.tags.len(), 1, "a tag named twice is one tag");
    let revisions = app.store.revisions(id).await.expect("revisions");
    assert_eq!(
        revisions.len(),
        2,
        "one for the create, one for the publish"
    );
    assert!(
        revisions
            .iter()
            .all(|r| r.saved_by.as_deref() == Some("chief name"))
    );
    let entries = app.store.primary().audit_entries(100).await.expect("audit");
    let subject = format!("item:{id}");
    for action in ["created", "published", "corrected"] {
        assert!(
            entries.iter().any(|e| e.subject == subject
                && e.action == action
                && e.user.as_deref() == Some("chief name")),
            "{action}"
        );
    }
    app.settle().await;
    let page = app.get(&app.item_path(id).await).await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn every_write_is_in_the_openapi_document_with_the_bearer_requirement() {
    let app = TestApp::spawn().await;
    let text = app.get("/api/v1/openapi.json").await.body;
    let doc: Value = serde_json::from_str(&text).expect("json");
    let operations = [
        ("/api/v1/items", "post"),
        ("/api/v1/items/{id}", "patch"),
        ("/api/v1/items/{id}", "put"),
        ("/api/v1/items/{id}", "delete"),
        ("/api/v1/items/{id}/submit", "post"),
        ("/api/v1/items/{id}/schedule", "post"),
        ("/api/v1/items/{id}/publish", "post"),
        ("/api/v1/items/{id}/withdraw", "post"),
        ("/api/v1/items/{id}/corrections", "post"),
        ("/api/v1/media", "post"),
    ];
    for (path, method) in operations {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path}");
        assert_eq!(
            op["security"][0]["bearer"],
            json!(["write"]),
            "{method} {path}"
        );
        assert!(op["responses"]["403"].is_object(), "{method} {path}");
    }
    assert!(doc["components"]["schemas"]["ItemIn"].is_object());
    assert!(doc["components"]["schemas"]["ItemWritten"].is_object());
}

#[tokio::test]
async fn uploads_keep_the_newsrooms_limits_and_say_which_field_is_wrong() {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.media.max_upload_bytes = 64 * 1024;
    })
    .await;
    let (_, token) = account(&app, "snapper", Role::Reporter, TokenScopes::WRITE).await;
    let send = |form: reqwest::multipart::Form| {
        let request = app
            .client
            .post(format!("{}/api/v1/media", app.address))
            .header("authorization", format!("Bearer {token}"))
            .multipart(form);
        async move { read(request.send().await.expect("answered")).await }
    };
    let part = |bytes: Vec<u8>| reqwest::multipart::Part::bytes(bytes).file_name("p.png");
    let seq = app.store.primary().last_seq().await.expect("seq");

    let huge = send(
        reqwest::multipart::Form::new()
            .text("alt", "Noise")
            .part("file", part(vec![7; 200 * 1024])),
    )
    .await;
    huge.problem(StatusCode::PAYLOAD_TOO_LARGE);
    let no_alt = send(reqwest::multipart::Form::new().part("file", part(png(20, 20)))).await;
    no_alt.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_alt.pointers(), ["#/alt"]);
    let not_image = send(
        reqwest::multipart::Form::new()
            .text("alt", "Noise")
            .part("file", part(b"GIF89a but not really".to_vec())),
    )
    .await;
    not_image.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_image.pointers(), ["#/file"]);
    let no_file = send(reqwest::multipart::Form::new().text("alt", "Nothing")).await;
    assert_eq!(no_file.pointers(), ["#/file"]);
    let not_multipart = Call::new(Method::POST, "/api/v1/media", &token)
        .json(&json!({"alt": "x"}))
        .send(&app)
        .await;
    assert!(not_multipart.status.is_client_error());
    not_multipart.problem(not_multipart.status);
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), seq);

    let good = send(
        reqwest::multipart::Form::new()
            .text("alt", "A test pattern")
            .text("credit", "Newsline")
            .part("file", part(png(60, 40))),
    )
    .await;
    assert_eq!(good.status, StatusCode::CREATED, "{}", good.json);
    assert_eq!(good.json["width"], 60);
    assert_eq!(good.json["alt"], "A test pattern");
    let entries = app.store.primary().audit_entries(10).await.expect("audit");
    assert!(
        entries
            .iter()
            .any(|e| e.action == "image uploaded" && e.user.as_deref() == Some("snapper name"))
    );
}
