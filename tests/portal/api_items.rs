//! The API's item reads: lists with filters and a cursor, one item, the news line;
//! the status filter under each role's visibility; ETags; and IPTC ninjs, every
//! answer of which is validated against the IPTC schema in ../shared.

use std::collections::BTreeSet;

use jiff::tz::TimeZone;
use newsline::domain::{Role, TokenLifetime, TokenName, TokenScopes};
use newsline::newsroom::{Actor, Button, Filing, ItemForm, TokenRequest};
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::*;

const NINJS: &str = "application/vnd.iptc.ninjs+json";
const BASE: &str = "https://news.example";

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

    /// Asserts a 200 JSON answer and returns its body.
    fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.json);
        &self.json
    }

    /// Asserts a problem document with `status` naming the parameter `name`.
    fn problem_naming(&self, status: StatusCode, name: &str) {
        assert_eq!(self.status, status, "{}", self.json);
        assert!(
            self.header("content-type")
                .starts_with("application/problem+json"),
            "{}",
            self.header("content-type")
        );
        assert_eq!(self.json["status"], status.as_u16());
        let names: Vec<&str> = self.json["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["parameter"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        assert!(names.contains(&name), "{name} not in {}", self.json);
    }

    /// The ids of a list answer's items.
    fn ids(&self) -> Vec<i64> {
        self.ok()["data"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|i| i["id"].as_i64().expect("an id"))
            .collect()
    }
}

/// Sends a GET with optional headers.
async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
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

async fn get(app: &TestApp, path: &str) -> Answer {
    fetch(app, path, &[]).await
}

async fn get_as(app: &TestApp, path: &str, token: &str) -> Answer {
    let bearer = format!("Bearer {token}");
    fetch(app, path, &[("authorization", bearer.as_str())]).await
}

/// An account with `role` and a read token of its own.
async fn reader_with_token(app: &TestApp, username: &str, role: Role) -> (Actor, String) {
    let actor = app.actor(username, role).await;
    let issued = app
        .newsroom
        .create_token(
            None,
            &TokenRequest {
                owner: username.into(),
                name: TokenName::parse("api test").expect("a name"),
                scopes: TokenScopes::READ,
                lifetime: TokenLifetime::days(30).expect("a lifetime"),
            },
        )
        .await
        .expect("token made");
    (actor, issued.secret)
}

/// Checks ninjs answers against the IPTC ninjs 3.0 schema, formats included.
struct NinjsSchema(jsonschema::Validator);

/// Stands in for the one schema ninjs 3.0 refers to outside itself: GeoJSON, for a
/// place's `geoJSON`. Tests never fetch over the network, and no answer here has
/// places, so the stand-in refuses any value: an answer that grew one would fail.
struct NoGeoJson;

impl jsonschema::Retrieve for NoGeoJson {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri
            .as_str()
            .starts_with("https://geojson.org/schema/GeoJSON.json")
        {
            Ok(Value::Bool(false))
        } else {
            Err(format!("the ninjs schema refers to {uri}, which tests do not fetch").into())
        }
    }
}

impl NinjsSchema {
    fn load() -> Self {
        let path = repo_root().join("../shared/schemas/ninjs/ninjs-schema_3.0.json");
        let text = std::fs::read_to_string(&path).expect("the ninjs 3.0 schema in ../shared");
        let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        let validator = jsonschema::options()
            .with_retriever(NoGeoJson)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the schema compiles");
        // The check must be able to fail: an unknown property, a bad URI. ninjs 3.0
        // admits no property its schema does not name, the JSON Schema keyword
        // `$schema` included, so items name their version in `standard` instead.
        let bad = [
            serde_json::json!({"uri": "urn:x:1", "colour": "red"}),
            serde_json::json!({"uri": "urn:x:1", "$schema": newsline::web::api::ninjs::SCHEMA_URI}),
            serde_json::json!({"uri": "not a uri"}),
            serde_json::json!({"headlines": []}),
        ];
        for value in &bad {
            assert!(!validator.is_valid(value), "{value}");
        }
        Self(validator)
    }

    fn item(&self, item: &Value) {
        let errors: Vec<String> = self.0.iter_errors(item).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?} in {item:#}");
        assert_eq!(item["standard"]["version"], "3.0", "{item}");
    }

