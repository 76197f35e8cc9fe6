//! The API's writes: items created, updated, moved through the workflow, deleted and
//! corrected, and images uploaded, each through the newsroom's own use cases and role
//! checks, as the token's owner.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::PREFIX;
use super::auth::{Caller, Write};
use super::problem::{FieldProblem, Problem};
use crate::domain::{Item, ItemId};
use crate::media::MediaError;
use crate::newsroom::{
    Draft, DraftInput, EditError, Field, FieldErrors, ItemCommand, NewsroomError, SectionRef, Step,
};
use crate::web::AppState;

/// Framing and text fields of an upload on top of the image itself.
const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// A time in RFC 3339, such as `2026-12-01T09:00:00Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rfc3339(pub Timestamp);

impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(de)?;
        raw.parse::<Timestamp>().map(Self).map_err(|_| {
            serde::de::Error::custom(
                "use an RFC 3339 time with its offset, such as 2026-12-01T09:00:00Z",
            )
        })
    }
}

/// What to do with an item besides saving its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WriteAction {
    /// Just save (the default).
    Save,
    /// Save and hand to the editors.
    Submit,
    /// Save and make public now.
    Publish,
    /// Save and publish at `publish_at`.
    Schedule,
}

/// An item's fields as the API takes them. On create and `PUT`, a field left out is
/// empty; on `PATCH`, it keeps its stored value.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemIn {
    /// Edition code, such as `en`; an item stays in its edition.
    #[schema(example = "en")]
    pub edition: Option<String>,
    /// `article` or `brief`.
    #[schema(example = "article")]
    pub kind: Option<String>,
    /// Headline.
    pub headline: Option<String>,
    /// Standfirst.
    pub dek: Option<String>,
    /// Title for search engines and social cards; empty for the headline.
    pub seo_title: Option<String>,
    /// Description for search engines and social cards; empty for the standfirst.
    pub seo_description: Option<String>,
    /// Body in Markdown.
    pub body: Option<String>,
    /// Section slug of the edition.
    #[schema(example = "politics")]
    pub section: Option<String>,
    /// Author names in byline order; an article needs one.
    pub authors: Option<Vec<String>>,
    /// Tag names.
    pub tags: Option<Vec<String>>,
    /// Outlet after the byline, when not the edition's own.
    pub outlet: Option<String>,
    /// Id of a related item of the same edition.
    pub related: Option<ItemId>,
    /// Id of the same story in another edition: this item is its translation.
    pub translation_of: Option<ItemId>,
    /// Id of an uploaded image to lead with.
    pub lead_media: Option<i64>,
    /// Lead story on the home page (editors and admins).
    pub pinned: Option<bool>,
    /// Breaking news (editors and admins).
    pub breaking: Option<bool>,
    /// Not to be published before this time (RFC 3339).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub embargo: Option<Rfc3339>,
    /// What to do besides saving: `save` (default), `submit`, `publish`, `schedule`.
    pub action: Option<WriteAction>,
    /// When to publish, for `schedule` (RFC 3339).
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-12-01T09:00:00Z")]
    pub publish_at: Option<Rfc3339>,
}

/// When to publish a scheduled item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleIn {
    /// The time to publish at (RFC 3339, in the future).
    #[schema(value_type = String, format = DateTime, example = "2026-12-01T09:00:00Z")]
    pub publish_at: Rfc3339,
}

/// When to withdraw a published item; now when left out.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawIn {
    /// The time to withdraw at (RFC 3339, in the future).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Rfc3339>,
}

/// A step that needs nothing but the item's ETag.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyIn {}

/// A correction to a published item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionIn {
    /// What was wrong and what is right now (up to 2000 characters).
    pub note: String,
}

/// An item after a write: enough to address it and write it again.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemWritten {
    /// Its id.
    pub id: ItemId,
    /// Its version now; every save increments it.
    pub version: i64,
    /// `draft`, `review`, `scheduled`, `published` or `unpublished`.
    #[schema(example = "draft")]
    pub status: String,
    /// Its ETag now, for the next write's `If-Match`.
    #[schema(example = "W/\"v3\"")]
    pub etag: String,
    /// Its address in this API.
    #[schema(example = "/api/v1/items/42")]
    pub url: String,
}

