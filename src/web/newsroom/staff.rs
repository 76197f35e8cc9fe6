//! Staff accounts, managed by admins in the browser: made, disabled and enabled, a
//! password reset, a role changed, two-factor sign-in shown. Every change goes
//! through the newsroom's account use cases, which check the role and audit it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Editor;
use crate::domain::Role;
use crate::newsroom::NewsroomError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// One account as the list shows it.
struct Row {
    login: String,
    name: String,
    role: &'static str,
    role_label: &'static str,
    disabled: bool,
    two_factor: bool,
}

/// What the add form held, kept when it is refused.
#[derive(Default)]
struct Typed {
    login: String,
    name: String,
    role: String,
}

#[derive(Template)]
#[template(path = "newsroom/accounts.html")]
struct AccountsPage {
    chrome: NewsroomChrome,
    accounts: Vec<Row>,
    roles: [(&'static str, &'static str); 3],
    notice: Option<String>,
    error: Option<String>,
    typed: Typed,
}

fn role_label(editor: &Editor, role: Role) -> &'static str {
    let words = editor.words();
    match role {
        Role::Admin => words.role_admin,
        Role::Editor => words.role_editor,
        // No account has the system's role; shown as the least it could be.
        _ => words.role_reporter,
    }
}

async fn render(
    state: &AppState,
    editor: &Editor,
    notice: Option<String>,
    error: Option<String>,
    typed: Typed,
) -> Result<Response, PageError> {
    let failed = error.is_some();
    let accounts = state
        .newsroom
        .accounts_for(editor.actor())
        .await?
        .into_iter()
        .map(|a| Row {
            role: a.role.as_str(),
            role_label: role_label(editor, a.role),
            login: a.username,
            name: a.display_name,
            disabled: a.disabled,
            two_factor: a.totp_enabled,
        })
        .collect();
    let roles =
        [Role::Reporter, Role::Editor, Role::Admin].map(|r| (r.as_str(), role_label(editor, r)));
    let mut response = respond::private_html(&AccountsPage {
        chrome: NewsroomChrome::new(editor.words().accounts, editor),
        accounts,
        roles,
        notice,
        error,
        typed,
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Every account, with the form to add one.
pub async fn show_accounts(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    render(&state, &editor, None, None, Typed::default()).await
}

/// A refusal the page explains, or an error answered on its own (a role that may not
/// manage accounts, a store failure).
fn explained(editor: &Editor, err: NewsroomError) -> Result<String, PageError> {
    match err {
        NewsroomError::Forbidden => Err(PageError::Forbidden(
            super::words::Refusal::RoleForbids.into(),
        )),
        NewsroomError::NoAccount(_) => Err(PageError::NotFound),
        NewsroomError::Store(e) => Err(NewsroomError::Store(e).into()),
        other => Ok(editor.words().refusal(&other)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AddForm {
    csrf: String,
    login: String,
    name: String,
    role: String,
    password: String,
}

/// Makes an account.
pub async fn add_account(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<AddForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let result = match Role::parse(&form.role) {
        Ok(role) => {
            state
                .newsroom
                .create_account(
                    form.login.trim(),
                    &form.name,
                    role,
                    &form.password,
                    Some(editor.actor()),
                )
                .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => {
            let notice = editor
                .words()
                .fill(editor.words().account_created, form.login.trim());
            render(&state, &editor, Some(notice), None, Typed::default()).await
        }
        Err(err) => {
            let error = explained(&editor, err)?;
            let typed = Typed {
                login: form.login.chars().take(80).collect(),
                name: form.name.chars().take(200).collect(),
                role: form.role.chars().take(20).collect(),
            };
            render(&state, &editor, None, Some(error), typed).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ChangeForm {
    csrf: String,
    /// For a role change.
    role: String,
    /// For disabling (`1`) or enabling (`0`).
    disabled: String,
    /// For a password reset.
    password: String,
}

/// The outcome of one change to an account: back to the list with a notice, or the
/// list again with why it was refused.
async fn after_change(
    state: &AppState,
    editor: &Editor,
    result: Result<(), NewsroomError>,
    notice: String,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => render(state, editor, Some(notice), None, Typed::default()).await,
        Err(err) => {
            let error = explained(editor, err)?;
            render(state, editor, None, Some(error), Typed::default()).await
        }
    }
}

/// Changes an account's role.
pub async fn change_role(
    State(state): State<AppState>,
    editor: Editor,
    Path(login): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let role = Role::parse(&form.role);
    let result = match &role {
        Ok(role) => {
            state
                .newsroom
                .change_role(&login, *role, Some(editor.actor()))
                .await
        }
        Err(e) => Err(e.clone().into()),
    };
    if result.is_ok() && role != Ok(Role::Admin) && is_own(&state, &editor, &login).await? {
        // An admin who stepped down may no longer see this page.
        return Ok(Redirect::to("/newsroom").into_response());
    }
    let notice = editor.words().fill(editor.words().account_changed, &login);
    after_change(&state, &editor, result, notice).await
}

/// Disables or enables an account.
pub async fn set_disabled(
    State(state): State<AppState>,
    editor: Editor,
    Path(login): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let disabled = match form.disabled.as_str() {
        "1" => true,
        "0" => false,
        _ => {
            return Err(PageError::BadRequest(
                "disabled must be 0 or 1".to_owned().into(),
            ));
        }
    };
    let result = state
        .newsroom
        .set_account_disabled(&login, disabled, Some(editor.actor()))
        .await;
    if result.is_ok() && disabled && is_own(&state, &editor, &login).await? {
        return Ok(signed_out());
    }
    let notice = editor.words().fill(editor.words().account_changed, &login);
    after_change(&state, &editor, result, notice).await
}

/// Sets a new password for an account, ending its sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    editor: Editor,
    Path(login): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let result = state
        .newsroom
        .reset_password(&login, &form.password, Some(editor.actor()))
        .await;
    if result.is_ok() && is_own(&state, &editor, &login).await? {
        return Ok(signed_out());
    }
    let notice = editor
        .words()
        .fill(editor.words().password_was_reset, &login);
    after_change(&state, &editor, result, notice).await
}

/// Whether `login` is the signed-in admin's own account.
async fn is_own(state: &AppState, editor: &Editor, login: &str) -> Result<bool, PageError> {
    let own = state.newsroom.login_of(editor.actor()).await?;
    Ok(own.as_deref() == Some(login))
}

/// Where an admin goes whose own sessions a change just ended.
fn signed_out() -> Response {
    Redirect::to("/newsroom/login").into_response()
}
