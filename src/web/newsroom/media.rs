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
    max_mb: usize,
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
        max_mb: state.max_upload_bytes / (1024 * 1024),
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
    render(&state, &editor, None, uploaded, StatusCode::OK).await
}

/// Takes an upload: the image is checked by decoding it, whatever its name says.
pub async fn upload_media(
    State(state): State<AppState>,
    editor: Editor,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let (mut csrf, mut alt, mut caption, mut credit, mut file) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        None,
    );
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return render(
                    &state,
                    &editor,
                    Some(too_large(&state, &editor)),
                    None,
                    StatusCode::PAYLOAD_TOO_LARGE,
                )
                .await;
            }
            Err(_) => {
                return Err(PageError::BadRequest(Refusal::UploadForm.into()));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return render(
                    &state,
                    &editor,
                    Some(too_large(&state, &editor)),
                    None,
                    StatusCode::PAYLOAD_TOO_LARGE,
                )
                .await;
            }
            Err(_) => {
                return Err(PageError::BadRequest(Refusal::UploadForm.into()));
            }
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => csrf = text(),
            "alt" => alt = text(),
            "caption" => caption = text(),
            "credit" => credit = text(),
            "file" => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    editor.check_csrf(&csrf)?;
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return render(
            &state,
            &editor,
            Some(editor.words().choose_image.into()),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .newsroom
        .upload_image(editor.actor(), file, &alt, &caption, &credit)
        .await
    {
        Ok(record) => {
            Ok(Redirect::to(&format!("/newsroom/media?uploaded={}", record.id)).into_response())
        }
        Err(NewsroomError::Media(MediaError::TooLarge { .. })) => {
            render(
                &state,
                &editor,
                Some(too_large(&state, &editor)),
                None,
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
            render(
                &state,
                &editor,
                Some(editor.words().refusal(&refused)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn too_large(state: &AppState, editor: &Editor) -> String {
    let w = editor.words();
    w.fill(w.file_too_large, state.max_upload_bytes / (1024 * 1024))
}
