//! Public reads of the site's catalogue: editions, their sections, authors and tags.
//! Answered from the read model, without a token.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem::{FieldProblem, Problem};
use crate::web::AppState;

/// How long shared caches may keep a catalogue answer.
const CATALOGUE_MAX_AGE: &str = "public, max-age=30";

/// A JSON answer that caches may keep briefly, like the reader's pages.
fn public_json<T: Serialize>(body: T) -> Response {
    super::json(&body, CATALOGUE_MAX_AGE)
}

/// One language edition of the site.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionOut {
    /// Its code, the first segment of its reader URLs (`en`).
    #[schema(example = "en")]
    pub code: String,
    /// Its name.
    pub name: String,
    /// The outlet named after bylines.
    pub outlet: String,
}

/// Every edition, in display order.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionList {
    /// The editions.
    pub data: Vec<EditionOut>,
}

/// A section of an edition.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionOut {
    /// Its id.
    pub id: i64,
    /// The edition's code.
    pub edition: String,
    /// Its URL segment, unique within the edition.
    pub slug: String,
    /// Its name in the edition's language.
    pub name: String,
}

/// An edition's sections, in display order.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionList {
    /// The sections.
    pub data: Vec<SectionOut>,
}

/// A writer credited in bylines.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorOut {
    /// Its id.
    pub id: i64,
    /// Its URL segment, unique across the site.
    pub slug: String,
    /// The name as printed in bylines.
    pub name: String,
}

/// Every author, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorList {
    /// The authors.
    pub data: Vec<AuthorOut>,
}

/// A topic label of an edition.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagOut {
    /// Its id.
    pub id: i64,
    /// The edition's code.
    pub edition: String,
    /// Its URL segment, unique within the edition.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// Tags, by edition and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagList {
    /// The tags.
    pub data: Vec<TagOut>,
}

/// Every edition of the site.
#[utoipa::path(
    get,
    path = "/api/v1/editions",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every edition, in display order", body = EditionList),
    )
)]
pub async fn list_editions(State(state): State<AppState>) -> Response {
    let snapshot = state.read.snapshot();
    public_json(EditionList {
        data: snapshot
            .editions()
            .iter()
            .map(|e| EditionOut {
                code: e.code.to_string(),
                name: e.name.clone(),
                outlet: e.outlet.clone(),
            })
            .collect(),
    })
}

/// An edition's sections.
#[utoipa::path(
    get,
    path = "/api/v1/editions/{code}/sections",
    tag = "catalogue",
    params(("code" = String, Path, description = "The edition's code", example = "en")),
    responses(
        (status = 200, description = "The edition's sections, in display order", body = SectionList),
        (status = 404, description = "There is no such edition", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_sections(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, Problem> {
    let snapshot = state.read.snapshot();
    let Some(edition) = snapshot.edition(&code) else {
        return Err(Problem::not_found(format!(
            "there is no edition '{}'",
            code.chars().take(16).collect::<String>()
        )));
    };
    Ok(public_json(SectionList {
        data: snapshot
            .sections_of(edition.code.as_ref())
            .into_iter()
            .map(|s| SectionOut {
                id: s.id,
                edition: s.edition.to_string(),
                slug: s.slug.to_string(),
                name: s.name.clone(),
            })
            .collect(),
    }))
}

/// Every author.
#[utoipa::path(
    get,
    path = "/api/v1/authors",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every author, by name", body = AuthorList),
    )
)]
pub async fn list_authors(State(state): State<AppState>) -> Response {
    let snapshot = state.read.snapshot();
    public_json(AuthorList {
        data: snapshot
            .authors()
            .into_iter()
            .map(|a| AuthorOut {
                id: a.id,
                slug: a.slug.to_string(),
                name: a.name.clone(),
            })
            .collect(),
    })
}

/// Which tags to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TagQuery {
    /// Only this edition's tags.
    #[param(example = "en")]
    pub edition: Option<String>,
}

/// Tags of every edition, or of one.
#[utoipa::path(
    get,
    path = "/api/v1/tags",
    tag = "catalogue",
    params(TagQuery),
    responses(
        (status = 200, description = "Tags, by edition and name", body = TagList),
        (status = 400, description = "An unknown edition or parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tags(
    State(state): State<AppState>,
    query: Result<Query<TagQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| {
        Problem::invalid_parameters(vec![FieldProblem::parameter("query", e.body_text())])
    })?;
    let snapshot = state.read.snapshot();
    if let Some(code) = &query.edition
        && snapshot.edition(code).is_none()
    {
        return Err(Problem::invalid_parameters(vec![FieldProblem::parameter(
            "edition",
            format!(
                "there is no edition '{}'",
                code.chars().take(16).collect::<String>()
            ),
        )]));
    }
    let mut tags: Vec<TagOut> = snapshot
        .tags()
        .filter(|t| {
            query
                .edition
                .as_deref()
                .is_none_or(|e| t.edition.as_ref() == e)
        })
        .map(|t| TagOut {
            id: t.id,
            edition: t.edition.to_string(),
            slug: t.slug.to_string(),
            name: t.name.clone(),
        })
        .collect();
    tags.sort_by(|a, b| (&a.edition, &a.name, a.id).cmp(&(&b.edition, &b.name, b.id)));
    Ok(public_json(TagList { data: tags }))
}
