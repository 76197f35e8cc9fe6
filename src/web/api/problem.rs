//! Errors of the API as RFC 9457 problem details (`application/problem+json`).
//!
//! Handlers and extractors return [`Problem`]; anything else that fails under
//! `/api/` (the router's 404 and 405, a body too large, a timeout, a panic) is turned
//! into one by [`finish`], called from the site's one error layer.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::newsroom::NewsroomError;
use crate::store::StoreError;

/// The media type of every error the API answers.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The `type` of a problem that says no more than its status does.
const ABOUT_BLANK: &str = "about:blank";

/// What kind of problem, as a URI that names it; `about:blank` for plain statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemType {
    /// Nothing more than the status code says.
    Status,
    /// Some fields or parameters of the request are invalid; `errors` lists them.
    Validation,
    /// No credentials were sent where they are needed.
    Unauthenticated,
    /// The bearer token was malformed, unknown, expired or revoked.
    InvalidToken,
    /// The token is good but lacks the scope this needs.
    InsufficientScope,
    /// A request budget is spent; `Retry-After` says when the next one fits.
    RateLimited,
}

impl ProblemType {
    /// The URI clients match on.
    pub fn uri(self) -> &'static str {
        match self {
            Self::Status => ABOUT_BLANK,
            Self::Validation => "urn:newsline:problem:validation",
            Self::Unauthenticated => "urn:newsline:problem:unauthenticated",
            Self::InvalidToken => "urn:newsline:problem:invalid-token",
            Self::InsufficientScope => "urn:newsline:problem:insufficient-scope",
            Self::RateLimited => "urn:newsline:problem:rate-limited",
        }
    }
}

/// One invalid field of a request body or one invalid parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// A JSON Pointer into the request body (`#/name`), for a body field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The name of a query or path parameter, for a parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// What is wrong with it.
    pub detail: String,
}

impl FieldProblem {
    /// A problem with the body field at `path` (slash-separated, as in `authors/0`).
    pub fn field(path: &str, detail: impl Into<String>) -> Self {
        Self {
            // The empty path is the body itself: the pointer `#`, not `#/` (a key "").
            pointer: Some(if path.is_empty() {
                "#".to_owned()
            } else {
                format!("#/{path}")
            }),
            parameter: None,
            detail: detail.into(),
        }
    }

    /// A problem with the query or path parameter `name`.
    pub fn parameter(name: &str, detail: impl Into<String>) -> Self {
        Self {
            pointer: None,
            parameter: Some(name.to_owned()),
            detail: detail.into(),
        }
    }
}

/// An RFC 9457 problem: why a request failed; nothing was changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short summary of the kind of problem, the same for every occurrence.
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, for a person to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For a validation problem, each invalid field or parameter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(nullable = false)]
    pub errors: Vec<FieldProblem>,
    /// The `WWW-Authenticate` challenge sent with a 401 or a 403 for scope.
    #[serde(skip)]
    challenge: Option<String>,
    /// Seconds to wait before trying again, for a 503 or a 429.
    #[serde(skip)]
    retry_after: Option<u32>,
}

/// The `realm` of every bearer challenge.
const REALM: &str = "newsline";

impl Problem {
    /// A problem of `kind` with `status`, titled `title`.
    pub fn new(kind: ProblemType, status: StatusCode, title: &'static str) -> Self {
        Self {
            kind: kind.uri(),
            title,
            status: status.as_u16(),
            detail: None,
            errors: Vec::new(),
            challenge: None,
            retry_after: None,
        }
    }

    /// A problem that says no more than `status` and, maybe, a detail.
    pub fn status(status: StatusCode, detail: Option<String>) -> Self {
        let title = status.canonical_reason().unwrap_or("Error");
        Self {
            detail,
            ..Self::new(ProblemType::Status, status, title)
        }
    }

