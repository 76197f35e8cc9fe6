//! A page for people reading the API's OpenAPI document: every operation with its
//! parameters and answers, rendered from the same document the machines read.

use std::sync::OnceLock;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::openapi;
use crate::web::urls;

/// One operation of the document.
struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    token: String,
    parameters: Vec<Parameter>,
    body: String,
    responses: Vec<Answer>,
}

struct Parameter {
    name: String,
    place: String,
    required: bool,
    description: String,
}

struct Answer {
    status: String,
    description: String,
}

#[derive(Template)]
#[template(path = "api/reference.html")]
struct ReferencePage {
    title: String,
    version: String,
    description: String,
    openapi: String,
    stylesheet: &'static str,
    operations: Vec<Operation>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The scopes an operation's security requirement names, or empty when it has none.
fn token(operation: &Value) -> String {
    let scopes: Vec<String> = operation
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let named = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
        });
    match (named, scopes.is_empty()) {
        (false, _) => String::new(),
        (true, true) => "a bearer token".to_owned(),
        (true, false) => format!("a bearer token with the {} scope", scopes.join(", ")),
    }
}

/// What a `{"$ref": "#/components/…"}` names within `document`, or `value` itself.
fn resolved<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| document.pointer(pointer))
        .unwrap_or(value)
}

fn operations(document: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| Parameter {
                    name: text(p, "name"),
                    place: text(p, "in"),
                    required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                    description: text(p, "description"),
                })
                .collect();
            let body = op
                .get("requestBody")
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .map(|content| content.keys().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(status, r)| Answer {
                    status: status.clone(),
                    description: text(resolved(document, r), "description"),
                })
                .collect();
            let anchor: String = format!("{method}-{path}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            out.push(Operation {
                anchor,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                token: token(op),
                parameters,
                body,
                responses,
            });
        }
    }
    out
}

/// The page's HTML, rendered once from the document.
fn page() -> Option<&'static str> {
    static PAGE: OnceLock<Option<String>> = OnceLock::new();
    PAGE.get_or_init(|| {
        let document: Value = serde_json::from_str(openapi::document()).ok()?;
        let info = document.get("info").cloned().unwrap_or(Value::Null);
        ReferencePage {
            title: text(&info, "title"),
            version: text(&info, "version"),
            description: text(&info, "description"),
            openapi: text(&document, "openapi"),
            stylesheet: urls::stylesheet(),
            operations: operations(&document),
        }
        .render()
        .ok()
    })
    .as_deref()
}

/// This document as a page for people.
#[utoipa::path(
    get,
    path = "/api/v1/docs",
    tag = "meta",
    responses((status = 200, description = "Every operation with its parameters and answers, as HTML", content_type = "text/html")),
)]
pub async fn show_reference() -> Response {
    match page() {
        Some(html) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=300"),
                ),
            ],
            html,
        )
            .into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_document_is_on_the_page() {
        let document: Value = serde_json::from_str(openapi::document()).expect("json");
        let html = page().expect("renders");
        let paths = document["paths"].as_object().expect("paths");
        assert!(!paths.is_empty());
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some() {
                    let heading = format!("{} {path}", method.to_ascii_uppercase());
                    assert!(html.contains(&heading), "{heading} missing");
                }
            }
        }
    }
}
