//! `GET /api/v1/me`: who a token acts as, what it may do and until when.

use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::{Caller, Read};
use super::problem::Problem;

/// The token a request was made with.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Its public id, as the newsroom and the command line list it.
    #[schema(example = "3f9a0c1d2e4b")]
    pub id: String,
    /// What its owner called it.
    pub name: String,
    /// What it may be used for: `read`, `write`.
    #[schema(example = json!(["read"]))]
    pub scopes: Vec<String>,
    /// When it stops working (RFC 3339, UTC).
    #[schema(example = "2026-12-31T12:00:00Z")]
    pub expires_at: String,
}

/// The caller: the token's owner as they stand now, and the token.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The owner's login name.
    pub login: String,
    /// The owner's name as colleagues see it.
    pub name: String,
    /// The owner's role now: `admin`, `editor` or `reporter`.
    #[schema(example = "editor")]
    pub role: String,
    /// The token.
    pub token: TokenOut,
}

/// Who the token acts as.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The token's owner and the token", body = Me),
        (status = 401, description = "No token, or a malformed, unknown, expired or revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the read scope", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show_me(caller: Caller<Read>) -> Result<Response, Problem> {
    let holder = &caller.holder;
    let me = Me {
        login: holder.login.clone(),
        name: holder.actor.name.clone(),
        role: holder.actor.role.as_str().to_owned(),
        token: TokenOut {
            id: holder.token.public_id.clone(),
            name: holder.token.name.clone(),
            scopes: caller
                .scopes()
                .list()
                .into_iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            expires_at: holder.token.expires_at.to_string(),
        },
    };
    Ok(super::json(&me, "no-store"))
}
