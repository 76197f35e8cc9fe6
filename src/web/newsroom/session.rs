//! Signing in (password, then a code when the account has two-factor sign-in) and
//! out, and changing one's password.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use super::words::{self, NewsroomWords};
use super::{
    DEVICE_COOKIE, Editor, LOGIN_CSRF_COOKIE, PENDING_COOKIE, SESSION_COOKIE, STAFF_COOKIE, same,
    signed_out_language,
};
use crate::newsroom::{
    ATTEMPT_WINDOW, Credentials, LoginError, NewsroomError, SignedIn, random_token,
};
use crate::web::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// How long a browser remembers that its account signed in from it.
const DEVICE_COOKIE_DAYS: u32 = 400;

#[derive(Template)]
#[template(path = "newsroom/login.html")]
struct LoginPage {
    chrome: NewsroomChrome,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "newsroom/login_code.html")]
struct CodePage {
    chrome: NewsroomChrome,
    csrf: String,
    next: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

/// Only newsroom paths are followed after sign-in: no open redirect.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/newsroom") && !n.contains("//") && !n.contains('\\') => {
            n.to_owned()
        }
        _ => "/newsroom".to_owned(),
    }
}

pub(super) fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/newsroom");
    c.set_secure(state.secure_cookies);
    c
}

/// The staff hint for the public pages' script: readable by it (not HttpOnly) and sent
/// to every path, so it must never carry anything secret; it only says "1".
fn staff_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = Cookie::new(STAFF_COOKIE, "1");
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(state.secure_cookies);
    c
}

/// The device cookie: kept across sign-out, so this browser stays known to the account.
fn device_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let max_age = u64::from(DEVICE_COOKIE_DAYS) * 86_400;
    let mut c = Cookie::parse(format!("{DEVICE_COOKIE}={value}; Max-Age={max_age}"))
        .unwrap_or_else(|_| Cookie::new(DEVICE_COOKIE, String::new()));
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/newsroom");
    c.set_secure(state.secure_cookies);
    c
}

