//! The newsroom under `/newsroom`: sign-in, the desk, the item editor, history, audit.
//!
//! Every handler gets the signed-in account from [`Editor`]; every form carries the
//! session's CSRF token, checked before anything is done; roles are checked again
//! by the newsroom's use cases, whatever the page showed.

mod account;
mod desk;
mod front_page;
mod items;
mod media;
mod refused;
mod search;
mod sections;
mod session;
mod staff;
mod suggest;
mod tokens;
mod webhooks;
mod wire;
pub mod words;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;

use super::AppState;
use super::error::PageError;
use crate::newsroom::{Actor, Session};

/// Name of the session cookie.
const SESSION_COOKIE: &str = "newsline_session";
/// Name of the cookie that carries the sign-in form's CSRF token.
const LOGIN_CSRF_COOKIE: &str = "newsline_login_csrf";
/// Name of the cookie naming a sign-in that waits for its second-step code.
const PENDING_COOKIE: &str = "newsline_pending";
/// Name of the cookie that tells the public pages' script a newsroom session exists in
/// this browser, so it may offer an edit link; it grants nothing.
const STAFF_COOKIE: &str = "newsline_staff";
/// Name of the signed cookie of a browser an account has signed in from.
const DEVICE_COOKIE: &str = "newsline_device";

/// The upload route, which takes bodies up to the configured upload size.
pub fn upload_route(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/newsroom/media", post(media::upload_media))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refused::newsroom_error_pages,
        ))
}

/// The newsroom's routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/newsroom", get(desk::show_desk))
        .route(
            "/newsroom/login",
            get(session::show_login).post(session::log_in),
        )
        .route(
            "/newsroom/login/code",
            get(session::show_code).post(session::confirm_code),
        )
        .route("/newsroom/logout", post(session::log_out))
        .route("/newsroom/account", get(account::show_account))
        .route("/newsroom/account/language", post(account::choose_language))
        .route(
            "/newsroom/account/two-factor",
            post(account::start_two_factor),
        )
        .route(
            "/newsroom/account/two-factor/confirm",
            post(account::confirm_two_factor),
        )
        .route(
            "/newsroom/account/two-factor/disable",
            post(account::disable_two_factor),
        )
        .route(
            "/newsroom/password",
            get(session::show_password).post(session::change_password),
        )
        .route(
            "/newsroom/tokens",
            get(tokens::show_tokens).post(tokens::create_token),
        )
        .route("/newsroom/tokens/{id}/revoke", post(tokens::revoke_token))
        .route(
            "/newsroom/webhooks",
            get(webhooks::show_webhooks).post(webhooks::create_webhook),
        )
        .route("/newsroom/webhooks/{id}", get(webhooks::show_webhook))
        .route(
            "/newsroom/webhooks/{id}/delete",
            post(webhooks::delete_webhook),
        )
        .route(
            "/newsroom/webhooks/{id}/active",
            post(webhooks::set_webhook_active),
        )
        .route(
            "/newsroom/webhooks/{id}/deliveries/{delivery}/redeliver",
            post(webhooks::redeliver),
        )
        .route("/newsroom/wire", get(wire::show_wire))
        .route("/newsroom/wire/{id}/take", post(wire::take_wire_copy))
        .route("/newsroom/wire/{id}/dismiss", post(wire::dismiss_wire_copy))
        .route(
            "/newsroom/wire/feeds",
            get(wire::show_wire_feeds).post(wire::add_wire_feed),
        )
        .route(
            "/newsroom/wire/feeds/{id}/enabled",
            post(wire::set_wire_feed_enabled),
        )
        .route(
            "/newsroom/wire/feeds/{id}/delete",
            post(wire::delete_wire_feed),
        )
        .route("/newsroom/audit", get(desk::show_audit))
        .route("/newsroom/front-page", get(front_page::list_front_pages))
        .route(
            "/newsroom/front-page/{edition}",
            get(front_page::show_front_page).post(front_page::arrange_front_page),
        )
        .route(
            "/newsroom/front-page/{edition}/versions/{version}",
            get(front_page::preview_front_page_version),
        )
        .route("/newsroom/search", get(search::show_search))
        .route(
            "/newsroom/sections",
            get(sections::show_sections).post(sections::add_section),
        )
        .route("/newsroom/editions", post(sections::add_edition))
        .route(
            "/newsroom/sections/{edition}/{slug}/{what}",
            post(sections::change_section),
        )
        .route(
            "/newsroom/accounts",
            get(staff::show_accounts).post(staff::add_account),
        )
        .route("/newsroom/accounts/{login}/role", post(staff::change_role))
        .route(
            "/newsroom/accounts/{login}/disabled",
            post(staff::set_disabled),
        )
        .route(
            "/newsroom/accounts/{login}/password",
            post(staff::reset_password),
        )
        .route(
            "/newsroom/editions/{code}/launch",
            post(sections::launch_edition),
        )
        .route(
            "/newsroom/editions/{code}/name",
            post(sections::rename_edition),
        )
        .route("/newsroom/media", get(media::show_media))
        .route("/newsroom/suggest", get(suggest::suggest))
        .route(
            "/newsroom/media/{id}/focal-point",
            post(media::set_focal_point),
        )
        .route("/newsroom/items/new", get(items::new_item))
        .route("/newsroom/items", post(items::create_item))
        .route(
            "/newsroom/items/{id}",
            get(items::edit_item).post(items::save_item),
        )
        .route(
            "/newsroom/items/{id}/corrections",
            post(items::add_correction),
        )
        .route("/newsroom/items/{id}/history", get(items::show_history))
        .route("/newsroom/items/{id}/diff", get(items::show_diff))
        .route(
            "/newsroom/items/{id}/restore",
            post(items::restore_revision),
        )
        .route("/newsroom/items/{id}/presence", post(items::keep_presence))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refused::newsroom_error_pages,
        ))
}