    /// Validates a ninjs answer: one item, or a list of them.
    fn answer(&self, answer: &Answer) {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        assert_eq!(answer.header("content-type"), NINJS);
        match answer.json["data"].as_array() {
            Some(items) => items.iter().for_each(|i| self.item(i)),
            None => self.item(&answer.json),
        }
    }
}

/// A site with two editions, absolute URLs, and 25 + 3 published items.
async fn site() -> TestApp {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.site.base_url = Some(BASE.into());
    })
    .await;
    let mut filed = Vec::new();
    for i in 0..25 {
        let section = if i % 3 == 0 { "economy" } else { "politics" };
        // Two items share each minute, so the cursor must break ties by id.
        let at = format!("2026-03-{:02}T09:{:02}:00Z", 1 + i / 10, (i / 2) % 60);
        let mut filing = if i % 2 == 0 {
            article(
                &format!("Article {i}"),
                section,
                &at,
                &[if i % 4 == 0 {
                    "Ayla Karimova"
                } else {
                    "Rauf Mammadov"
                }],
            )
        } else {
            brief(&format!("Brief {i}"), section, &at)
        };
        if i % 5 == 0 {
            filing.tags = vec!["Parliament".into()];
        }
        filed.push(filing);
    }
    for i in 0..3 {
        filed.push(Filing {
            edition: "az".into(),
            ..article(
                &format!("Məqalə {i}"),
                "politics",
                &format!("2026-03-02T10:0{i}:00Z"),
                &["Ayla Karimova"],
            )
        });
    }
    app.file(newsline::newsroom::Batch {
        editions: vec![edition("en", "Test News"), edition("az", "Xəbərlər")],
        sections: vec![
            ("en".into(), "politics".into(), "Politics".into()),
            ("en".into(), "economy".into(), "Economy".into()),
            ("az".into(), "politics".into(), "Siyasət".into()),
        ],
        filings: filed,
    })
    .await;
    app
}

/// Every page of `path` (which has a query) at `limit` items a page, as ids.
async fn walk(app: &TestApp, path: &str, limit: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut next = format!("{path}&limit={limit}");
    for _ in 0..100 {
        let page = get(app, &next).await;
        let page_ids = page.ids();
        assert!(page_ids.len() <= limit);
        ids.extend(page_ids);
        match page.json["next_cursor"].as_str() {
            Some(cursor) => next = format!("{path}&limit={limit}&cursor={cursor}"),
            None => return ids,
        }
    }
    panic!("{path} never ended");
}

/// The published items' ids, newest first, by publication time then id.
fn newest_first(app: &TestApp, keep: impl Fn(&newsline::read::ItemMeta) -> bool) -> Vec<i64> {
    let snapshot = app.read.snapshot();
    let mut items: Vec<(jiff::Timestamp, i64)> = snapshot
        .editions()
        .iter()
        .flat_map(|e| {
            snapshot
                .newest(e.code.as_ref())
                .iter()
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|i| keep(i))
        .map(|i| (i.published_at(), i.id))
        .collect();
    items.sort_by(|a, b| b.cmp(a));
    items.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test]
async fn cursor_pages_walk_every_list_without_gaps_or_repeats() {
    let app = site().await;
    let all = newest_first(&app, |_| true);
    assert_eq!(all.len(), 28);
    for limit in [1, 7, 20, 100] {
        assert_eq!(
            walk(&app, "/api/v1/items?format=json", limit).await,
            all,
            "{limit}"
        );
    }
    let en = newest_first(&app, |i| i.edition.as_ref() == "en");
    assert_eq!(walk(&app, "/api/v1/items?edition=en", 4).await, en);
    // The default page is 20 items and says where the next one starts.
    let first = get(&app, "/api/v1/items").await;
    assert_eq!(first.ids(), all[..20]);
    assert!(first.json["next_cursor"].is_string());
    // A page asked for again after newer items are published stays the same page.
    let cursor = first.json["next_cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    app.file(filings(vec![brief(
        "Newer",
        "politics",
        "2026-04-01T00:00:00Z",
    )]))
    .await;
    let second = get(&app, &format!("/api/v1/items?cursor={cursor}")).await;
    assert_eq!(second.ids(), all[20..]);
    assert!(second.json["next_cursor"].is_null());
}

