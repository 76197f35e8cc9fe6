//! Webhooks, for admins: registered, paused, removed, and their deliveries listed and
//! repeated.

use super::running;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Editor;
use super::words::NewsroomWords;
use crate::domain::{
    MAX_WEBHOOK_URL_CHARS, WebhookError, WebhookEvent, WebhookEvents, WebhookUrl, time,
};
use crate::newsroom::{Delivery, NewsroomError, Webhook, WebhookRequest};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// One webhook in the list.
struct Row {
    id: i64,
    url: String,
    events: String,
    active: bool,
    created: String,
}

/// One event's box on the form.
struct EventBox {
    name: &'static str,
    /// The event in the account's words.
    label: &'static str,
    checked: bool,
}

/// A webhook just registered, with its secret shown this once.
struct Issued {
    url: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "newsroom/webhooks.html")]
struct WebhooksPage {
    chrome: NewsroomChrome,
    webhooks: Vec<Row>,
    issued: Option<Issued>,
    error: Option<String>,
    form_url: String,
    events: Vec<EventBox>,
    max_url: usize,
}

fn row(w: Webhook, zone: &jiff::tz::TimeZone, words: &NewsroomWords) -> Row {
    Row {
        id: w.id,
        url: w.url,
        events: w
            .events
            .iter()
            .map(|e| words.event(e))
            .collect::<Vec<_>>()
            .join(", "),
        active: w.active,
        created: time::display(w.created_at, zone),
    }
}

async fn page(state: &AppState, editor: &Editor) -> Result<WebhooksPage, PageError> {
    let webhooks = state.newsroom.webhooks(editor.actor()).await?;
    let zone = &state.site.time_zone;
    Ok(WebhooksPage {
        chrome: NewsroomChrome::new(editor.words().webhooks, editor),
        webhooks: webhooks
            .into_iter()
            .map(|w| row(w, zone, editor.words()))
            .collect(),
        issued: None,
        error: None,
        form_url: String::new(),
        events: WebhookEvent::ALL
            .into_iter()
            .map(|e| EventBox {
                name: e.as_str(),
                label: editor.words().event(e),
                checked: true,
            })
            .collect(),
        max_url: MAX_WEBHOOK_URL_CHARS,
    })
}