/// The signed-in account of a newsroom request.
pub struct Editor {
    /// The session, with its CSRF token.
    pub session: Session,
    /// The language the newsroom speaks to this account.
    pub lang: &'static str,
    /// How many items are new on the desk since the account last looked there,
    /// counted for pages (GET) only.
    pub desk_news: i64,
}

impl Editor {
    /// Who is acting.
    pub fn actor(&self) -> &Actor {
        &self.session.actor
    }

    /// The newsroom's words in the account's language.
    pub fn words(&self) -> &'static words::NewsroomWords {
        words::for_language(self.lang)
    }

    /// Refuses a form whose token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        if same(token.as_bytes(), self.session.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::Forbidden(words::Refusal::Csrf.into()))
        }
    }
}

/// The newsroom's language for an account that has chosen none: the site's default
/// edition's, when the newsroom speaks it.
pub fn default_language(state: &AppState) -> &'static str {
    words::supported(state.site.default_edition.as_ref()).unwrap_or("en")
}

/// The language of a signed-out page: the browser's `Accept-Language` first, then the
/// site's default edition's.
pub fn signed_out_language(state: &AppState, headers: &axum::http::HeaderMap) -> &'static str {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(words::from_accept_language)
        .unwrap_or_else(|| default_language(state))
}

/// Compares two secrets in time that does not depend on where they differ.
/// A pause-or-resume form's answer: `yes` runs, `no` pauses, anything else is
/// refused and changes nothing.
fn running(answer: &str) -> Result<bool, crate::web::error::PageError> {
    match answer {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(crate::web::error::PageError::BadRequest(
            words::Refusal::PauseOrResume.into(),
        )),
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a newsroom request has no account behind it.
pub enum NotSignedIn {
    /// Send the browser to the sign-in page, coming back here afterwards.
    SignIn(String),
    /// Signed in, but the role needs two-factor sign-in set up first.
    SetUpTwoFactor,
    /// The sign-in could not be checked.
    Failed(PageError),
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn(next) => {
                let next = if next.starts_with("/newsroom") {
                    next
                } else {
                    "/newsroom".into()
                };
                Redirect::to(&format!("/newsroom/login?next={}", encode_query(&next)))
                    .into_response()
            }
            Self::SetUpTwoFactor => Redirect::to("/newsroom/account").into_response(),
            Self::Failed(err) => err.into_response(),
        }
    }
}

/// The page a newsroom list asks for with `?page=`: the first when none, a refusal
/// in the account's language when not a page number.
fn page_number(raw: Option<&str>, editor: &Editor) -> Result<i64, PageError> {
    let Some(raw) = raw else { return Ok(1) };
    raw.parse::<i64>()
        .ok()
        .filter(|n| (1..=100_000).contains(n))
        .ok_or_else(|| {
            let words = editor.words();
            PageError::BadRequest(words.fill(words.not_a_page_number, raw).into())
        })
}

/// What a path keeps unescaped as a query value: letters, digits, `-_./`.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'/');

/// Percent-encodes a path for use as a query value.
fn encode_query(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = NotSignedIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, NotSignedIn> {
        let jar = CookieJar::from_headers(&parts.headers);
        let next = if parts.method == axum::http::Method::GET {
            parts.uri.path().to_owned()
        } else {
            "/newsroom".to_owned()
        };
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(NotSignedIn::SignIn(next));
        };
        match state.newsroom.session(&token, state.newsroom.now()).await {
            // A role that needs a second factor sees nothing but its set-up until then.
            Ok(Some(session))
                if session.needs_two_factor_setup
                    && !parts.uri.path().starts_with("/newsroom/account")
                    && parts.uri.path() != "/newsroom/logout" =>
            {
                Err(NotSignedIn::SetUpTwoFactor)
            }
            Ok(Some(session)) => {
                let lang = session
                    .language
                    .map_or_else(|| default_language(state), |l| l.code());
                // Counted for the navigation's Desk link; a form's answer does without.
                let desk_news = if parts.method == axum::http::Method::GET {
                    state
                        .newsroom
                        .desk_news(&session.actor)
                        .await
                        .map_err(|err| NotSignedIn::Failed(err.into()))?
                } else {
                    0
                };
                let editor = Self {
                    session,
                    lang,
                    desk_news,
                };
                if let Some(slot) = parts.extensions.get::<refused::ChromeSlot>() {
                    slot.fill(crate::web::views::NewsroomChrome::new(
                        editor.words().newsroom,
                        &editor,
                    ));
                }
                Ok(editor)
            }
            Ok(None) => Err(NotSignedIn::SignIn(next)),
            Err(err) => Err(NotSignedIn::Failed(err.into())),
        }
    }
}
