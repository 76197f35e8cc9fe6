//! The API's OpenAPI 3.1 document, generated from the handlers' annotations.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::{Response as ResponseDoc, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, ContentBuilder, Ref, RefOr};
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
                       `Authorization: Bearer <token>`. Requests are counted against \
                       per-minute budgets, per token or per address; every answer says \
                       where its budget stands in the `RateLimit` headers, and one beyond \
                       it gets 429 with `Retry-After`.",
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
    // The rate limit's modifier comes last: its headers go on every answer declared.
    modifiers(&BearerScheme, &CommonAnswers, &RateLimited),
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
/// handler: malformed parameters or headers (400), and where they apply a missing or
/// refused token (401, 403), an unknown id (404), a body too large, not JSON or with
/// wrong fields (413, 415, 422) and a fresh cached copy (304). Clients and contract
/// tests check every status against the document, so none may go undeclared (the
/// rate limit's 429 is declared by [`RateLimited`]).
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

/// The headers every answer carries about its request budget, with a description.
const RATE_LIMIT_HEADERS: [(&str, Type, &str); 5] = [
    (
        "RateLimit-Policy",
        Type::String,
        "The budget the request counted against (IETF draft \
         httpapi-ratelimit-headers): `\"token\";q=600;w=60` is 600 requests a minute",
    ),
    (
        "RateLimit",
        Type::String,
        "Where that budget stands: `\"token\";r=599;t=60` is 599 requests left, and \
         the window ends in 60 seconds",
    ),
    (
        "RateLimit-Limit",
        Type::Integer,
        "Requests in the window (older convention)",
    ),
    (
        "RateLimit-Remaining",
        Type::Integer,
        "Requests left in the window (older convention)",
    ),
    (
        "RateLimit-Reset",
        Type::Integer,
        "Seconds until the window ends (older convention)",
    ),
];

/// Declares the request budgets: their headers on every answer, and on every operation
/// the 429 answered when a budget is spent.
struct RateLimited;

impl RateLimited {
    const RESPONSE: &str = "TooManyRequests";

    fn header_ref(name: &str) -> Ref {
        Ref::new(format!("#/components/headers/{name}"))
    }

    fn declare(operation: &mut Operation) {
        for response in operation.responses.responses.values_mut() {
            if let RefOr::T(response) = response {
                for (name, _, _) in RATE_LIMIT_HEADERS {
                    response
                        .headers
                        .insert(name.to_owned(), RefOr::Ref(Self::header_ref(name)));
                }
            }
        }
        operation.responses.responses.insert(
            "429".to_owned(),
            RefOr::Ref(Ref::from_response_name(Self::RESPONSE)),
        );
    }
}

impl Modify for RateLimited {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut too_many = ResponseBuilder::new()
            .description(
                "A request budget is spent: per token, per address without a token, or \
                 per address for tokens that did not work (which then refuses every \
                 request with a token from that address). Nothing was done; try again \
                 after Retry-After seconds.",
            )
            .content(
                super::problem::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .header_ref("Retry-After", Self::header_ref("Retry-After"));
        for (name, kind, description) in RATE_LIMIT_HEADERS {
            let integer = kind == Type::Integer;
            let schema = ObjectBuilder::new().schema_type(kind);
            let schema = if integer {
                schema.minimum(Some(0))
            } else {
                schema
            };
            components.headers.insert(
                name.to_owned(),
                RefOr::T(
                    HeaderBuilder::new()
                        .schema(Some(schema.build()))
                        .description(Some(description))
                        .build(),
                ),
            );
            too_many = too_many.header_ref(name, Self::header_ref(name));
        }
        components.headers.insert(
            "Retry-After".to_owned(),
            RefOr::T(
                HeaderBuilder::new()
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1))
                            .build(),
                    ))
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            ),
        );
        components
            .responses
            .insert(Self::RESPONSE.to_owned(), RefOr::T(too_many.build()));
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
                &mut item.query,
            ];
            for operation in operations.into_iter().flatten() {
                Self::declare(operation);
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