/// An uploaded image.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaWritten {
    /// Its id, for an item's `lead_media`.
    pub id: i64,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Stored format.
    #[schema(example = "webp")]
    pub format: String,
    /// Alt text as stored.
    pub alt: String,
}

/// An image upload, as the newsroom's upload form sends it.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct MediaIn {
    /// The image: JPEG, PNG, WebP or GIF, checked by decoding.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// What the image shows, for readers who cannot see it (required).
    pub alt: String,
    /// Caption.
    pub caption: Option<String>,
    /// Credit.
    pub credit: Option<String>,
}

/// The ETag of an item at `version`.
pub fn etag(version: i64) -> String {
    format!("W/\"v{version}\"")
}

/// The version an `If-Match` header names: 428 when there is none, 412 when it names
/// no version of an item (`*` included: a write must say which version it read).
fn if_match(headers: &HeaderMap) -> Result<i64, Problem> {
    let mut values = headers.get_all(header::IF_MATCH).iter().peekable();
    if values.peek().is_none() {
        return Err(Problem::status(
            StatusCode::PRECONDITION_REQUIRED,
            Some("send If-Match with the item's ETag, as the last read or write gave it".into()),
        ));
    }
    let mut tags = Vec::new();
    for value in values {
        let list = value.to_str().map_err(|_| malformed_if_match())?;
        for tag in list.split(',') {
            let tag = tag.trim();
            let opaque = tag.strip_prefix("W/").unwrap_or(tag);
            let quoted = opaque.len() >= 2 && opaque.starts_with('"') && opaque.ends_with('"');
            if tag != "*" && !quoted {
                return Err(malformed_if_match());
            }
            tags.push(opaque);
        }
    }
    tags.into_iter()
        .find_map(|tag| {
            // `"v7"` as writes answer, or `"v7-…"` as an item's read answers.
            let inner = tag.strip_prefix("\"v")?.strip_suffix('"')?;
            inner
                .split_once('-')
                .map_or(inner, |(version, _)| version)
                .parse::<i64>()
                .ok()
        })
        .ok_or_else(stale)
}

/// An `If-Match` that is not a list of entity tags (RFC 9110, 13.1.1).
fn malformed_if_match() -> Problem {
    Problem::invalid_parameters(vec![FieldProblem::parameter(
        "If-Match",
        "not an entity tag: send the ETag exactly as it was answered, quotes included",
    )])
}

/// The version of an optional `If-Match`, for writes that do not require one.
fn optional_if_match(headers: &HeaderMap) -> Result<Option<i64>, Problem> {
    if headers.contains_key(header::IF_MATCH) {
        if_match(headers).map(Some)
    } else {
        Ok(None)
    }
}

fn stale() -> Problem {
    Problem::status(
        StatusCode::PRECONDITION_FAILED,
        Some("the item has changed since that ETag: read it again and redo the change".into()),
    )
}

/// Turns a `serde_path_to_error` path into a JSON Pointer's segments.
fn pointer(path: &serde_path_to_error::Path, message: &str) -> String {
    use serde_path_to_error::Segment;
    let mut parts: Vec<String> = path
        .iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    // An unknown field is reported at its parent; point at the field itself.
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((name, _)) = rest.split_once('`')
        && parts.last().map(String::as_str) != Some(name)
    {
        parts.push(name.to_owned());
    }
    parts
        .iter()
        .map(|p| p.replace('~', "~0").replace('/', "~1"))
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a JSON body: 415 when it is not JSON, 400 when it is malformed, 422 naming
/// the field when a value has the wrong type, is missing or is unknown. An empty body
/// reads as `{}` when `empty_ok`.
fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
    empty_ok: bool,
) -> Result<T, Problem> {
    let bytes: &[u8] = if body.is_empty() && empty_ok {
        b"{}"
    } else {
        body
    };
    if !body.is_empty() {
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        if !json {
            return Err(Problem::status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some("send the body as Content-Type: application/json".into()),
            ));
        }
    }
    let malformed = |e: &serde_json::Error| {
        Problem::status(
            StatusCode::BAD_REQUEST,
            Some(format!("the body is not well-formed JSON: {e}")),
        )
    };
    // serde reads a struct from an array as well; every body here is an object. Only
    // well-formed JSON gets that far: anything else is malformed (400), below.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let well_formed = serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok();
    if well_formed && first.is_some_and(|b| *b != b'{') {
        return Err(Problem::invalid(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![FieldProblem::field("", "the body must be a JSON object")],
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let inner = err.inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            return malformed(inner);
        }
        let message = inner.to_string();
        let at = pointer(err.path(), &message);
        // serde's message ends with where in the text it was found; the pointer says it better.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_owned();
        Problem::invalid(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![FieldProblem::field(&at, message)],
        )
    })?;
    // Anything after the value (a second object, stray text) is malformed too.
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

