//! One's personal API tokens: made, listed and revoked; an admin sees everyone's.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Editor;
use crate::domain::{
    MAX_TOKEN_DAYS, MAX_TOKEN_NAME_CHARS, Role, TokenError, TokenLifetime, TokenName, TokenScopes,
    time,
};
use crate::newsroom::{IssuedToken, NewsroomError, TokenRequest};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// One row of the list.
struct Row {
    id: String,
    owner: String,
    name: String,
    scopes: &'static str,
    created: String,
    expires: String,
    state: &'static str,
    active: bool,
}

/// A token just made, shown this once.
struct Issued {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "newsroom/tokens.html")]
struct TokensPage {
    chrome: NewsroomChrome,
    all: bool,
    tokens: Vec<Row>,
    issued: Option<Issued>,
    notice: Option<String>,
    error: Option<String>,
    form_name: String,
    form_read: bool,
    form_write: bool,
    form_days: String,
    max_days: u32,
    max_name: usize,
}

/// The days a new token lives unless the form says otherwise.
const DEFAULT_DAYS: &str = "90";

async fn page(state: &AppState, editor: &Editor) -> Result<TokensPage, PageError> {
    let tokens = state.newsroom.tokens(Some(editor.actor()), None).await?;
    let now = state.newsroom.now();
    let zone = &state.site.time_zone;
    Ok(TokensPage {
        chrome: NewsroomChrome::new(editor.words().api_tokens, editor),
        all: editor.actor().role == Role::Admin,
        tokens: tokens
            .into_iter()
            .map(|t| {
                let token_state = t.state(now);
                Row {
                    state: match token_state {
                        crate::newsroom::TokenState::Active => editor.words().token_active,
                        crate::newsroom::TokenState::Expired => editor.words().token_expired,
                        crate::newsroom::TokenState::Revoked => editor.words().token_revoked,
                    },
                    active: token_state == crate::newsroom::TokenState::Active,
                    id: t.public_id,
                    owner: t.owner,
                    name: t.name,
                    scopes: t.scopes.as_str(),
                    created: time::display(t.created_at, zone),
                    expires: time::display(t.expires_at, zone),
                }
            })
            .collect(),
        issued: None,
        notice: None,
        error: None,
        form_name: String::new(),
        form_read: true,
        form_write: false,
        form_days: DEFAULT_DAYS.to_owned(),
        max_days: MAX_TOKEN_DAYS,
        max_name: MAX_TOKEN_NAME_CHARS,
    })
}

/// The list of tokens and the form for a new one.
pub async fn show_tokens(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    respond::private_html(&page(&state, &editor).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    read: Option<String>,
    #[serde(default)]
    write: Option<String>,
    #[serde(default)]
    expires_in_days: String,
}

/// Checks the form's fields into a request for the signed-in account's own token.
fn request(owner: String, form: &TokenForm) -> Result<TokenRequest, TokenError> {
    Ok(TokenRequest {
        owner,
        name: TokenName::parse(&form.name)?,
        scopes: TokenScopes::from_flags(form.read.is_some(), form.write.is_some())?,
        lifetime: TokenLifetime::parse(&form.expires_in_days)?,
    })
}

/// Makes a token for the signed-in account and shows its secret, once.
pub async fn create_token(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let login = state
        .newsroom
        .login_of(editor.actor())
        .await?
        .ok_or(PageError::NotFound)?;
    let outcome = match request(login, &form) {
        Ok(request) => state
            .newsroom
            .create_token(Some(editor.actor()), &request)
            .await
            .map_err(|e| match e {
                NewsroomError::Token(e) => Ok(editor.words().token_refusal(&e)),
                other => Err(other),
            }),
        Err(e) => Err(Ok(editor.words().token_refusal(&e))),
    };
    let mut p = page(&state, &editor).await?;
    match outcome {
        Ok(IssuedToken { token, secret }) => {
            tracing::info!(
                user.id = editor.actor().id,
                "{} made API token {}",
                editor.actor().name,
                token.public_id
            );
            p.issued = Some(Issued {
                name: token.name,
                secret,
            });
            respond::private_html(&p)
        }
        Err(Ok(message)) => {
            p.error = Some(message);
            p.form_name = form.name.chars().take(MAX_TOKEN_NAME_CHARS).collect();
            p.form_read = form.read.is_some();
            p.form_write = form.write.is_some();
            p.form_days = form.expires_in_days.chars().take(12).collect();
            let mut response = respond::private_html(&p)?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(Err(other)) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Revokes a token: one's own, or anyone's for an admin.
pub async fn revoke_token(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let token = state
        .newsroom
        .revoke_token(Some(editor.actor()), &id)
        .await?;
    tracing::info!(
        user.id = editor.actor().id,
        "{} revoked API token {}",
        editor.actor().name,
        token.public_id
    );
    Ok(Redirect::to("/newsroom/tokens").into_response())
}
