//! The API's request budgets: per token, per address without a token, and per address
//! for tokens that do not work; 429 problems with `Retry-After`; the `RateLimit`
//! headers on every answer; the server's clock, never a sleep, to end a window.

use jiff::SignedDuration;
use newsline::config::Settings;
use newsline::domain::{Role, TokenLifetime, TokenName, TokenScopes};
use newsline::newsroom::{Batch, TokenRequest};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// An answer read as JSON, with its status and headers.
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

    /// The budget headers: (policy, RateLimit, limit, remaining, reset).
    fn budget(&self) -> (&str, &str, &str, &str, &str) {
        (
            self.header("ratelimit-policy"),
            self.header("ratelimit"),
            self.header("ratelimit-limit"),
            self.header("ratelimit-remaining"),
            self.header("ratelimit-reset"),
        )
    }

    /// Asserts a 429 problem with `Retry-After: retry`, and returns its detail.
    fn refused(&self, retry: u32) -> String {
        assert_eq!(self.status, StatusCode::TOO_MANY_REQUESTS, "{}", self.json);
        assert!(
            self.header("content-type")
                .starts_with("application/problem+json"),
            "{}",
            self.header("content-type")
        );
        assert_eq!(self.json["status"], 429);
        assert_eq!(self.json["type"], "urn:newsline:problem:rate-limited");
        assert_eq!(self.header("retry-after"), retry.to_string());
        assert_eq!(self.header("ratelimit-remaining"), "0");
        assert_eq!(self.header("ratelimit-reset"), retry.to_string());
        self.json["detail"].as_str().unwrap_or_default().to_owned()
    }
}

/// One request: `method path` with extra headers and maybe a JSON body.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Answer {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("answered");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("text");
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        headers,
        json,
    }
}

async fn get(app: &TestApp, path: &str) -> Answer {
    send(app, Method::GET, path, &[], None).await
}

async fn get_as(app: &TestApp, path: &str, token: &str) -> Answer {
    let bearer = format!("Bearer {token}");
    send(app, Method::GET, path, &[("authorization", &bearer)], None).await
}

/// A server on a site with the `en` edition, its budgets set by `tune`.
async fn spawn_limited(tune: impl FnOnce(&mut Settings)) -> TestApp {
    let app = TestApp::spawn_with(Database::fresh(), tune).await;
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: Vec::new(),
    })
    .await;
    app
}

fn budgets(per_token: u32, per_address: u32, failed: u32) -> impl FnOnce(&mut Settings) {
    move |s| {
        for (field, value) in [
            ("limits.api_requests_per_token", per_token),
            ("limits.api_requests_per_address", per_address),
            ("limits.api_failed_auth_per_address", failed),
        ] {
            s.set(field, &value.to_string()).expect("valid");
        }
    }
}

/// A token of `scopes` for a new account `login`, living `days`.
async fn token(app: &TestApp, login: &str, scopes: TokenScopes, days: i64) -> String {
    app.actor(login, Role::Editor).await;
    app.newsroom
        .create_token(
            None,
            &TokenRequest {
                owner: login.to_owned(),
                name: TokenName::parse("limits").expect("name"),
                scopes,
                lifetime: TokenLifetime::days(days).expect("days"),
            },
        )
        .await
        .expect("token")
        .secret
}

#[tokio::test]
async fn a_spent_token_budget_gets_429_until_the_window_ends() {
    let app = spawn_limited(budgets(3, 100, 100)).await;
    let alpha = token(&app, "alpha", TokenScopes::READ, 30).await;
    for left in ["2", "1", "0"] {
        let answer = get_as(&app, "/api/v1/me", &alpha).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        assert_eq!(
            answer.budget(),
            (
                "\"token\";q=3;w=60",
                format!("\"token\";r={left};t=60").as_str(),
                "3",
                left,
                "60"
            )
        );
    }
    let refused = get_as(&app, "/api/v1/me", &alpha).await;
    assert!(refused.refused(60).contains("this token"));
    assert_eq!(refused.header("ratelimit"), "\"token\";r=0;t=60");
    assert_eq!(refused.header("cache-control"), "no-store");

    app.clock.advance(SignedDuration::from_secs(45));
    get_as(&app, "/api/v1/me", &alpha).await.refused(15);
    app.clock.advance(SignedDuration::from_secs(15));
    let again = get_as(&app, "/api/v1/me", &alpha).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("ratelimit"), "\"token\";r=2;t=60");
}