/// Field errors as a 422 problem, or a 409 when only the workflow refused the step.
fn invalid(errors: &FieldErrors) -> Problem {
    if errors.iter().all(|e| e.field == Field::Form) {
        let detail = errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        return Problem::status(StatusCode::CONFLICT, Some(detail));
    }
    Problem::invalid(
        StatusCode::UNPROCESSABLE_ENTITY,
        errors
            .iter()
            .map(|e| FieldProblem::field(e.field.as_str(), e.message.clone()))
            .collect(),
    )
}

impl From<EditError> for Problem {
    fn from(err: EditError) -> Self {
        match err {
            EditError::Invalid(errors) => invalid(&errors),
            EditError::Forbidden => Self::status(
                StatusCode::FORBIDDEN,
                Some("the token's owner may not do this to this item".into()),
            ),
            EditError::NotFound => Self::not_found("there is no such item"),
            EditError::Stale { .. } => stale(),
            EditError::NotDraft => Self::status(StatusCode::CONFLICT, Some(err.to_string())),
            EditError::Store(e) => e.into(),
        }
    }
}

/// The draft input `body` describes, over `base` (fields left out keep `base`'s).
fn merged(base: DraftInput, body: &ItemIn) -> DraftInput {
    let or = |given: &Option<String>, kept: String| given.clone().unwrap_or(kept);
    DraftInput {
        edition: or(&body.edition, base.edition),
        kind: or(&body.kind, base.kind),
        headline: or(&body.headline, base.headline),
        slug: base.slug,
        dek: or(&body.dek, base.dek),
        seo_title: or(&body.seo_title, base.seo_title),
        seo_description: or(&body.seo_description, base.seo_description),
        body: or(&body.body, base.body),
        section: match &body.section {
            Some(slug) => SectionRef::Slug(slug.clone()),
            None => base.section,
        },
        authors: body.authors.clone().unwrap_or(base.authors),
        // A program names its authors on purpose; its role decides what it may add.
        new_authors: None,
        outlet: or(&body.outlet, base.outlet),
        tags: body.tags.clone().unwrap_or(base.tags),
        related: body.related.or(base.related),
        translation_of: body.translation_of.or(base.translation_of),
        lead_media: body.lead_media.or(base.lead_media),
        pinned: body.pinned.unwrap_or(base.pinned),
        breaking: body.breaking.unwrap_or(base.breaking),
        embargo: body.embargo.map(|t| t.0).or(base.embargo),
    }
}

/// The step a body's `action` asks for.
fn step_of(body: &ItemIn) -> Result<Step, FieldErrors> {
    match (body.action.unwrap_or(WriteAction::Save), body.publish_at) {
        (WriteAction::Save, _) => Ok(Step::Save),
        (WriteAction::Submit, _) => Ok(Step::Submit),
        (WriteAction::Publish, _) => Ok(Step::Publish),
        (WriteAction::Schedule, Some(at)) => Ok(Step::Schedule(at.0)),
        (WriteAction::Schedule, None) => Err(FieldErrors::one(
            Field::PublishAt,
            "give the time to publish at",
        )),
    }
}