/// A page sent back with its status, and `Retry-After` when waiting helps.
fn with_status(
    page: &impl Template,
    status: StatusCode,
    retry_after: Option<u64>,
) -> Result<Response, PageError> {
    let mut response = respond::private_html(page)?;
    *response.status_mut() = status;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

/// Status and `Retry-After` of a refused step: 401 for a plain "not right".
fn refusal(err: &LoginError) -> (StatusCode, Option<u64>) {
    match err {
        LoginError::TooManyAttempts => (
            StatusCode::TOO_MANY_REQUESTS,
            u64::try_from(ATTEMPT_WINDOW.as_secs()).ok(),
        ),
        LoginError::Busy => (StatusCode::SERVICE_UNAVAILABLE, Some(2)),
        _ => (StatusCode::UNAUTHORIZED, None),
    }
}

/// Why a sign-in step was refused, in `words`' language.
fn login_error_text(err: &LoginError, words: &NewsroomWords) -> String {
    match err {
        LoginError::Refused => words.login_refused,
        LoginError::TooManyAttempts => words.login_too_many,
        LoginError::Busy => words.login_busy,
        LoginError::WrongCode => words.login_wrong_code,
        LoginError::Expired => words.login_expired,
        LoginError::Store(_) => words.failed,
    }
    .to_owned()
}

/// The sign-in form, with a fresh token in a cookie and in the form.
pub async fn show_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let csrf = random_token()?;
    let lang = signed_out_language(&state, &headers);
    let page = LoginPage {
        chrome: NewsroomChrome::signed_out(words::for_language(lang).sign_in, lang),
        csrf: csrf.clone(),
        next: safe_next(query.next.as_deref()),
        username: String::new(),
        error: None,
    };
    let jar = jar.add(cookie(&state, LOGIN_CSRF_COOKIE, csrf));
    Ok((jar, respond::private_html(&page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// The sign-in form's token, checked against its cookie.
fn login_csrf(jar: &CookieJar, sent: &str) -> Result<String, PageError> {
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !same(expected.as_bytes(), sent.as_bytes()) {
        return Err(PageError::Forbidden(words::Refusal::LoginForm.into()));
    }
    Ok(expected)
}

/// Where a finished sign-in goes: the session and device cookies set, the sign-in's
/// own cookies gone.
fn signed_in(state: &AppState, jar: CookieJar, signed: SignedIn, next: &str) -> Response {
    match signed {
        SignedIn::Session { session, device } => {
            tracing::info!(
                user.id = session.actor.id,
                "{} signed in",
                session.actor.name
            );
            let jar = jar
                .remove(cookie(state, LOGIN_CSRF_COOKIE, String::new()))
                .remove(cookie(state, PENDING_COOKIE, String::new()))
                .add(cookie(state, SESSION_COOKIE, session.token))
                .add(staff_cookie(state))
                .add(device_cookie(state, device));
            let next = if session.needs_two_factor_setup {
                "/newsroom/account".to_owned()
            } else {
                safe_next(Some(next))
            };
            (jar, Redirect::to(&next)).into_response()
        }
        SignedIn::CodeNeeded { pending } => {
            let jar = jar.add(cookie(state, PENDING_COOKIE, pending));
            let to = format!(
                "/newsroom/login/code?next={}",
                super::encode_query(&safe_next(Some(next)))
            );
            (jar, Redirect::to(&to)).into_response()
        }
    }
}

/// Checks the name and password; on success starts a new session, or asks for the
/// account's code.
pub async fn log_in(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = login_csrf(&jar, &form.csrf)?;
    let username = form.username.trim().to_lowercase();
    let device = jar.get(DEVICE_COOKIE).map(|c| c.value().to_owned());
    let credentials = Credentials {
        username: &username,
        password: &form.password,
        address,
        device: device.as_deref(),
    };
    match state
        .newsroom
        .log_in(credentials, state.newsroom.now())
        .await
    {
        Ok(signed) => Ok(signed_in(&state, jar, signed, &form.next)),
        Err(LoginError::Store(err)) => Err(NewsroomError::Store(err).into()),
        Err(refused) => {
            let (status, retry_after) = refusal(&refused);
            let lang = signed_out_language(&state, &headers);
            let words = words::for_language(lang);
            let page = LoginPage {
                chrome: NewsroomChrome::signed_out(words.sign_in, lang),
                csrf: expected,
                next: safe_next(Some(&form.next)),
                // Echo no more than a name can be.
                username: username.chars().take(40).collect(),
                error: Some(login_error_text(&refused, words)),
            };
            with_status(&page, status, retry_after)
        }
    }
}

/// The second step: the code from the authenticator app, or a recovery code.
pub async fn show_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let pending = jar.get(PENDING_COOKIE).map(|c| c.value().to_owned());
    let live = match pending {
        Some(p) => state
            .newsroom
            .log_in_pending(&p, state.newsroom.now())
            .await
            .map_err(login_failure)?,
        None => false,
    };
    if !live {
        return Ok(Redirect::to("/newsroom/login").into_response());
    }
    let csrf = match jar.get(LOGIN_CSRF_COOKIE) {
        Some(c) => c.value().to_owned(),
        None => random_token()?,
    };
    let lang = signed_out_language(&state, &headers);
    let page = CodePage {
        chrome: NewsroomChrome::signed_out(words::for_language(lang).sign_in_code, lang),
        csrf: csrf.clone(),
        next: safe_next(query.next.as_deref()),
        error: None,
    };
    let jar = jar.add(cookie(&state, LOGIN_CSRF_COOKIE, csrf));
    Ok((jar, respond::private_html(&page)?).into_response())
}

fn login_failure(err: LoginError) -> PageError {
    match err {
        LoginError::Store(e) => NewsroomError::Store(e).into(),
        other => PageError::BadRequest(other.to_string().into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Checks the second step's code; on success starts the session.
pub async fn confirm_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let expected = login_csrf(&jar, &form.csrf)?;
    let Some(pending) = jar.get(PENDING_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(Redirect::to("/newsroom/login").into_response());
    };
    let device = jar.get(DEVICE_COOKIE).map(|c| c.value().to_owned());
    let code: String = form.code.chars().take(64).collect();
    let lang = signed_out_language(&state, &headers);
    let words = words::for_language(lang);
    match state
        .newsroom
        .confirm_log_in(&pending, &code, device.as_deref(), state.newsroom.now())
        .await
    {
        Ok(signed) => Ok(signed_in(&state, jar, signed, &form.next)),
        Err(LoginError::Store(err)) => Err(NewsroomError::Store(err).into()),
        Err(LoginError::Expired) => {
            let page = LoginPage {
                chrome: NewsroomChrome::signed_out(words.sign_in, lang),
                csrf: expected,
                next: safe_next(Some(&form.next)),
                username: String::new(),
                error: Some(login_error_text(&LoginError::Expired, words)),
            };
            let jar = jar.remove(cookie(&state, PENDING_COOKIE, String::new()));
            Ok((jar, with_status(&page, StatusCode::UNAUTHORIZED, None)?).into_response())
        }
        Err(refused) => {
            let (status, retry_after) = refusal(&refused);
            let page = CodePage {
                chrome: NewsroomChrome::signed_out(words.sign_in_code, lang),
                csrf: expected,
                next: safe_next(Some(&form.next)),
                error: Some(login_error_text(&refused, words)),
            };
            with_status(&page, status, retry_after)
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session.
pub async fn log_out(
    State(state): State<AppState>,
    editor: Editor,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    state.newsroom.log_out(&editor.session.token).await?;
    // The device cookie stays: this browser remains one the account signs in from.
    let jar = jar
        .remove(cookie(&state, SESSION_COOKIE, String::new()))
        .remove(staff_cookie(&state));
    Ok((jar, Redirect::to("/newsroom/login")).into_response())
}

#[derive(Template)]
#[template(path = "newsroom/password.html")]
struct PasswordPage {
    chrome: NewsroomChrome,
    error: Option<String>,
    done: bool,
}

/// The password change form.
pub async fn show_password(editor: Editor) -> Result<Response, PageError> {
    respond::private_html(&PasswordPage {
        chrome: NewsroomChrome::new(editor.words().change_password, &editor),
        error: None,
        done: false,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// Changes the signed-in account's password; every session of it ends.
pub async fn change_password(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let username = state
        .newsroom
        .accounts()
        .await?
        .into_iter()
        .find(|a| Some(a.id) == editor.actor().id)
        .map(|a| a.username)
        .ok_or(PageError::NotFound)?;
    let outcome = if form.new != form.repeat {
        Err(editor.words().passwords_differ.to_owned())
    } else {
        match state
            .newsroom
            .change_password(editor.actor(), &username, &form.current, &form.new)
            .await
        {
            Ok(()) => Ok(()),
            Err(NewsroomError::Store(e)) => return Err(NewsroomError::Store(e).into()),
            Err(e) => Err(editor.words().refusal(&e)),
        }
    };
    let failed = outcome.is_err();
    let mut response = respond::private_html(&PasswordPage {
        chrome: NewsroomChrome::new(editor.words().change_password, &editor),
        done: !failed,
        error: outcome.err(),
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