#[tokio::test]
async fn each_token_has_a_budget_of_its_own_apart_from_its_address() {
    let app = spawn_limited(budgets(2, 2, 100)).await;
    let alpha = token(&app, "alpha", TokenScopes::READ, 30).await;
    let beta = token(&app, "beta", TokenScopes::READ, 30).await;
    for _ in 0..2 {
        assert_eq!(
            get_as(&app, "/api/v1/me", &alpha).await.status,
            StatusCode::OK
        );
    }
    get_as(&app, "/api/v1/me", &alpha).await.refused(60);
    let other = get_as(&app, "/api/v1/me", &beta).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.header("ratelimit-remaining"), "1");
    // Token requests are not counted against the address they come from.
    let anonymous = get(&app, "/api/v1/editions").await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(anonymous.header("ratelimit"), "\"address\";r=1;t=60");
}

#[tokio::test]
async fn anonymous_requests_from_one_address_share_its_budget_and_every_answer_says_so() {
    let app = spawn_limited(budgets(100, 6, 100)).await;
    let answers = [
        (Method::GET, "/api/v1/editions", StatusCode::OK),
        (Method::GET, "/api/v1/tags", StatusCode::OK),
        (Method::GET, "/api/v1/nothing-here", StatusCode::NOT_FOUND),
        (
            Method::DELETE,
            "/api/v1/editions",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (Method::GET, "/api/v1/me", StatusCode::UNAUTHORIZED),
        (Method::GET, "/api/v1/openapi.json", StatusCode::OK),
    ];
    for (i, (method, path, status)) in answers.into_iter().enumerate() {
        let answer = send(&app, method, path, &[], None).await;
        assert_eq!(answer.status, status, "{path}");
        let left = (5 - i).to_string();
        assert_eq!(
            answer.budget(),
            (
                "\"address\";q=6;w=60",
                format!("\"address\";r={left};t=60").as_str(),
                "6",
                left.as_str(),
                "60"
            ),
            "{path}"
        );
    }
    let refused = get(&app, "/api/v1/editions").await;
    assert!(refused.refused(60).contains("this address"));
    assert_eq!(
        get(&app, "/api/v1/docs").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        app.get("/en/").await.status,
        StatusCode::OK,
        "reader pages are not the API's budget"
    );
    app.clock.advance(SignedDuration::from_secs(60));
    assert_eq!(get(&app, "/api/v1/editions").await.status, StatusCode::OK);
}

#[tokio::test]
async fn tokens_that_do_not_work_are_limited_per_address_and_then_even_a_good_one_is_refused() {
    let app = spawn_limited(budgets(100, 100, 4)).await;
    let good = token(&app, "good", TokenScopes::READ, 30).await;
    let writer = token(&app, "writer", TokenScopes::WRITE, 30).await;
    let expiring = token(&app, "expiring", TokenScopes::READ, 1).await;
    let revoked = token(&app, "revoked", TokenScopes::READ, 30).await;
    app.newsroom
        .revoke_token(None, &revoked[3..15])
        .await
        .expect("revoked");
    app.clock
        .advance(SignedDuration::from_hours(24) + SignedDuration::from_secs(1));

    // A token without the scope is no failure: its own budget pays, however often.
    for _ in 0..6 {
        let answer = get_as(&app, "/api/v1/me", &writer).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.header("ratelimit-policy"), "\"token\";q=100;w=60");
    }
    // Nor is a request without a token, or with another scheme.
    for authorization in [None, Some("Basic dXNlcjpwYXNz")] {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("authorization", a))
            .into_iter()
            .collect();
        let answer = send(&app, Method::GET, "/api/v1/me", &headers, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.header("ratelimit").starts_with("\"address\";"));
    }

    let unknown = format!("nl_ffffffffffff{}", &good[15..]);
    let wrong = [
        ("malformed", "Bearer abc.def".to_owned()),
        ("unknown", format!("Bearer {unknown}")),
        ("expired", format!("Bearer {expiring}")),
        ("revoked", format!("Bearer {revoked}")),
    ];
    for (i, (case, authorization)) in wrong.iter().enumerate() {
        let answer = send(
            &app,
            Method::GET,
            "/api/v1/me",
            &[("authorization", authorization)],
            None,
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(answer.json["type"], "urn:newsline:problem:invalid-token");
        assert_eq!(
            answer.header("ratelimit"),
            format!("\"failed-auth\";r={};t=60", 3 - i),
            "{case}"
        );
        assert_eq!(
            answer.header("ratelimit-policy"),
            "\"failed-auth\";q=4;w=60"
        );
    }
    // The fifth wrong token is not even looked at, and the good one fares no better.
    let guess = get_as(&app, "/api/v1/editions", &unknown).await;
    guess.refused(60);
    let refused = get_as(&app, "/api/v1/me", &good).await;
    assert!(
        refused.refused(60).contains("even with a good one"),
        "{}",
        refused.json
    );
    assert_eq!(
        refused.header("ratelimit-policy"),
        "\"failed-auth\";q=4;w=60"
    );
    assert_eq!(
        get(&app, "/api/v1/editions").await.status,
        StatusCode::OK,
        "requests without a token keep their own budget"
    );

    app.clock.advance(SignedDuration::from_secs(60));
    let answer = get_as(&app, "/api/v1/me", &good).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.header("ratelimit"), "\"token\";r=99;t=60");
    // A good token leaves the failed-authentication budget as it found it.
    let failure = get_as(&app, "/api/v1/me", &unknown).await;
    assert_eq!(failure.header("ratelimit"), "\"failed-auth\";r=3;t=60");
}

