//! The image library: uploading (as a page or, for the editor's script, in JSON),
//! searching, and framing each image with its focal point.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::Editor;
use super::words::Refusal;
use crate::media::MediaError;
use crate::newsroom::{FocalPoint, NewsroomError};
use crate::search::Language;
use crate::store::MediaRecord;
use crate::web::AppState;
use crate::web::api::problem::{FieldProblem, Problem};
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::search::encode;
use crate::web::views::{NewsroomChrome, focal_classes, media_src};

/// Images a page of the library shows.
const PAGE_SIZE: usize = 24;
/// The last page of the library a link may ask for.
const MAX_PAGE: usize = 10_000;

/// One uploaded image as the library and the editor's picker show it.
#[derive(Serialize)]
pub(super) struct Row {
    pub(super) id: i64,
    pub(super) thumb: String,
    /// A larger variant, for the editor's preview.
    #[serde(skip)]
    pub(super) large: String,
    pub(super) thumb_width: i64,
    pub(super) thumb_height: i64,
    pub(super) alt: String,
    pub(super) caption: String,
    pub(super) credit: String,
    #[serde(skip)]
    pub(super) size: String,
    #[serde(skip)]
    pub(super) markdown: String,
    pub(super) focal_x: i64,
    pub(super) focal_y: i64,
    /// Classes cropping it around its focal point, as reader pages do.
    pub(super) crop: String,
}

impl Row {
    /// The row of `m`, its thumbnail at most 160 pixels wide.
    pub(super) fn of(m: MediaRecord) -> Self {
        let width = 160.min(m.width.max(1));
        Self {
            id: m.id,
            thumb: media_src(&m, Some(320)),
            large: media_src(&m, Some(1024)),
            thumb_width: width,
            thumb_height: (m.height * width / m.width.max(1)).max(1),
            size: format!("{}×{}", m.width, m.height),
            markdown: markdown_of(&m),
            focal_x: m.focal_x,
            focal_y: m.focal_y,
            crop: focal_classes(&m),
            caption: m.caption.clone().unwrap_or_default(),
            credit: m.credit.clone().unwrap_or_default(),
            alt: m.alt,
        }
    }
}

#[derive(Template)]
#[template(path = "newsroom/media.html")]
struct MediaPage {
    chrome: NewsroomChrome,
    media: Vec<Row>,
    error: Option<String>,
    uploaded: Option<String>,
    framed: bool,
    max_mb: String,
    typed: Typed,
    query: String,
    previous: Option<String>,
    next: Option<String>,
}

fn markdown_of(m: &MediaRecord) -> String {
    format!(
        "![{}]({})",
        m.alt.replace([']', '['], ""),
        media_src(m, None)
    )
}

/// A text lowercased and folded as the site's search folds it (Azerbaijani and
/// Turkish dotted and dotless i, ə ş ğ ü ö ç, Latin diacritics, Russian ё), so that
/// what is typed on any keyboard finds it.
fn folded(text: &str) -> String {
    let language = Language::Turkic;
    let (mut lower, mut plain, mut all) = (String::new(), String::new(), String::new());
    for word in text.split_whitespace() {
        language.lowercase(word, &mut lower);
        language.fold(&lower, &mut plain);
        all.push_str(&plain);
        all.push(' ');
    }
    all
}

/// Whether every word of `query` (folded) is found in the image's alt text, caption
/// or credit.
fn matches(m: &MediaRecord, words: &[String]) -> bool {
    let text = folded(&format!(
        "{} {} {}",
        m.alt,
        m.caption.as_deref().unwrap_or_default(),
        m.credit.as_deref().unwrap_or_default()
    ));
    words.iter().all(|w| text.contains(w.as_str()))
}

/// One page of the images matching `query` (every image when it is blank), newest
/// first, and whether more follow.
pub(super) async fn search_images(
    state: &AppState,
    query: &str,
    page: usize,
) -> Result<(Vec<MediaRecord>, bool), PageError> {
    let skip = (page - 1) * PAGE_SIZE;
    let words: Vec<String> = folded(query)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        let limit = i64::try_from(skip + PAGE_SIZE + 1).unwrap_or(i64::MAX);
        let mut all = state.newsroom.media(limit).await?;
        let more = all.len() > skip + PAGE_SIZE;
        all.truncate(skip + PAGE_SIZE);
        return Ok((all.into_iter().skip(skip).collect(), more));
    }
    // The library is searched in memory, as the read model keeps every image's record
    // in memory anyway: a few thousand short texts.
    let mut found = state
        .newsroom
        .media(i64::MAX)
        .await?
        .into_iter()
        .filter(|m| matches(m, &words))
        .skip(skip);
    let shown: Vec<MediaRecord> = found.by_ref().take(PAGE_SIZE).collect();
    let more = found.next().is_some();
    Ok((shown, more))
}

