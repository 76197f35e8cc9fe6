//! Who is calling the API: `Authorization: Bearer <token>`, checked on every request.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use super::problem::{Problem, ProblemType};
use crate::domain::{TokenScope, TokenScopes};
use crate::newsroom::{Actor, TokenHolder, TokenRefusal};
use crate::web::AppState;

/// Longest credentials read from an `Authorization` header; a token is far shorter.
pub const MAX_CREDENTIALS_BYTES: usize = 512;

/// Why an `Authorization` header gives no bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    /// Another scheme (Basic, say), or no scheme at all.
    #[error("send the token as Authorization: Bearer <token>")]
    NotBearer,
    /// The bearer credentials are empty, too long or not a token's characters.
    #[error("the bearer token is malformed")]
    Malformed,
}

/// Reads the bearer token out of an `Authorization` header's value (RFC 6750 2.1:
/// the scheme in any case, one or more spaces, then a `b64token`).
pub fn bearer_token(value: &[u8]) -> Result<&str, AuthorizationError> {
    let value = std::str::from_utf8(value).map_err(|_| AuthorizationError::Malformed)?;
    let Some((scheme, rest)) = value.split_once(' ') else {
        // A bare "Bearer" (servers trim the space after it) is a bearer with nothing.
        return Err(if value.eq_ignore_ascii_case("bearer") {
            AuthorizationError::Malformed
        } else {
            AuthorizationError::NotBearer
        });
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthorizationError::NotBearer);
    }
    let token = rest.trim_matches(' ');
    let body = token.trim_end_matches('=');
    let b64 = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
    if body.is_empty() || token.len() > MAX_CREDENTIALS_BYTES || !body.bytes().all(b64) {
        return Err(AuthorizationError::Malformed);
    }
    Ok(token)
}

/// A scope an extractor demands.
pub trait NeedsScope {
    /// The scope.
    const SCOPE: TokenScope;
}

/// Demands the `read` scope.
#[derive(Debug)]
pub struct Read;

/// Demands the `write` scope.
#[derive(Debug)]
pub struct Write;

impl NeedsScope for Read {
    const SCOPE: TokenScope = TokenScope::Read;
}

impl NeedsScope for Write {
    const SCOPE: TokenScope = TokenScope::Write;
}

/// The caller of an API request, holding a working token with scope `S`.
#[derive(Debug)]
pub struct Caller<S> {
    /// The token and its owner as they stand now.
    pub holder: TokenHolder,
    scope: PhantomData<S>,
}

impl<S> Caller<S> {
    /// Who is acting, with the owner's current role.
    pub fn actor(&self) -> &Actor {
        &self.holder.actor
    }

    /// The token's scopes.
    pub fn scopes(&self) -> TokenScopes {
        self.holder.token.scopes
    }
}

/// Lets the holder of a working token through when the token has `S`'s scope.
pub fn admit<S: NeedsScope>(holder: TokenHolder) -> Result<Caller<S>, Problem> {
    if holder.token.scopes.allows(S::SCOPE) {
        Ok(Caller {
            holder,
            scope: PhantomData,
        })
    } else {
        Err(Problem::insufficient_scope(S::SCOPE.as_str()))
    }
}

fn refused(refusal: TokenRefusal) -> Problem {
    match refusal {
        TokenRefusal::Store(e) => e.into(),
        other => Problem::invalid_token(other.to_string()),
    }
}

/// What the credentials of a request came to, kept in its extensions by the rate
/// limiter so that a token is looked up once per request.
#[derive(Debug, Clone)]
pub struct Checked(pub Result<TokenHolder, Problem>);

impl Checked {
    /// Whether credentials were sent and found not to work: a malformed, unknown,
    /// expired or revoked token, or one of a disabled account. Missing credentials
    /// and a store out of reach are not failures; neither is a missing scope.
    pub fn failed(&self) -> bool {
        matches!(&self.0, Err(problem) if problem.kind == ProblemType::InvalidToken.uri())
    }
}

/// Checks the bearer token of a request: its holder, or the problem to answer.
pub async fn authenticate(headers: &HeaderMap, state: &AppState) -> Checked {
    Checked(holder_of(headers, state).await)
}

