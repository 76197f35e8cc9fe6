//! Uploading images, and the list of what was uploaded.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Editor;
use super::words::Refusal;
use crate::media::MediaError;
use crate::newsroom::NewsroomError;
use crate::store::MediaRecord;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::{NewsroomChrome, media_src};

/// One uploaded image as the list shows it.
struct Row {
    thumb: String,
    thumb_width: i64,
    thumb_height: i64,
    alt: String,
    size: String,
    markdown: String,
}

#[derive(Template)]
#[template(path = "newsroom/media.html")]
struct MediaPage {
    chrome: NewsroomChrome,
    media: Vec<Row>,
    error: Option<String>,
    uploaded: Option<String>,
    max_mb: String,
    typed: Typed,
}

fn markdown_of(m: &MediaRecord) -> String {
    format!(
        "![{}]({})",
        m.alt.replace([']', '['], ""),
        media_src(m, None)
    )
}

async fn render(
    state: &AppState,
    editor: &Editor,
    error: Option<String>,
    uploaded: Option<String>,
    typed: Typed,
    status: StatusCode,
) -> Result<Response, PageError> {
    let media = state
        .newsroom
        .media(200)
        .await?
        .into_iter()
        .map(|m| {
            let width = 160.min(m.width.max(1));
            Row {
                thumb: media_src(&m, Some(320)),
                thumb_width: width,
                thumb_height: (m.height * width / m.width.max(1)).max(1),
                size: format!("{}×{}", m.width, m.height),
                markdown: markdown_of(&m),
                alt: m.alt,
            }
        })
        .collect();
    let mut response = respond::private_html(&MediaPage {
        chrome: NewsroomChrome::new(editor.words().images, editor),
        media,
        error,
        uploaded,
        max_mb: megabytes(state.max_upload_bytes),
        typed,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub(super) struct UploadedQuery {
    uploaded: Option<i64>,
}

/// The upload form and every uploaded image.
pub async fn show_media(
    State(state): State<AppState>,
    editor: Editor,
    Query(query): Query<UploadedQuery>,
) -> Result<Response, PageError> {
    let uploaded = match query.uploaded {
        Some(id) => state
            .newsroom
            .media(200)
            .await?
            .into_iter()
            .find(|m| m.id == id)
            .map(|m| markdown_of(&m)),
        None => None,
    };
    render(
        &state,
        &editor,
        None,
        uploaded,
        Typed::default(),
        StatusCode::OK,
    )
    .await
}

/// What the upload form's text fields held, shown again when an upload is refused.
#[derive(Default)]
struct Typed {
    alt: String,
    caption: String,
    credit: String,
}

/// How a multipart upload was read.
enum Read {
    Whole {
        csrf: String,
        typed: Typed,
        file: Option<Vec<u8>>,
    },
    TooLarge {
        csrf: String,
        typed: Typed,
    },
}

/// Reads the form's fields in the order they come, holding at most `limit` bytes of file
/// and a little more for the rest, so a too-large file is refused with whatever text was
/// typed before it (the form sends its text fields first).
async fn read_upload(multipart: &mut Multipart, limit: usize) -> Result<Read, PageError> {
    let bad = || PageError::BadRequest(Refusal::UploadForm.into());
    let text_budget: usize = 64 * 1024;
    let (mut csrf, mut typed, mut file) = (String::new(), Typed::default(), None);
    let mut text_read = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_owned();
        let cap = if name == "file" {
            limit
        } else {
            text_budget.saturating_sub(text_read)
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| bad())? {
            if bytes.len() + chunk.len() > cap {
                let bound = drain_bound(limit);
                let dropped = drain_field(&mut field, bytes.len() + chunk.len(), bound).await;
                drop(field);
                if dropped <= bound {
                    drain(multipart, limit, dropped).await;
                }
                return Ok(Read::TooLarge { csrf, typed });
            }
            bytes.extend_from_slice(&chunk);
        }
        if name != "file" {
            text_read += bytes.len();
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => csrf = text(),
            "alt" => typed.alt = text(),
            "caption" => typed.caption = text(),
            "credit" => typed.credit = text(),
            "file" => file = Some(bytes),
            _ => {}
        }
    }
    Ok(Read::Whole { csrf, typed, file })
}

/// Reads and drops what is left of a refused upload, up to a bound, so the browser gets to
/// read the answer instead of a connection closed while it was still sending.
async fn drain(multipart: &mut Multipart, limit: usize, mut dropped: usize) {
    let bound = drain_bound(limit);
    while let Ok(Some(mut field)) = multipart.next_field().await {
        dropped = drain_field(&mut field, dropped, bound).await;
        if dropped > bound {
            return;
        }
    }
}

/// How much of a refused upload is read and dropped before the connection is given up.
fn drain_bound(limit: usize) -> usize {
    limit.saturating_mul(8).max(16 * 1024 * 1024)
}

/// Drops one field's bytes, counting them onto `dropped` until `bound` is passed.
async fn drain_field(
    field: &mut axum::extract::multipart::Field<'_>,
    mut dropped: usize,
    bound: usize,
) -> usize {
    while let Ok(Some(chunk)) = field.chunk().await {
        dropped += chunk.len();
        if dropped > bound {
            return usize::MAX;
        }
    }
    dropped
}

/// Takes an upload: the image is checked by decoding it, whatever its name says.
pub async fn upload_media(
    State(state): State<AppState>,
    editor: Editor,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let refuse = |message: String, typed: Typed, status: StatusCode| {
        let (state, editor) = (&state, &editor);
        async move { render(state, editor, Some(message), None, typed, status).await }
    };
    let (csrf, typed, file) = match read_upload(&mut multipart, state.max_upload_bytes).await? {
        Read::Whole { csrf, typed, file } => (csrf, typed, file),
        Read::TooLarge { csrf, typed } => {
            editor.check_csrf(&csrf)?;
            return refuse(
                too_large(&state, &editor),
                typed,
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await;
        }
    };
    editor.check_csrf(&csrf)?;
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return refuse(
            editor.words().choose_image.into(),
            typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .newsroom
        .upload_image(
            editor.actor(),
            file,
            &typed.alt,
            &typed.caption,
            &typed.credit,
        )
        .await
    {
        Ok(record) => {
            Ok(Redirect::to(&format!("/newsroom/media?uploaded={}", record.id)).into_response())
        }
        Err(NewsroomError::Media(MediaError::TooLarge { .. })) => {
            refuse(
                too_large(&state, &editor),
                typed,
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await
        }
        Err(NewsroomError::Media(MediaError::Busy | MediaError::Cancelled)) => {
            Err(PageError::Busy(Refusal::WorkersBusy.into()))
        }
        Err(NewsroomError::Media(MediaError::Store(e))) => Err(PageError::Internal(e.into())),
        Err(NewsroomError::Media(MediaError::Io(e))) => Err(PageError::Internal(e.into())),
        Err(NewsroomError::Forbidden) => Err(PageError::Forbidden(Refusal::Uploads.into())),
        Err(NewsroomError::Store(e)) => Err(NewsroomError::Store(e).into()),
        Err(refused) => {
            refuse(
                editor.words().refusal(&refused),
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// The upload limit in megabytes as the form says it: whole when it is whole.
fn megabytes(bytes: usize) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{mb:.0}")
    } else {
        format!("{mb:.2}")
    }
}

fn too_large(state: &AppState, editor: &Editor) -> String {
    let w = editor.words();
    w.fill(w.file_too_large, megabytes(state.max_upload_bytes))
}
