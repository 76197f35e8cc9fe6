//! Signing in and out, and changing one's password.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use super::{Editor, LOGIN_CSRF_COOKIE, SESSION_COOKIE, same};
use crate::newsroom::{LoginError, NewsroomError, random_token};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

#[derive(Template)]
#[template(path = "newsroom/login.html")]
struct LoginPage {
    chrome: NewsroomChrome,
    csrf: String,
    next: String,
    username: String,
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

fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/newsroom");
    c.set_secure(state.secure_cookies);
    c
}

/// The sign-in form, with a fresh token in a cookie and in the form.
pub async fn show_login(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let csrf = random_token()?;
    let page = LoginPage {
        chrome: NewsroomChrome::signed_out("Sign in"),
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

/// Checks the name and password; on success starts a new session.
pub async fn log_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !same(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(PageError::Forbidden(
            "the sign-in form expired; reload the page and try again".into(),
        ));
    }
    let username = form.username.trim().to_lowercase();
    match state
        .newsroom
        .log_in(&username, &form.password, &peer.ip().to_string())
        .await
    {
        Ok(session) => {
            tracing::info!(
                user.id = session.actor.id,
                "{} signed in",
                session.actor.name
            );
            let jar = jar
                .remove(cookie(&state, LOGIN_CSRF_COOKIE, String::new()))
                .add(cookie(&state, SESSION_COOKIE, session.token));
            Ok((jar, Redirect::to(&safe_next(Some(&form.next)))).into_response())
        }
        Err(LoginError::TooManyAttempts) => Err(PageError::TooManyRequests(
            LoginError::TooManyAttempts.to_string(),
        )),
        Err(LoginError::Store(err)) => Err(NewsroomError::Store(err).into()),
        Err(refused) => {
            let page = LoginPage {
                chrome: NewsroomChrome::signed_out("Sign in"),
                csrf: expected,
                next: safe_next(Some(&form.next)),
                username,
                error: Some(refused.to_string()),
            };
            let mut response = respond::private_html(&page)?;
            *response.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(response)
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
    let jar = jar.remove(cookie(&state, SESSION_COOKIE, String::new()));
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
        chrome: NewsroomChrome::new("Change password", &editor),
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
        .find(|a| a.id == editor.actor().id)
        .map(|a| a.username)
        .ok_or(PageError::NotFound)?;
    let outcome = if form.new != form.repeat {
        Err("the two new passwords differ".to_owned())
    } else {
        match state
            .newsroom
            .change_password(editor.actor(), &username, &form.current, &form.new)
            .await
        {
            Ok(()) => Ok(()),
            Err(NewsroomError::Store(e)) => return Err(NewsroomError::Store(e).into()),
            Err(e) => Err(e.to_string()),
        }
    };
    let failed = outcome.is_err();
    let mut response = respond::private_html(&PasswordPage {
        chrome: NewsroomChrome::new("Change password", &editor),
        done: !failed,
        error: outcome.err(),
    })?;
    if failed {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