async fn holder_of(headers: &HeaderMap, state: &AppState) -> Result<TokenHolder, Problem> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(Problem::unauthenticated(
            "this needs an API token: send Authorization: Bearer <token>, once",
        ));
    };
    let token = match bearer_token(value.as_bytes()) {
        Ok(token) => token,
        Err(e @ AuthorizationError::NotBearer) => {
            return Err(Problem::unauthenticated(e.to_string()));
        }
        Err(e @ AuthorizationError::Malformed) => {
            return Err(Problem::invalid_token(e.to_string()));
        }
    };
    state
        .newsroom
        .token_holder(token, state.newsroom.now())
        .await
        .map_err(refused)
}

impl<S: NeedsScope> FromRequestParts<AppState> for Caller<S> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let checked = match parts.extensions.get::<Checked>() {
            Some(checked) => checked.clone(),
            None => authenticate(&parts.headers, state).await,
        };
        admit(checked.0?)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;
    use crate::domain::Role;
    use crate::newsroom::ApiToken;

    fn holder(scopes: TokenScopes) -> TokenHolder {
        TokenHolder {
            actor: Actor {
                id: Some(1),
                role: Role::Editor,
                name: "Editor".into(),
            },
            login: "editor".into(),
            token: ApiToken {
                public_id: "0123456789ab".into(),
                owner: "editor".into(),
                owner_name: "Editor".into(),
                name: "test".into(),
                scopes,
                created_at: jiff::Timestamp::UNIX_EPOCH,
                expires_at: jiff::Timestamp::MAX,
                revoked_at: None,
            },
        }
    }

    #[test]
    fn each_scope_lets_through_only_tokens_that_have_it() {
        let cases = [
            (TokenScopes::READ, true, false),
            (TokenScopes::WRITE, false, true),
            (TokenScopes::READ_WRITE, true, true),
        ];
        for (scopes, reads, writes) in cases {
            assert_eq!(admit::<Read>(holder(scopes)).is_ok(), reads, "{scopes:?}");
            match admit::<Write>(holder(scopes)) {
                Ok(caller) => {
                    assert!(writes, "{scopes:?}");
                    assert_eq!(caller.actor().role, Role::Editor);
                }
                Err(problem) => {
                    assert!(!writes, "{scopes:?}");
                    assert_eq!(problem.status_code(), StatusCode::FORBIDDEN);
                    assert_eq!(problem.kind, "urn:newsline:problem:insufficient-scope");
                }
            }
        }
    }

    #[test]
    fn bearer_credentials_are_read_as_rfc_6750_says() {
        let token = format!("nl_0123456789ab_{}", "a".repeat(64));
        let ok = [
            format!("Bearer {token}"),
            format!("bearer {token}"),
            format!("BEARER   {token}  "),
            "Bearer abc==".to_owned(),
        ];
        for value in &ok {
            assert!(bearer_token(value.as_bytes()).is_ok(), "{value}");
        }
        assert_eq!(
            bearer_token(format!("Bearer {token}").as_bytes()),
            Ok(token.as_str())
        );
        let not_bearer = ["Basic dXNlcjpwYXNz", "", "Token abc", "Bearerabc"];
        for value in not_bearer {
            assert_eq!(
                bearer_token(value.as_bytes()),
                Err(AuthorizationError::NotBearer),
                "{value}"
            );
        }
        let malformed = [
            "Bearer".to_owned(),
            "Bearer ".to_owned(),
            "Bearer ===".to_owned(),
            "Bearer a b".to_owned(),
            "Bearer a\tb".to_owned(),
            "Bearer tök".to_owned(),
            format!("Bearer {}", "a".repeat(MAX_CREDENTIALS_BYTES + 1)),
        ];
        for value in &malformed {
            assert_eq!(
                bearer_token(value.as_bytes()),
                Err(AuthorizationError::Malformed),
                "{value}"
            );
        }
        assert_eq!(
            bearer_token(b"Bearer \xff\xfe"),
            Err(AuthorizationError::Malformed)
        );
    }
}