/// The list of webhooks and the form for a new one.
pub async fn show_webhooks(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    respond::private_html(&page(&state, &editor).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct WebhookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    corrected: Option<String>,
}

impl WebhookForm {
    fn chosen(&self, event: WebhookEvent) -> bool {
        match event {
            WebhookEvent::Published => self.published.is_some(),
            WebhookEvent::Updated => self.updated.is_some(),
            WebhookEvent::Withdrawn => self.withdrawn.is_some(),
            WebhookEvent::Corrected => self.corrected.is_some(),
        }
    }

    fn request(&self) -> Result<WebhookRequest, WebhookError> {
        let events: Vec<_> = WebhookEvent::ALL
            .into_iter()
            .filter(|e| self.chosen(*e))
            .collect();
        Ok(WebhookRequest {
            url: WebhookUrl::parse(&self.url)?,
            events: WebhookEvents::from_events(&events)?,
        })
    }
}

/// Registers a webhook and shows its secret, once.
pub async fn create_webhook(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<WebhookForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let outcome = match form.request() {
        Ok(request) => state
            .newsroom
            .create_webhook(editor.actor(), &request)
            .await
            .map_err(|e| match e {
                NewsroomError::Webhook(e) => Ok(editor.words().webhook_refusal(&e)),
                other => Err(other),
            }),
        // Refused for the role before anything about the fields is said.
        Err(e) => match state.newsroom.webhooks(editor.actor()).await {
            Ok(_) => Err(Ok(editor.words().webhook_refusal(&e))),
            Err(refused) => Err(Err(refused)),
        },
    };
    let mut p = page(&state, &editor).await?;
    match outcome {
        Ok(issued) => {
            tracing::info!(
                user.id = editor.actor().id,
                webhook.id = issued.webhook.id,
                "{} added webhook {}",
                editor.actor().name,
                issued.webhook.id
            );
            p.issued = Some(Issued {
                url: issued.webhook.url,
                secret: issued.secret,
            });
            respond::private_html(&p)
        }
        Err(Ok(message)) => {
            p.error = Some(message);
            p.form_url = form.url.chars().take(MAX_WEBHOOK_URL_CHARS).collect();
            for event in &mut p.events {
                event.checked = WebhookEvent::parse(event.name).is_some_and(|e| form.chosen(e));
            }
            let mut response = respond::private_html(&p)?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(Err(other)) => Err(other.into()),
    }
}

/// One delivery in a webhook's list.
struct DeliveryRow {
    id: i64,
    public_id: String,
    event: String,
    item: i64,
    status: String,
    attempts: i64,
    last_status: String,
    last_answer: String,
    next_attempt: String,
    created: String,
}

#[derive(Template)]
#[template(path = "newsroom/webhook.html")]
struct WebhookPage {
    chrome: NewsroomChrome,
    webhook: Row,
    deliveries: Vec<DeliveryRow>,
}

fn delivery_row(d: Delivery, zone: &jiff::tz::TimeZone, words: &NewsroomWords) -> DeliveryRow {
    let last_answer = match (&d.last_response, &d.last_error) {
        (Some(body), _) if !body.is_empty() => body.chars().take(200).collect(),
        (_, Some(error)) => error.clone(),
        _ => String::new(),
    };
    DeliveryRow {
        id: d.id,
        event: words.delivery_word(&d.event),
        item: d.item_id,
        attempts: d.attempts,
        last_status: d.last_status.map(|s| s.to_string()).unwrap_or_default(),
        last_answer,
        next_attempt: if d.status == "pending" {
            time::display(d.next_attempt_at, zone)
        } else {
            String::new()
        },
        created: time::display(d.created_at, zone),
        status: words.delivery_word(&d.status),
        public_id: d.public_id,
    }
}

async fn webhook_page(
    state: &AppState,
    editor: &Editor,
    id: i64,
) -> Result<WebhookPage, PageError> {
    let (webhook, deliveries) = state
        .newsroom
        .webhook_deliveries(editor.actor(), id)
        .await?;
    let zone = &state.site.time_zone;
    Ok(WebhookPage {
        chrome: NewsroomChrome::new(&editor.words().fill(editor.words().webhook_n, id), editor),
        webhook: row(webhook, zone, editor.words()),
        deliveries: deliveries
            .into_iter()
            .map(|d| delivery_row(d, zone, editor.words()))
            .collect(),
    })
}

/// A webhook and its newest deliveries.
pub async fn show_webhook(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    respond::private_html(&webhook_page(&state, &editor, id).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Removes a webhook and its deliveries.
pub async fn delete_webhook(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    state.newsroom.delete_webhook(editor.actor(), id).await?;
    tracing::info!(
        user.id = editor.actor().id,
        webhook.id = id,
        "{} removed webhook {id}",
        editor.actor().name
    );
    Ok(Redirect::to("/newsroom/webhooks").into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

/// Pauses or resumes deliveries to a webhook.
pub async fn set_webhook_active(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<i64>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let active = running(&form.active)?;
    state
        .newsroom
        .set_webhook_active(editor.actor(), id, active)
        .await?;
    Ok(Redirect::to("/newsroom/webhooks").into_response())
}

/// Queues a delivery's body again as a new delivery, due now.
pub async fn redeliver(
    State(state): State<AppState>,
    editor: Editor,
    Path((id, delivery)): Path<(i64, i64)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let queued = state
        .newsroom
        .redeliver(editor.actor(), id, delivery)
        .await?;
    tracing::info!(
        user.id = editor.actor().id,
        webhook.id = id,
        "{} queued delivery {delivery} of webhook {id} again as {queued}",
        editor.actor().name
    );
    Ok(Redirect::to(&format!("/newsroom/webhooks/{id}")).into_response())
}