/// The command `input` and `body` make, or why not, as the use case would refuse it:
/// a role that may not try at all is told so before any field is.
async fn command(
    state: &AppState,
    caller: &Caller<Write>,
    item: Option<&Item>,
    input: DraftInput,
    body: &ItemIn,
) -> Result<ItemCommand, Problem> {
    let step = step_of(body);
    let draft = Draft::parse(input.clone());
    match (draft, step) {
        (Ok(draft), Ok(step)) => Ok(ItemCommand {
            draft,
            step,
            withdraw_at: None,
            note: None,
        }),
        (draft, step) => {
            let mut errors = FieldErrors::default();
            let action = match &step {
                Ok(step) => step.action(state.newsroom.now()),
                Err(_) => crate::domain::Action::Schedule,
            };
            if let Err(e) = step {
                errors.extend(e);
            }
            if let Err(e) = draft {
                errors.extend(e);
            }
            let refusal = state
                .newsroom
                .refusal(caller.actor(), item, action, &input, errors)
                .await?;
            Err(refusal.into())
        }
    }
}

/// A JSON answer with `status`, the item's ETag and, for a new one, its `Location`.
async fn written(state: &AppState, id: ItemId, status: StatusCode) -> Result<Response, Problem> {
    let item = state
        .newsroom
        .item(id)
        .await?
        .ok_or_else(|| Problem::not_found("there is no such item"))?;
    let url = format!("{PREFIX}/items/{id}");
    let body = ItemWritten {
        id,
        version: item.version,
        status: item.status.as_str().to_owned(),
        etag: etag(item.version),
        url: url.clone(),
    };
    let mut response = super::json(&body, "no-store");
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&body.etag) {
        headers.insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED
        && let Ok(v) = HeaderValue::from_str(&url)
    {
        headers.insert(header::LOCATION, v);
    }
    Ok(response)
}

/// The item to change, as it is now, if the caller may see it: another's draft is
/// not found, as in the newsroom.
async fn current(state: &AppState, caller: &Caller<Write>, id: ItemId) -> Result<Item, Problem> {
    state
        .newsroom
        .item_for(caller.actor(), id)
        .await?
        .ok_or_else(|| Problem::not_found("there is no such item"))
}