#[tokio::test]
async fn filters_narrow_the_list_and_combine() {
    let app = site().await;
    let snapshot = app.read.snapshot();
    let section = |slug: &str| {
        snapshot
            .section_by_slug("en", slug)
            .map(|s| s.id)
            .expect("section")
    };
    let economy = section("economy");
    let ayla = snapshot.author_by_slug("ayla-karimova").expect("author").id;
    let parliament = snapshot.tag_by_slug("en", "parliament").expect("tag").id;
    let from: jiff::Timestamp = "2026-03-02T00:00:00Z".parse().expect("time");
    let until: jiff::Timestamp = "2026-03-03T00:00:00Z".parse().expect("time");
    let cases: Vec<(&str, Vec<i64>)> = vec![
        (
            "edition=az",
            newest_first(&app, |i| i.edition.as_ref() == "az"),
        ),
        (
            "edition=en&section=economy",
            newest_first(&app, |i| i.section == economy),
        ),
        (
            "author=ayla-karimova",
            newest_first(&app, |i| i.authors.contains(&ayla)),
        ),
        (
            "author=ayla-karimova&edition=en",
            newest_first(&app, |i| {
                i.authors.contains(&ayla) && i.edition.as_ref() == "en"
            }),
        ),
        (
            "tag=parliament",
            newest_first(&app, |i| i.tags.contains(&parliament)),
        ),
        (
            "kind=brief",
            newest_first(&app, |i| i.kind == newsline::domain::ItemKind::Brief),
        ),
        (
            "kind=article&section=economy&edition=en",
            newest_first(&app, |i| {
                i.kind == newsline::domain::ItemKind::Article && i.section == economy
            }),
        ),
        (
            "from=2026-03-02&to=2026-03-02",
            newest_first(&app, |i| {
                i.published_at() >= from && i.published_at() < until
            }),
        ),
        (
            "from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&edition=en",
            newest_first(&app, |i| {
                i.published_at() >= from && i.published_at() < until && i.edition.as_ref() == "en"
            }),
        ),
        (
            "status=published&edition=az",
            newest_first(&app, |i| i.edition.as_ref() == "az"),
        ),
    ];
    for (query, expected) in cases {
        assert!(!expected.is_empty(), "{query} should match something");
        assert_eq!(
            walk(&app, &format!("/api/v1/items?{query}"), 3).await,
            expected,
            "{query}"
        );
    }
    // The answer carries what the filters looked at.
    let one = get(&app, "/api/v1/items?tag=parliament&limit=1").await;
    let item = &one.ok()["data"][0];
    assert_eq!(item["tags"][0]["slug"], "parliament");
    assert_eq!(item["status"], "published");
    assert!(
        item["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("urn:newsline:item:"))
    );
    assert!(
        item["url"].as_str().is_some_and(|u| u.starts_with(BASE)),
        "{item}"
    );
    assert!(item.get("body_html").is_none(), "lists leave bodies out");
}

#[tokio::test]
async fn bad_parameters_are_problems_naming_them() {
    let app = site().await;
    let cases = [
        ("cursor=zzz", "cursor"),
        ("cursor=010006100000000000000000000000002A", "cursor"),
        ("cursor=020006100000000000000000000000002a", "cursor"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("format=xml", "format"),
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-03-02&to=2026-03-01", "to"),
        ("edition=xx", "edition"),
        ("section=nowhere", "section"),
        ("tag=nothing", "tag"),
        ("author=nobody", "author"),
        ("kind=column", "kind"),
        ("status=lost", "status"),
        ("colour=red", "query"),
    ];
    for (query, name) in cases {
        get(&app, &format!("/api/v1/items?{query}"))
            .await
            .problem_naming(StatusCode::BAD_REQUEST, name);
    }
    get(&app, "/api/v1/items/1?format=xml")
        .await
        .problem_naming(StatusCode::BAD_REQUEST, "format");
    get(&app, "/api/v1/editions/en/newsline?format=rss")
        .await
        .problem_naming(StatusCode::BAD_REQUEST, "format");
    for path in [
        "/api/v1/items/999999",
        "/api/v1/items/not-a-number",
        "/api/v1/editions/xx/newsline",
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            answer
                .header("content-type")
                .starts_with("application/problem+json")
        );
    }
    // Credentials that do not work are refused, not read as anonymous.
    let answer = get_as(&app, "/api/v1/items", "nl_000000000000_nope").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.json);
}