#[tokio::test]
async fn a_write_refused_by_the_limit_stores_nothing() {
    let app = spawn_limited(budgets(1, 100, 100)).await;
    let writer = token(&app, "writer", TokenScopes::READ_WRITE, 30).await;
    let bearer = format!("Bearer {writer}");
    let auth = [("authorization", bearer.as_str())];
    let brief = |headline: &str| {
        json!({
            "edition": "en",
            "kind": "brief",
            "headline": headline,
            "body": "Text.",
            "section": "politics",
        })
    };
    let kept = send(
        &app,
        Method::POST,
        "/api/v1/items",
        &auth,
        Some(&brief("Kept")),
    )
    .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.json);
    let refused = send(
        &app,
        Method::POST,
        "/api/v1/items",
        &auth,
        Some(&brief("Refused")),
    )
    .await;
    refused.refused(60);

    app.clock.advance(SignedDuration::from_secs(60));
    let drafts = get_as(&app, "/api/v1/items?status=draft", &writer).await;
    assert_eq!(drafts.status, StatusCode::OK, "{}", drafts.json);
    let headlines: Vec<&str> = drafts.json["data"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|item| item["headline"].as_str())
        .collect();
    assert_eq!(headlines, ["Kept"]);
}

#[tokio::test]
async fn forwarded_addresses_count_only_when_a_trusted_proxy_sends_them() {
    let trusting = spawn_limited(|s| {
        budgets(100, 2, 100)(s);
        s.set("trusted_proxies", "127.0.0.1").expect("valid");
    })
    .await;
    let from = |address: &'static str| [("x-forwarded-for", address)];
    for client in ["198.51.100.7", "2001:db8:0:1::1"] {
        for _ in 0..2 {
            let answer = send(&trusting, Method::GET, "/api/v1/tags", &from(client), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{client}");
        }
    }
    send(
        &trusting,
        Method::GET,
        "/api/v1/tags",
        &from("198.51.100.7"),
        None,
    )
    .await
    .refused(60);
    // An IPv6 client is counted by its /64.
    send(
        &trusting,
        Method::GET,
        "/api/v1/tags",
        &from("2001:db8:0:1::ffff"),
        None,
    )
    .await
    .refused(60);
    for client in ["198.51.100.8", "2001:db8:0:2::1"] {
        let answer = send(&trusting, Method::GET, "/api/v1/tags", &from(client), None).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{client} has a budget of its own"
        );
    }

    // Without the proxy trusted, the header is the client's word and changes nothing.
    let wary = spawn_limited(budgets(100, 2, 100)).await;
    for client in ["198.51.100.7", "198.51.100.8"] {
        let answer = send(&wary, Method::GET, "/api/v1/tags", &from(client), None).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    send(
        &wary,
        Method::GET,
        "/api/v1/tags",
        &from("198.51.100.9"),
        None,
    )
    .await
    .refused(60);
}

#[tokio::test]
async fn every_operation_declares_the_429_and_the_budget_headers() {
    let app = spawn_limited(|_| {}).await;
    let doc = get(&app, "/api/v1/openapi.json").await.json;
    let components = &doc["components"];
    let too_many = &components["responses"]["TooManyRequests"];
    assert_eq!(
        too_many["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    for header in [
        "Retry-After",
        "RateLimit",
        "RateLimit-Policy",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ] {
        assert_eq!(
            too_many["headers"][header]["$ref"],
            format!("#/components/headers/{header}")
        );
        assert!(
            components["headers"][header]["schema"].is_object(),
            "{header}"
        );
    }
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            operations += 1;
            let responses = operation["responses"].as_object().expect("responses");
            assert_eq!(
                responses["429"]["$ref"], "#/components/responses/TooManyRequests",
                "{method} {path}"
            );
            for (status, response) in responses {
                if status != "429" {
                    assert_eq!(
                        response["headers"]["RateLimit"]["$ref"], "#/components/headers/RateLimit",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    assert!(operations >= 18, "{operations}");
    let page = app.get("/api/v1/docs").await;
    assert_eq!(
        page.body.matches("A request budget is spent").count(),
        operations,
        "the page for people describes each operation's 429"
    );
}
