//! One's own account: the newsroom's language, and turning two-factor sign-in on and off.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::Editor;
use super::words::Refusal;
use crate::domain::InterfaceLanguage;
use crate::newsroom::{NewsroomError, TotpSetup, TwoFactorStatus};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

#[derive(Template)]
#[template(path = "newsroom/account.html")]
struct AccountPage {
    chrome: NewsroomChrome,
    status: TwoFactorStatus,
    required: bool,
    setup: Option<TotpSetup>,
    recovery_codes: Vec<String>,
    notice: Option<&'static str>,
    error: Option<String>,
    /// Every language the newsroom speaks: code and the language's own name.
    languages: Vec<(&'static str, &'static str)>,
}

async fn page(
    state: &AppState,
    editor: &Editor,
    setup: Option<TotpSetup>,
) -> Result<AccountPage, PageError> {
    let status = state.newsroom.two_factor_status(editor.actor()).await?;
    let setup = match setup {
        Some(s) => Some(s),
        None => {
            state
                .newsroom
                .pending_two_factor(editor.actor(), &state.site.name)
                .await?
        }
    };
    Ok(AccountPage {
        chrome: NewsroomChrome::new(editor.words().account, editor),
        status,
        required: editor.session.needs_two_factor_setup,
        setup,
        recovery_codes: Vec::new(),
        notice: None,
        error: None,
        languages: InterfaceLanguage::CODES
            .iter()
            .map(|c| (*c, crate::web::strings::for_language(c).language_name))
            .collect(),
    })
}

/// A refusal the person can fix shows on the page; anything else is an error page.
fn refused(err: NewsroomError, editor: &Editor) -> Result<String, PageError> {
    match err {
        NewsroomError::TwoFactor(_) | NewsroomError::WrongPassword => {
            Ok(editor.words().refusal(&err))
        }
        other => Err(other.into()),
    }
}

fn unprocessable(page: &AccountPage) -> Result<Response, PageError> {
    let mut response = respond::private_html(page)?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// The account page: two-factor sign-in's state and what can be done with it.
pub async fn show_account(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    respond::private_html(&page(&state, &editor, None).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Makes a new secret and shows it, to be confirmed with a code.
pub async fn start_two_factor(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    match state
        .newsroom
        .start_two_factor(editor.actor(), &state.site.name)
        .await
    {
        Ok(setup) => respond::private_html(&page(&state, &editor, Some(setup)).await?),
        Err(err) => {
            let mut p = page(&state, &editor, None).await?;
            p.error = Some(refused(err, &editor)?);
            unprocessable(&p)
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

/// Turns two-factor sign-in on when the code matches; shows the recovery codes once.
pub async fn confirm_two_factor(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    match state
        .newsroom
        .confirm_two_factor(editor.actor(), &form.code, state.newsroom.now())
        .await
    {
        Ok(codes) => {
            tracing::info!(
                user.id = editor.actor().id,
                "two-factor sign-in on for {}",
                editor.actor().name
            );
            let mut p = page(&state, &editor, None).await?;
            // The set-up is done: the role's requirement is met from now on.
            p.required = false;
            p.recovery_codes = codes;
            p.notice = Some(editor.words().two_factor_is_on);
            respond::private_html(&p)
        }
        Err(err) => {
            let mut p = page(&state, &editor, None).await?;
            p.error = Some(refused(err, &editor)?);
            unprocessable(&p)
        }
    }
}

/// Turns two-factor sign-in off after the password and a current code.
pub async fn disable_two_factor(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let outcome = state
        .newsroom
        .disable_two_factor(
            editor.actor(),
            &form.password,
            &form.code,
            state.newsroom.now(),
        )
        .await;
    match outcome {
        Ok(()) => {
            let mut p = page(&state, &editor, None).await?;
            p.notice = Some(editor.words().two_factor_is_off);
            respond::private_html(&p)
        }
        Err(err) => {
            let mut p = page(&state, &editor, None).await?;
            p.error = Some(refused(err, &editor)?);
            unprocessable(&p)
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    language: String,
}

/// Sets the language the newsroom speaks to the signed-in account; the page answering
/// is already in it.
pub async fn choose_language(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<LanguageForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let language = InterfaceLanguage::parse(&form.language)
        .map_err(|_| PageError::BadRequest(Refusal::Language.into()))?;
    state
        .newsroom
        .set_language(editor.actor(), language)
        .await?;
    let editor = Editor {
        lang: language.code(),
        ..editor
    };
    let mut p = page(&state, &editor, None).await?;
    p.notice = Some(editor.words().language_saved);
    respond::private_html(&p)
}