/// What the library's address asks for: a search, a page, a note of what was done.
#[derive(Debug, Default, Deserialize)]
pub(super) struct LibraryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
    uploaded: Option<i64>,
    framed: Option<i64>,
}

impl LibraryQuery {
    /// The page asked for: 1 when none is; a page that is not a whole number from 1 is
    /// refused.
    fn page(&self) -> Result<usize, PageError> {
        match self.page.as_deref() {
            None | Some("") => Ok(1),
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or(PageError::BadRequest(Refusal::Page.into())),
        }
    }
}

/// What a refused upload brings back to the page.
struct Refused {
    error: Option<String>,
    typed: Typed,
}

async fn render(
    state: &AppState,
    editor: &Editor,
    query: &LibraryQuery,
    refused: Refused,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = query.page()?;
    let (media, more) = search_images(state, &query.q, page).await?;
    let uploaded = match query.uploaded {
        Some(id) => state.newsroom.image(id).await?.map(|m| markdown_of(&m)),
        None => None,
    };
    let href = |page: usize| {
        let mut parts = Vec::new();
        if !query.q.trim().is_empty() {
            parts.push(format!("q={}", encode(&query.q)));
        }
        parts.push(format!("page={page}"));
        format!("/newsroom/media?{}", parts.join("&"))
    };
    let mut response = respond::private_html(&MediaPage {
        chrome: NewsroomChrome::new(editor.words().images, editor),
        media: media.into_iter().map(Row::of).collect(),
        error: refused.error,
        uploaded,
        framed: query.framed.is_some(),
        max_mb: megabytes(state.max_upload_bytes),
        typed: refused.typed,
        query: query.q.clone(),
        previous: (page > 1).then(|| href(page - 1)),
        next: more.then(|| href(page + 1)),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

/// Whether the request asks for JSON rather than a page: the editor's script does.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The images found, as the editor's picker reads them.
#[derive(Serialize)]
struct Found {
    images: Vec<Row>,
    more: bool,
}

/// The image library: the upload form and every uploaded image, searchable over alt
/// text, caption and credit; in JSON for the editor's picker when asked.
pub async fn show_media(
    State(state): State<AppState>,
    editor: Editor,
    headers: HeaderMap,
    Query(query): Query<LibraryQuery>,
) -> Result<Response, PageError> {
    if wants_json(&headers) {
        let (media, more) = search_images(&state, &query.q, query.page()?).await?;
        let found = Found {
            images: media.into_iter().map(Row::of).collect(),
            more,
        };
        return Ok(crate::web::api::json(&found, "no-store"));
    }
    let refused = Refused {
        error: None,
        typed: Typed::default(),
    };
    render(&state, &editor, &query, refused, StatusCode::OK).await
}

/// The focal point form: two numbers, thousandths across and down.
#[derive(Debug, Deserialize)]
pub(super) struct FocalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    x: String,
    #[serde(default)]
    y: String,
}

/// Moves an image's focal point; crops of it on reader pages follow.
pub async fn set_focal_point(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    Form(form): Form<FocalForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let number = |raw: &str| raw.trim().parse::<i64>().ok();
    let point = number(&form.x)
        .zip(number(&form.y))
        .and_then(|(x, y)| FocalPoint::parse(x, y).ok())
        .ok_or(PageError::BadRequest(Refusal::FocalPoint.into()))?;
    state
        .newsroom
        .set_focal_point(editor.actor(), id, point)
        .await?;
    Ok(Redirect::to(&format!("/newsroom/media?framed={id}#image-{id}")).into_response())
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

/// How an upload was refused: its status and the message in the account's language.
struct UploadRefusal {
    status: StatusCode,
    message: String,
    field: Option<&'static str>,
}

impl UploadRefusal {
    fn new(status: StatusCode, message: String, field: Option<&'static str>) -> Self {
        Self {
            status,
            message,
            field,
        }
    }

    /// As problem+json, for the editor's script.
    fn problem(self) -> Response {
        let problem = match self.field {
            Some(field) => Problem::invalid(
                self.status,
                vec![FieldProblem::field(field, self.message.clone())],
            )
            .with_detail(self.message),
            None => Problem::status(self.status, Some(self.message)),
        };
        problem.into_response()
    }
}

/// The uploaded image, as the editor's script reads it.
#[derive(Serialize)]
struct Uploaded {
    #[serde(flatten)]
    image: Row,
}

/// Takes an upload: the image is checked by decoding it, whatever its name says. A
/// request asking for JSON (the editor's script) gets the new image, or a problem
/// document saying why it was refused, in the account's language.
pub async fn upload_media(
    State(state): State<AppState>,
    editor: Editor,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let json = wants_json(&headers);
    let refuse = |refusal: UploadRefusal, typed: Typed| {
        let (state, editor) = (&state, &editor);
        async move {
            if json {
                return Ok(refusal.problem());
            }
            let refused = Refused {
                error: Some(refusal.message),
                typed,
            };
            render(
                state,
                editor,
                &LibraryQuery::default(),
                refused,
                refusal.status,
            )
            .await
        }
    };
    let csrf_refused = || {
        UploadRefusal::new(
            StatusCode::FORBIDDEN,
            Refusal::Csrf.text(editor.words().lang),
            None,
        )
        .problem()
    };
    let (csrf, typed, file) = match read_upload(&mut multipart, state.max_upload_bytes).await {
        Ok(Read::Whole { csrf, typed, file }) => (csrf, typed, file),
        Ok(Read::TooLarge { csrf, typed }) => {
            if json && editor.check_csrf(&csrf).is_err() {
                return Ok(csrf_refused());
            }
            editor.check_csrf(&csrf)?;
            let refusal = UploadRefusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                too_large(&state, &editor),
                Some("file"),
            );
            return refuse(refusal, typed).await;
        }
        Err(_) if json => {
            return Ok(UploadRefusal::new(
                StatusCode::BAD_REQUEST,
                Refusal::UploadForm.text(editor.words().lang),
                None,
            )
            .problem());
        }
        Err(e) => return Err(e),
    };
    if json && editor.check_csrf(&csrf).is_err() {
        return Ok(csrf_refused());
    }
    editor.check_csrf(&csrf)?;
    let w = editor.words();
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        let refusal = UploadRefusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            w.choose_image.into(),
            Some("file"),
        );
        return refuse(refusal, typed).await;
    };
    let refusal = match state
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
        Ok(record) if json => {
            // The same image uploaded again keeps its first record, framing and all.
            let record = state.newsroom.image(record.id).await?.unwrap_or(record);
            let mut response = crate::web::api::json(
                &Uploaded {
                    image: Row::of(record),
                },
                "no-store",
            );
            *response.status_mut() = StatusCode::CREATED;
            return Ok(response);
        }
        Ok(record) => {
            return Ok(
                Redirect::to(&format!("/newsroom/media?uploaded={}", record.id)).into_response(),
            );
        }
        Err(NewsroomError::Media(MediaError::TooLarge { .. })) => UploadRefusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            too_large(&state, &editor),
            Some("file"),
        ),
        Err(NewsroomError::Media(MediaError::NotAnImage)) if json => UploadRefusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            w.not_an_image.into(),
            Some("file"),
        ),
        Err(NewsroomError::Media(
            MediaError::TooManyPixels { .. }
            | MediaError::DecodeLimit(_)
            | MediaError::Unsupported(_)
            | MediaError::Corrupt(_),
        )) if json => UploadRefusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            w.image_unreadable.into(),
            Some("file"),
        ),
        Err(NewsroomError::Media(MediaError::Busy | MediaError::Cancelled)) if json => {
            UploadRefusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                Refusal::WorkersBusy.text(w.lang),
                None,
            )
        }
        Err(NewsroomError::Forbidden) if json => {
            UploadRefusal::new(StatusCode::FORBIDDEN, Refusal::Uploads.text(w.lang), None)
        }
        Err(NewsroomError::Media(MediaError::Busy | MediaError::Cancelled)) => {
            return Err(PageError::Busy(Refusal::WorkersBusy.into()));
        }
        Err(NewsroomError::Media(MediaError::Store(e))) => {
            return Err(PageError::Internal(e.into()));
        }
        Err(NewsroomError::Media(MediaError::Io(e))) => return Err(PageError::Internal(e.into())),
        Err(NewsroomError::Forbidden) => {
            return Err(PageError::Forbidden(Refusal::Uploads.into()));
        }
        Err(NewsroomError::Store(e)) => return Err(NewsroomError::Store(e).into()),
        Err(refused @ NewsroomError::MissingAlt) => UploadRefusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            w.refusal(&refused),
            Some("alt"),
        ),
        Err(refused) => {
            UploadRefusal::new(StatusCode::UNPROCESSABLE_ENTITY, w.refusal(&refused), None)
        }
    };
    refuse(refusal, typed).await
}

/// The upload limit in megabytes as the form says it: whole when it is whole.
pub(super) fn megabytes(bytes: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::folded;

    #[test]
    fn searches_fold_case_and_letters_as_the_site_search_does() {
        assert_eq!(folded("HALL"), "hall ");
        assert_eq!(folded("Şəki  SARAYI"), "seki sarayi ");
        assert_eq!(folded("Ёлкин İstanbul"), "елкин istanbul ");
    }
}
