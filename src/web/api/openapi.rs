//! The API's OpenAPI 3.1 document, generated from the handlers' annotations.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::{Response as ResponseDoc, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr};
use utoipa::{Modify, OpenApi};

use super::{catalog, items, me, ninjs, problem, reference, writes};

/// The document's root: every operation and schema of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsline API",
        description = "The news platform's JSON API. Errors are RFC 9457 problem details \
                       (application/problem+json). Authenticated operations take a personal \
                       API token, made in the newsroom or with `newsline token create`, as \
                       `Authorization: Bearer <token>`.",
    ),
    paths(
        catalog::list_editions,
        catalog::list_sections,
        catalog::list_authors,
        catalog::list_tags,
        items::list_items,
        items::show_item,
        items::show_news_line,
        me::show_me,
        writes::create_item,
        writes::patch_item,
        writes::put_item,
        writes::delete_item,
        writes::submit_item,
        writes::schedule_item,
        writes::publish_item,
        writes::withdraw_item,
        writes::correct_item,
        writes::upload_media,
        openapi_json,
        reference::show_reference,
    ),
    components(schemas(
        problem::Problem,
        problem::FieldProblem,
        items::ItemOut,
        items::ItemList,
        items::NewsLineOut,
        ninjs::NinjsItem,
        ninjs::NinjsList,
    )),
    modifiers(&BearerScheme, &CommonAnswers),
    tags(
        (name = "catalogue", description = "Editions, sections, authors and tags: public"),
        (name = "items", description = "Items and the news line: published ones public, \
                                         others to token holders who may see them; \
                                         Newsline's JSON or IPTC ninjs 3.0"),
        (name = "account", description = "The caller and the token"),
        (name = "writing", description = "Items and images written with a token of the write scope, under the owner's role"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme that authenticated operations name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("nl_<id>_<secret>")
                    .description(Some(
                        "A personal API token with the read and/or write scope",
                    ))
                    .build(),
            ),
        );
    }
}

/// Declares, on every operation, the answers any request may get whatever the
/// handler: malformed parameters or headers (400), the rate limit (429), and where
/// they apply a missing or refused token (401, 403), an unknown id (404), a body too
/// large, not JSON or with wrong fields (413, 415, 422) and a fresh cached copy (304). Clients and contract
/// tests check every status against the document, so none may go undeclared.
struct CommonAnswers;

impl CommonAnswers {
    fn problem(description: &str) -> RefOr<ResponseDoc> {
        ResponseBuilder::new()
            .description(description)
            .content(
                problem::PROBLEM_JSON,
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build()
            .into()
    }

    fn complete(method: &HttpMethod, path: &str, operation: &mut Operation) {
        let secured = operation.security.is_some();
        let has_body = operation.request_body.is_some();
        let responses = &mut operation.responses.responses;
        let mut add = |status: &str, answer: RefOr<ResponseDoc>| {
            responses.entry(status.to_owned()).or_insert(answer);
        };
        add(
            "400",
            Self::problem("A parameter or header is malformed; `errors` names it"),
        );
        add(
            "429",
            Self::problem(
                "Too many requests from this token or address; Retry-After says when to try again",
            ),
        );
        if secured {
            add(
                "401",
                Self::problem("The token is missing, malformed, unknown, expired or revoked"),
            );
            add(
                "403",
                Self::problem("The token lacks the scope, or its owner's role may not do this"),
            );
        }
        if path.contains('{') {
            add(
                "404",
                Self::problem("There is nothing with that id or code"),
            );
        }
        if has_body {
            add("413", Self::problem("The body is too large"));
            add(
                "415",
                Self::problem("The body is not of the declared media type"),
            );
            add(
                "422",
                Self::problem("Some fields of the body are wrong; `errors` points at each"),
            );
        }
        if matches!(method, HttpMethod::Get) {
            add(
                "304",
                ResponseBuilder::new()
                    .description("Not modified since the ETag given in If-None-Match")
                    .build()
                    .into(),
            );
        }
    }
}

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                (HttpMethod::Get, &mut item.get),
                (HttpMethod::Put, &mut item.put),
                (HttpMethod::Post, &mut item.post),
                (HttpMethod::Delete, &mut item.delete),
                (HttpMethod::Patch, &mut item.patch),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    Self::complete(&method, path, operation);
                }
            }
        }
    }
}

/// The document as JSON, made once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned())
    })
}

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")),
)]
pub async fn openapi_json() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        document(),
    )
        .into_response()
}