#[tokio::test]
async fn each_role_lists_and_reads_only_what_the_desk_shows_it() {
    let app = site().await;
    let (rita, rita_token) = reader_with_token(&app, "rita", Role::Reporter).await;
    let (colin, colin_token) = reader_with_token(&app, "colin", Role::Reporter).await;
    let (_, editor_token) = reader_with_token(&app, "edna", Role::Editor).await;
    let (_, admin_token) = reader_with_token(&app, "adam", Role::Admin).await;
    let form = |headline: &str| ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: headline.into(),
        body: "First paragraph.\n\nSecond paragraph.".into(),
        section: "politics".into(),
        authors: "Ayla Karimova".into(),
        tags: "Parliament".into(),
        ..ItemForm::default()
    };
    let make = |actor: Actor, headline: &'static str, button: Button| {
        let app = &app;
        let form = form(headline);
        async move {
            app.newsroom
                .create_item(&actor, &form.command(button, &TimeZone::UTC).expect("form"))
                .await
                .expect("saved")
        }
    };
    let ritas_draft = make(rita.clone(), "Rita's draft", Button::Save).await;
    let colins_draft = make(colin.clone(), "Colin's draft", Button::Save).await;
    let ritas_review = make(rita.clone(), "Rita's submission", Button::Submit).await;
    app.settle().await;

    let ids = |answer: Answer| answer.ids().into_iter().collect::<BTreeSet<i64>>();
    let set = |ids: &[i64]| ids.iter().copied().collect::<BTreeSet<i64>>();
    // Who asks, for which status, and what they must see.
    let cases: Vec<(Option<&str>, &str, BTreeSet<i64>)> = vec![
        (Some(&rita_token), "draft", set(&[ritas_draft])),
        (Some(&colin_token), "draft", set(&[colins_draft])),
        (
            Some(&editor_token),
            "draft",
            set(&[ritas_draft, colins_draft]),
        ),
        (
            Some(&admin_token),
            "draft",
            set(&[ritas_draft, colins_draft]),
        ),
        (Some(&rita_token), "review", set(&[ritas_review])),
        (Some(&colin_token), "review", set(&[])),
        (Some(&editor_token), "review", set(&[ritas_review])),
        (Some(&admin_token), "review", set(&[ritas_review])),
        (Some(&colin_token), "scheduled", set(&[])),
    ];
    for (token, status, expected) in cases {
        let path = format!("/api/v1/items?status={status}");
        let answer = match token {
            Some(token) => get_as(&app, &path, token).await,
            None => get(&app, &path).await,
        };
        assert_eq!(answer.header("cache-control"), "private, no-store");
        assert_eq!(ids(answer), expected, "{status} as {token:?}");
    }
    // Anonymous callers see published items only.
    for status in ["draft", "review", "scheduled", "unpublished"] {
        let answer = get(&app, &format!("/api/v1/items?status={status}")).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{status}");
    }
    assert!(
        !get(&app, "/api/v1/items?status=published")
            .await
            .ids()
            .is_empty()
    );
    // Filters and the cursor apply to the store's lists too.
    let drafts = walk_as(
        &app,
        "/api/v1/items?status=draft&edition=en",
        1,
        &editor_token,
    )
    .await;
    assert_eq!(set(&drafts), set(&[ritas_draft, colins_draft]));
    assert_eq!(drafts.len(), 2);
    assert!(
        get_as(
            &app,
            "/api/v1/items?status=draft&section=economy",
            &editor_token
        )
        .await
        .ids()
        .is_empty()
    );

    // One item: a draft is its writer's and the editors', and nobody else's.
    let path = format!("/api/v1/items/{ritas_draft}");
    let readers: [(Option<&str>, bool); 5] = [
        (None, false),
        (Some(&colin_token), false),
        (Some(&rita_token), true),
        (Some(&editor_token), true),
        (Some(&admin_token), true),
    ];
    for (token, sees) in readers {
        let answer = match token {
            Some(token) => get_as(&app, &path, token).await,
            None => get(&app, &path).await,
        };
        if sees {
            assert_eq!(answer.ok()["status"], "draft");
            assert!(
                answer.json["body_html"]
                    .as_str()
                    .is_some_and(|b| b.contains("<p>"))
            );
            assert!(answer.json["url"].is_null());
        } else {
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{token:?}");
        }
    }
}