/// Creates an item as the token's owner, and takes the step asked for.
#[utoipa::path(
    post,
    path = "/api/v1/items",
    tag = "writing",
    security(("bearer" = ["write"])),
    request_body(content = ItemIn, description = "The item's fields; edition, kind, headline, body and section are needed, and authors for an article"),
    responses(
        (status = 201, description = "Created; Location and ETag name it", body = ItemWritten),
        (status = 400, description = "The body is not well-formed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the write scope, or its owner's role may not take this step", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The workflow refuses the step", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some fields are wrong; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let body: ItemIn = read_json(&headers, &body, false)?;
    let input = merged(DraftInput::default(), &body);
    let command = command(&state, &caller, None, input, &body).await?;
    let id = state.newsroom.create_item(caller.actor(), &command).await?;
    written(&state, id, StatusCode::CREATED).await
}

async fn update(
    state: AppState,
    caller: Caller<Write>,
    id: ItemId,
    headers: HeaderMap,
    body: Bytes,
    partial: bool,
) -> Result<Response, Problem> {
    // The request itself is checked before its precondition (RFC 9110, 13.2.1).
    let body: ItemIn = read_json(&headers, &body, false)?;
    let version = if_match(&headers)?;
    let item = current(&state, &caller, id).await?;
    let base = if partial {
        match state.newsroom.draft_of(&item).await {
            Ok(draft) => draft.input(),
            // Stored fields today's rules refuse: the body must give them anew.
            Err(EditError::Invalid(_)) => DraftInput {
                edition: item.edition.to_string(),
                ..DraftInput::default()
            },
            Err(other) => return Err(other.into()),
        }
    } else {
        DraftInput {
            edition: item.edition.to_string(),
            ..DraftInput::default()
        }
    };
    let input = merged(base, &body);
    let command = command(&state, &caller, Some(&item), input, &body).await?;
    state
        .newsroom
        .save_item(caller.actor(), id, version, &command)
        .await?;
    written(&state, id, StatusCode::OK).await
}

/// Changes some of an item's fields (those given), if it is still at the `If-Match` version.
#[utoipa::path(
    patch,
    path = "/api/v1/items/{id}",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(
        ("id" = i64, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's ETag, as last read or written"),
    ),
    request_body(content = ItemIn, description = "The fields to change, and optionally a step to take"),
    responses(
        (status = 200, description = "Saved", body = ItemWritten),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The workflow refuses the step", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The item changed since that ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some fields are wrong", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    update(state, caller, id, headers, body, true).await
}

/// Replaces an item's fields (those left out become empty), if it is still at the
/// `If-Match` version.
#[utoipa::path(
    put,
    path = "/api/v1/items/{id}",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(
        ("id" = i64, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's ETag, as last read or written"),
    ),
    request_body(content = ItemIn, description = "Every field of the item, and optionally a step to take"),
    responses(
        (status = 200, description = "Saved", body = ItemWritten),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The workflow refuses the step", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The item changed since that ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some fields are wrong", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    update(state, caller, id, headers, body, false).await
}

/// Takes `step` on item `id` with its stored fields, as the editor's buttons do.
async fn take(
    state: &AppState,
    caller: &Caller<Write>,
    id: ItemId,
    version: i64,
    step: Step,
) -> Result<Response, Problem> {
    let item = current(state, caller, id).await?;
    let draft = state.newsroom.draft_of(&item).await?;
    state
        .newsroom
        .save_item(
            caller.actor(),
            id,
            version,
            &ItemCommand {
                draft,
                step,
                withdraw_at: None,
                note: None,
            },
        )
        .await?;
    written(state, id, StatusCode::OK).await
}

/// Hands a draft to the editors.
#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/submit",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(
        ("id" = i64, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's ETag"),
    ),
    request_body(content = Option<EmptyIn>, description = "Nothing, or `{}`"),
    responses(
        (status = 200, description = "In review", body = ItemWritten),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale ETag", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn submit_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    // The request itself is checked before its precondition (RFC 9110, 13.2.1).
    let EmptyIn {} = read_json(&headers, &body, true)?;
    let version = if_match(&headers)?;
    take(&state, &caller, id, version, Step::Submit).await
}

/// Makes an item public now.
#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/publish",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(
        ("id" = i64, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's ETag"),
    ),
    request_body(content = Option<EmptyIn>, description = "Nothing, or `{}`"),
    responses(
        (status = 200, description = "Published", body = ItemWritten),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Embargoed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn publish_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    // The request itself is checked before its precondition (RFC 9110, 13.2.1).
    let EmptyIn {} = read_json(&headers, &body, true)?;
    let version = if_match(&headers)?;
    take(&state, &caller, id, version, Step::Publish).await
}

/// Schedules an item to be published at a future time.
#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/schedule",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(
        ("id" = i64, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's ETag"),
    ),
    request_body(content = ScheduleIn),
    responses(
        (status = 200, description = "Scheduled", body = ItemWritten),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No time, or not in the future", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn schedule_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    // The request itself is checked before its precondition (RFC 9110, 13.2.1).
    let body: ScheduleIn = read_json(&headers, &body, false)?;
    let version = if_match(&headers)?;
    take(
        &state,
        &caller,
        id,
        version,
        Step::Schedule(body.publish_at.0),
    )
    .await
}

/// Withdraws a published item, now or at a future time.
#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/withdraw",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(
        ("id" = i64, Path, description = "The item's id"),
        ("If-Match" = String, Header, description = "The item's ETag"),
    ),
    request_body(content = Option<WithdrawIn>, description = "Nothing to withdraw now, or when"),
    responses(
        (status = 200, description = "Withdrawn, or set to be", body = ItemWritten),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not published", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale ETag", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    // The request itself is checked before its precondition (RFC 9110, 13.2.1).
    let body: WithdrawIn = read_json(&headers, &body, true)?;
    let version = if_match(&headers)?;
    let step = body
        .at
        .map_or(Step::Unpublish, |at| Step::UnpublishAt(at.0));
    take(&state, &caller, id, version, step).await
}

/// Deletes a draft; anything past draft is withdrawn instead.
#[utoipa::path(
    delete,
    path = "/api/v1/items/{id}",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(
        ("id" = i64, Path, description = "The item's id"),
        ("If-Match" = Option<String>, Header, description = "The item's ETag; checked when sent"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale ETag", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let version = optional_if_match(&headers)?;
    state
        .newsroom
        .delete_draft(caller.actor(), id, version)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Adds a dated correction to a published item.
#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/corrections",
    tag = "writing",
    security(("bearer" = ["write"])),
    params(("id" = i64, Path, description = "The item's id")),
    request_body(content = CorrectionIn),
    responses(
        (status = 201, description = "Corrected", body = ItemWritten),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No note, or the item is not published", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn correct_item(
    State(state): State<AppState>,
    caller: Caller<Write>,
    Path(id): Path<ItemId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let body: CorrectionIn = read_json(&headers, &body, false)?;
    state
        .newsroom
        .add_correction(caller.actor(), id, &body.note)
        .await?;
    written(&state, id, StatusCode::CREATED).await
}

fn too_large(state: &AppState) -> Problem {
    Problem::status(
        StatusCode::PAYLOAD_TOO_LARGE,
        Some(format!(
            "the image is larger than {} bytes",
            state.max_upload_bytes
        )),
    )
}

fn bad_form() -> Problem {
    Problem::status(
        StatusCode::BAD_REQUEST,
        Some("the upload is not well-formed multipart/form-data".into()),
    )
}

/// Uploads an image, as the newsroom's media page does: checked by decoding, cleaned
/// of metadata, resized and stored.
#[utoipa::path(
    post,
    path = "/api/v1/media",
    tag = "writing",
    security(("bearer" = ["write"])),
    request_body(content = MediaIn, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Uploaded", body = MediaWritten),
        (status = 400, description = "Not a well-formed form", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The image is too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No image, not an image, or no alt text", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Every image worker is busy", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload_media(
    State(state): State<AppState>,
    caller: Caller<Write>,
    mut multipart: Multipart,
) -> Result<Response, Problem> {
    let (mut alt, mut caption, mut credit, mut file) =
        (String::new(), String::new(), String::new(), None);
    let limit = state.max_upload_bytes;
    // Everything read, so that many small fields cannot add up to more than one image.
    let mut total = 0usize;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large(&state));
            }
            Err(_) => return Err(bad_form()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        // Read in chunks, counting, so that an oversize file is refused before it is held.
        let cap = if name == "file" {
            limit
        } else {
            UPLOAD_OVERHEAD
        };
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > limit + UPLOAD_OVERHEAD {
                        return Err(too_large(&state));
                    }
                    if bytes.len() + chunk.len() > cap {
                        return Err(if name == "file" {
                            too_large(&state)
                        } else {
                            bad_form()
                        });
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(too_large(&state));
                }
                Err(_) => return Err(bad_form()),
            }
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "alt" => alt = text(),
            "caption" => caption = text(),
            "credit" => credit = text(),
            "file" => file = Some(bytes),
            _ => {
                return Err(Problem::invalid(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    vec![FieldProblem::field(&name, "unknown field")],
                ));
            }
        }
    }
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return Err(Problem::invalid(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![FieldProblem::field(
                "file",
                "send the image as the field 'file'",
            )],
        ));
    };
    let record = state
        .newsroom
        .upload_image(caller.actor(), file, &alt, &caption, &credit)
        .await
        .map_err(|e| upload_refused(&state, e))?;
    let body = MediaWritten {
        id: record.id,
        width: record.width,
        height: record.height,
        format: record.format,
        alt: record.alt,
    };
    let mut response = super::json(&body, "no-store");
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

fn upload_refused(state: &AppState, err: NewsroomError) -> Problem {
    let field = |name: &str, detail: String| {
        Problem::invalid(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![FieldProblem::field(name, detail)],
        )
    };
    match err {
        NewsroomError::Media(MediaError::TooLarge { .. }) => too_large(state),
        NewsroomError::Media(MediaError::Busy | MediaError::Cancelled) => Problem::unavailable()
            .with_detail("every image worker is busy; try the upload again in a moment"),
        NewsroomError::Media(
            e @ (MediaError::NotAnImage
            | MediaError::TooManyPixels { .. }
            | MediaError::DecodeLimit(_)
            | MediaError::Unsupported(_)
            | MediaError::Corrupt(_)),
        ) => field("file", e.to_string()),
        NewsroomError::Media(e) => Problem::internal(&e),
        NewsroomError::MissingAlt => field("alt", err.to_string()),
        NewsroomError::Invalid(e) => field("alt", format!("{e} (alt, caption and credit)")),
        other => other.into(),
    }
}

/// Routes of the writes, to be merged under the API's prefix.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/items", post(create_item))
        .route(
            "/items/{id}",
            axum::routing::patch(patch_item)
                .put(put_item)
                .delete(delete_item),
        )
        .route("/items/{id}/submit", post(submit_item))
        .route("/items/{id}/publish", post(publish_item))
        .route("/items/{id}/schedule", post(schedule_item))
        .route("/items/{id}/withdraw", post(withdraw_item))
        .route("/items/{id}/corrections", post(correct_item))
}

/// The upload route, outside the API's limit for JSON bodies: the handler counts what
/// it reads against the newsroom's upload limit instead.
pub fn media_route() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/media", axum::routing::post(upload_media))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_if_match(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::IF_MATCH, HeaderValue::from_str(v).expect("value"));
        }
        headers
    }

    #[test]
    fn if_match_names_a_version_or_says_why_not() {
        assert_eq!(if_match(&with_if_match(&["W/\"v3\""])).ok(), Some(3));
        assert_eq!(if_match(&with_if_match(&["\"v12\""])).ok(), Some(12));
        assert_eq!(if_match(&with_if_match(&["\"x\", W/\"v7\""])).ok(), Some(7));
        assert_eq!(
            if_match(&with_if_match(&["\"v9-0af3c2\""])).ok(),
            Some(9),
            "an item's read ETag"
        );
        let missing = if_match(&HeaderMap::new()).expect_err("missing");
        assert_eq!(missing.status_code(), StatusCode::PRECONDITION_REQUIRED);
        for stale in ["*", "\"3\"", "W/\"vx\""] {
            let refused = if_match(&with_if_match(&[stale])).expect_err(stale);
            assert_eq!(
                refused.status_code(),
                StatusCode::PRECONDITION_FAILED,
                "{stale}"
            );
        }
        // Not entity tags at all: the header is malformed.
        for malformed in ["v3", "", "W/", "\"v3", "\"v3\", v4"] {
            let refused = if_match(&with_if_match(&[malformed])).expect_err(malformed);
            assert_eq!(
                refused.status_code(),
                StatusCode::BAD_REQUEST,
                "{malformed}"
            );
        }
        assert_eq!(optional_if_match(&HeaderMap::new()).ok(), Some(None));
    }

    #[test]
    fn body_errors_point_at_the_field() {
        let json = {
            let mut h = HeaderMap::new();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            h
        };
        let read = |body: &'static str| read_json::<ItemIn>(&json, &Bytes::from(body), false);
        let cases = [
            (r#"{"tags": ["a", 1]}"#, "#/tags/1"),
            (r#"{"headline": false}"#, "#/headline"),
            (r#"{"nope": 1}"#, "#/nope"),
            (r#"{"publish_at": "soon"}"#, "#/publish_at"),
        ];
        for (body, at) in cases {
            let problem = read(body).expect_err(body);
            assert_eq!(
                problem.status_code(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}"
            );
            assert_eq!(problem.errors[0].pointer.as_deref(), Some(at), "{body}");
        }
        for body in ["{", "{} x", ""] {
            let problem = read(body).expect_err(body);
            assert_eq!(problem.status_code(), StatusCode::BAD_REQUEST, "{body}");
        }
        let empty = read_json::<EmptyIn>(&HeaderMap::new(), &Bytes::new(), true);
        assert!(empty.is_ok());
        let form = read_json::<ItemIn>(&HeaderMap::new(), &Bytes::from("a=b"), false)
            .expect_err("not json");
        assert_eq!(form.status_code(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