    /// The same problem with a detail for this occurrence.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// 404: nothing here.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::status(StatusCode::NOT_FOUND, Some(detail.into()))
    }

    /// 400: some parameters are invalid.
    pub fn invalid_parameters(errors: Vec<FieldProblem>) -> Self {
        Self::invalid(StatusCode::BAD_REQUEST, errors)
    }

    /// A validation problem with `status` (400 for parameters, 422 for a body).
    pub fn invalid(status: StatusCode, errors: Vec<FieldProblem>) -> Self {
        let detail = errors
            .iter()
            .map(|e| e.detail.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            detail: Some(detail),
            errors,
            ..Self::new(
                ProblemType::Validation,
                status,
                "The request has invalid fields",
            )
        }
    }

    /// 401 without credentials: say how to authenticate.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self {
            challenge: Some(format!("Bearer realm=\"{REALM}\"")),
            ..Self::new(
                ProblemType::Unauthenticated,
                StatusCode::UNAUTHORIZED,
                "Authentication required",
            )
            .with_detail(detail)
        }
    }

    /// 401 for a token that does not work (RFC 6750 `invalid_token`).
    pub fn invalid_token(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            challenge: Some(format!(
                "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{}\"",
                quoted(&detail)
            )),
            ..Self::new(
                ProblemType::InvalidToken,
                StatusCode::UNAUTHORIZED,
                "The token was refused",
            )
            .with_detail(detail)
        }
    }

    /// 403 for a token without the scope needed (RFC 6750 `insufficient_scope`).
    pub fn insufficient_scope(scope: &str) -> Self {
        Self {
            challenge: Some(format!(
                "Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{scope}\""
            )),
            ..Self::new(
                ProblemType::InsufficientScope,
                StatusCode::FORBIDDEN,
                "The token lacks a scope",
            )
            .with_detail(format!("this needs a token with the '{scope}' scope"))
        }
    }

    /// 503: the database is out of reach; worth trying again shortly.
    pub fn unavailable() -> Self {
        Self {
            retry_after: Some(5),
            ..Self::status(
                StatusCode::SERVICE_UNAVAILABLE,
                Some("the database is unavailable; try again shortly".into()),
            )
        }
    }

    /// 429: a request budget is spent; nothing was done, try again in `retry_after` s.
    pub fn rate_limited(detail: impl Into<String>, retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                ProblemType::RateLimited,
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
            )
            .with_detail(detail)
        }
    }

    /// 500: logged with its cause, which the client never sees.
    pub fn internal(cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %cause, "an API request failed");
        Self::status(StatusCode::INTERNAL_SERVER_ERROR, None)
    }

    /// The status code.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Makes a text fit inside a quoted-string of a header.
fn quoted(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control() && *c != '"' && *c != '\\')
        .collect()
}

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) => Self::unavailable(),
            other => Self::internal(&other),
        }
    }
}

impl From<NewsroomError> for Problem {
    fn from(err: NewsroomError) -> Self {
        match err {
            NewsroomError::Store(e) => e.into(),
            NewsroomError::Busy => Self::unavailable(),
            NewsroomError::Forbidden => Self::status(
                StatusCode::FORBIDDEN,
                Some("your role does not allow this".into()),
            ),
            NewsroomError::Random(_) => Self::internal(&err),
            NewsroomError::Token(e) => Self::invalid(
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![FieldProblem::field(e.field(), e.to_string())],
            ),
            NewsroomError::NoAccount(_) | NewsroomError::NoToken(_) => {
                Self::not_found(err.to_string())
            }
            refused => Self::status(StatusCode::BAD_REQUEST, Some(refused.to_string())),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(challenge) = self.challenge
            && let Ok(v) = HeaderValue::from_str(&challenge)
        {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Whether a response already carries a problem document.
pub fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

/// Gives an error response under `/api/` that is not a problem yet (the router's 404
/// and 405, a body over the limit, a timeout, a caught panic) a problem body, keeping
/// its status and headers (`Allow`, `Retry-After`); `detail` is what the site's error
/// layer was told about it. Other responses pass as they are.
pub fn finish(response: Response, detail: Option<String>) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_problem(&response) {
        return response;
    }
    let detail = detail.or_else(|| match status {
        StatusCode::NOT_FOUND => Some("there is nothing at this address in the API".into()),
        StatusCode::METHOD_NOT_ALLOWED => {
            Some("this address does not take that method; see the Allow header".into())
        }
        _ => None,
    });
    let mut parts = response.into_parts().0;
    parts.headers.remove(header::CONTENT_LENGTH);
    let problem = Problem::status(status, detail).into_response();
    let (problem_parts, body) = problem.into_parts();
    for (name, value) in &problem_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_serializes_with_the_rfc_names_and_no_empty_members() {
        let json = serde_json::to_value(Problem::not_found("no such edition")).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": "no such edition",
            })
        );
        let json =
            serde_json::to_value(Problem::invalid_parameters(vec![FieldProblem::parameter(
                "edition",
                "no edition 'xx'",
            )]))
            .expect("json");
        assert_eq!(json["errors"][0]["parameter"], "edition");
        assert_eq!(json["type"], "urn:newsline:problem:validation");
    }

    #[test]
    fn a_challenge_never_breaks_its_header() {
        let response = Problem::invalid_token("bad \"token\"\r\nX: y é").into_response();
        let challenge = response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .expect("ascii");
        assert!(challenge.starts_with("Bearer realm=\"newsline\", error=\"invalid_token\""));
        assert!(challenge.ends_with("error_description=\"bad tokenX: y \""));
    }

    #[test]
    fn a_bare_error_gets_a_problem_body_and_keeps_its_headers() {
        let mut bare = StatusCode::METHOD_NOT_ALLOWED.into_response();
        bare.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
        let done = finish(bare, None);
        assert_eq!(done.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(done.headers()[header::ALLOW], "GET,HEAD");
        assert!(is_problem(&done));
    }
}