/// Like [`walk`], with a token.
async fn walk_as(app: &TestApp, path: &str, limit: usize, token: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut next = format!("{path}&limit={limit}");
    for _ in 0..100 {
        let page = get_as(app, &next, token).await;
        ids.extend(page.ids());
        match page.json["next_cursor"].as_str() {
            Some(cursor) => next = format!("{path}&limit={limit}&cursor={cursor}"),
            None => return ids,
        }
    }
    panic!("{path} never ended");
}

#[tokio::test]
async fn reads_carry_strong_etags_and_answer_304() {
    let app = site().await;
    let (_, token) = reader_with_token(&app, "edna", Role::Editor).await;
    let id = newest_first(&app, |_| true)[0];
    for path in [
        format!("/api/v1/items/{id}"),
        "/api/v1/items?edition=en".to_owned(),
        "/api/v1/editions/en/newsline".to_owned(),
        format!("/api/v1/items/{id}?format=ninjs"),
        "/api/v1/editions".to_owned(),
        "/api/v1/editions/en/sections".to_owned(),
        "/api/v1/authors".to_owned(),
        "/api/v1/tags?edition=en".to_owned(),
        "/api/v1/openapi.json".to_owned(),
    ] {
        let first = get(&app, &path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let etag = first.header("etag").to_owned();
        assert!(
            etag.starts_with('"') && etag.len() > 2,
            "a strong ETag for {path}: {etag}"
        );
        assert!(first.header("cache-control").contains("public"), "{path}");
        let again = fetch(&app, &path, &[("if-none-match", etag.as_str())]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.header("etag"), etag, "{path}");
        assert_eq!(
            again.json,
            Value::String(String::new()),
            "{path}: a 304 has no body"
        );
        if !path.starts_with("/api/v1/items") && !path.contains("newsline") {
            continue;
        }
        assert!(first.header("cache-control").contains("max-age="), "{path}");
        let vary = first.header("vary").to_ascii_lowercase();
        assert!(
            vary.contains("accept") && vary.contains("authorization"),
            "{vary}"
        );
        let again = fetch(&app, &path, &[("if-none-match", etag.as_str())]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.header("etag"), etag);
        assert!(again.header("vary").to_ascii_lowercase().contains("accept"));
        let stale = fetch(&app, &path, &[("if-none-match", "\"stale\"")]).await;
        assert_eq!(stale.status, StatusCode::OK);
    }
    // The formats differ, and so do their tags.
    let path = format!("/api/v1/items/{id}");
    let json = get(&app, &path).await;
    let ninjs = fetch(&app, &path, &[("accept", NINJS)]).await;
    assert_ne!(json.header("etag"), ninjs.header("etag"));
    // A token holder's answer is private.
    let private = get_as(&app, &path, &token).await;
    assert_eq!(private.header("cache-control"), "private, no-store");
    // A change gives a new tag.
    let before = get(&app, "/api/v1/items").await.header("etag").to_owned();
    app.file(filings(vec![brief(
        "Later",
        "politics",
        "2026-04-01T00:00:00Z",
    )]))
    .await;
    assert_ne!(get(&app, "/api/v1/items").await.header("etag"), before);
}

#[tokio::test]
async fn every_ninjs_answer_validates_against_the_iptc_schema() {
    let app = site().await;
    let schema = NinjsSchema::load();
    // An item with a lead image, a standfirst, tags and a correction.
    let (browser, editor) = app.signed_in_actor("edna", Role::Editor).await;
    upload(&browser, png(640, 480), "hall.png", "The hall").await;
    let media = app.newsroom.media(1).await.expect("media")[0].id;
    let form = ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: "With a picture".into(),
        dek: "A standfirst.".into(),
        body: "First paragraph.\n\nSecond paragraph.".into(),
        section: "politics".into(),
        authors: "Ayla Karimova, Rauf Mammadov".into(),
        tags: "Parliament, Budget".into(),
        lead_media: media.to_string(),
        ..ItemForm::default()
    };
    let pictured = app
        .newsroom
        .create_item(
            &editor,
            &form.command(Button::Publish, &TimeZone::UTC).expect("form"),
        )
        .await
        .expect("published");
    app.settle().await;
    let (_, token) = reader_with_token(&app, "rita", Role::Reporter).await;
    let draft = app
        .newsroom
        .create_item(
            &app.actor("rob", Role::Reporter).await,
            &ItemForm {
                headline: "Unfinished".into(),
                ..form.clone()
            }
            .command(Button::Save, &TimeZone::UTC)
            .expect("form"),
        )
        .await
        .expect("saved");
    let (_, editor_token) = reader_with_token(&app, "erin", Role::Editor).await;

    let one = fetch(
        &app,
        &format!("/api/v1/items/{pictured}"),
        &[("accept", NINJS)],
    )
    .await;
    schema.answer(&one);
    let item = &one.json;
    assert_eq!(item["uri"], format!("urn:newsline:item:{pictured}"));
    assert_eq!(item["pubStatus"], "usable");
    assert_eq!(item["language"], "en");
    assert_eq!(item["headlines"][0]["value"], "With a picture");
    assert_eq!(item["bodies"][0]["contentType"], "text/html");
    assert_eq!(item["by"], "Ayla Karimova, Rauf Mammadov");
    assert!(
        item["subjects"].as_array().is_some_and(|s| s.len() == 3),
        "{item}"
    );
    let picture = &item["associations"][0];
    assert_eq!(picture["type"], "picture");
    assert!(
        picture["renditions"][0]["href"]
            .as_str()
            .is_some_and(|h| h.starts_with(&format!("{BASE}/media/")))
    );
    assert!(item["versionCreated"].is_string() && item["firstCreated"].is_string());

    let accept_list = format!("text/html;q=0.5, {NINJS};q=0.9");
    let answers = [
        get(&app, "/api/v1/items?format=ninjs").await,
        get(&app, "/api/v1/items?format=ninjs&limit=100").await,
        fetch(&app, "/api/v1/items?edition=az", &[("accept", NINJS)]).await,
        fetch(
            &app,
            "/api/v1/items?tag=parliament",
            &[("accept", accept_list.as_str())],
        )
        .await,
        get(&app, "/api/v1/editions/en/newsline?format=ninjs").await,
        get(&app, &format!("/api/v1/items/{pictured}?format=ninjs")).await,
        get_as(
            &app,
            &format!("/api/v1/items/{pictured}?format=ninjs"),
            &token,
        )
        .await,
        get_as(
            &app,
            &format!("/api/v1/items/{draft}?format=ninjs"),
            &editor_token,
        )
        .await,
        get_as(
            &app,
            "/api/v1/items?status=draft&format=ninjs",
            &editor_token,
        )
        .await,
    ];
    for answer in &answers {
        schema.answer(answer);
    }
    assert_eq!(answers[7].json["pubStatus"], "withheld");
    assert_eq!(answers[8].json["data"].as_array().map(Vec::len), Some(1));
    // Every item of every page of the list, too.
    let mut next = "/api/v1/items?format=ninjs&limit=9".to_owned();
    loop {
        let page = get(&app, &next).await;
        schema.answer(&page);
        match page.json["next_cursor"].as_str() {
            Some(c) => next = format!("/api/v1/items?format=ninjs&limit=9&cursor={c}"),
            None => break,
        }
    }
    // Refusing ninjs with q=0 is not asking for it.
    let refused = fetch(
        &app,
        "/api/v1/items?limit=1",
        &[(
            "accept",
            "application/vnd.iptc.ninjs+json;q=0, application/json",
        )],
    )
    .await;
    assert_eq!(refused.header("content-type"), "application/json");
    // Newsline's own JSON stays the default, with the image too.
    let json = get(&app, &format!("/api/v1/items/{pictured}")).await;
    assert_eq!(json.header("content-type"), "application/json");
    assert_eq!(json.ok()["lead_image"]["id"], media);
    assert_eq!(
        json.json["lead_image"]["focal_point"],
        serde_json::json!([500, 500]),
        "an image no one framed keeps its centre"
    );
    assert_eq!(json.json["dek"], "A standfirst.");
}

#[tokio::test]
async fn the_news_line_and_the_document_describe_the_reads() {
    let app = site().await;
    let line = get(&app, "/api/v1/editions/az/newsline").await;
    assert_eq!(line.ok()["edition"], "az");
    assert_eq!(
        line.ids(),
        newest_first(&app, |i| i.edition.as_ref() == "az")
    );
    let doc = get(&app, "/api/v1/openapi.json").await;
    let paths = &doc.ok()["paths"];
    for path in [
        "/api/v1/items",
        "/api/v1/items/{id}",
        "/api/v1/editions/{code}/newsline",
    ] {
        assert!(paths[path]["get"].is_object(), "{path} in the document");
    }
    let params: Vec<&str> = paths["/api/v1/items"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in [
        "edition", "section", "tag", "author", "kind", "status", "from", "to", "cursor", "limit",
        "format",
    ] {
        assert!(params.contains(&name), "{name} in {params:?}");
    }
    let content = &paths["/api/v1/items/{id}"]["get"]["responses"]["200"]["content"];
    assert!(content[NINJS].is_object() && content["application/json"].is_object());
}

/// Clients and contract tests check every answer's status against the document: the
/// answers any request may get (a malformed header, the rate limit, a refused token,
/// an unknown id, a wrong body, a cached copy) are declared on every operation.
#[tokio::test]
async fn every_operation_declares_the_answers_any_request_may_get() {
    let app = TestApp::spawn().await;
    let doc = get(&app, "/api/v1/openapi.json").await;
    let paths = doc.ok()["paths"].as_object().expect("paths").clone();
    let mut operations = 0;
    for (path, item) in &paths {
        for (method, operation) in item.as_object().expect("a path item") {
            let Some(responses) = operation.get("responses").and_then(|r| r.as_object()) else {
                continue;
            };
            operations += 1;
            let mut expected = vec!["400", "429"];
            if operation.get("security").is_some() {
                expected.extend(["401", "403"]);
            }
            if path.contains('{') {
                expected.push("404");
            }
            if operation.get("requestBody").is_some() {
                expected.extend(["413", "415", "422"]);
            }
            if method == "get" {
                expected.push("304");
            }
            for status in expected {
                let answer = &responses.get(status);
                assert!(answer.is_some(), "{method} {path} declares {status}");
                if status == "429" {
                    assert_eq!(
                        responses[status]["$ref"], "#/components/responses/TooManyRequests",
                        "{method} {path}"
                    );
                } else if status != "304" {
                    assert!(
                        responses[status]["content"]["application/problem+json"].is_object(),
                        "{method} {path}: {status} is a problem document"
                    );
                }
            }
        }
    }
    assert!(operations >= 19, "{operations} operations");
}

#[tokio::test]
async fn without_a_base_url_ninjs_links_are_absolute_from_the_requests_host() {
    let app = TestApp::spawn().await;
    let schema = NinjsSchema::load();
    let (browser, editor) = app.signed_in_actor("edna", Role::Editor).await;
    upload(&browser, png(320, 240), "quay.png", "The quay").await;
    let media = app.newsroom.media(1).await.expect("media")[0].id;
    let form = ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: "Quay rebuilt".into(),
        body: "The quay reopens.".into(),
        section: "politics".into(),
        authors: "Ayla Karimova".into(),
        lead_media: media.to_string(),
        ..ItemForm::default()
    };
    let id = app
        .newsroom
        .create_item(
            &editor,
            &form.command(Button::Publish, &TimeZone::UTC).expect("form"),
        )
        .await
        .expect("published");
    app.settle().await;
    let one = fetch(&app, &format!("/api/v1/items/{id}"), &[("accept", NINJS)]).await;
    schema.answer(&one);
    let href = one.json["associations"][0]["renditions"][0]["href"]
        .as_str()
        .expect("an image rendition")
        .to_owned();
    assert!(href.starts_with(&app.address), "{href}");
    let list = fetch(&app, "/api/v1/items?format=ninjs", &[]).await;
    schema.answer(&list);
}
