//! Records of uploaded images; the image bytes themselves live in the media store.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, Writer, rows};
use crate::domain::UserId;

/// An uploaded image as pages and the newsroom refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    /// Identity.
    pub id: i64,
    /// Content hash naming its files.
    pub hash: String,
    /// File extension of the original format (jpg, png, webp, gif).
    pub format: String,
    /// Full width in pixels.
    pub width: i64,
    /// Full height in pixels.
    pub height: i64,
    /// Widths of the resized variants, comma-separated.
    pub widths: String,
    /// Text for readers who cannot see it; required.
    pub alt: String,
    /// Optional caption.
    pub caption: Option<String>,
    /// Optional credit.
    pub credit: Option<String>,
    /// When it was uploaded.
    pub uploaded_at: Timestamp,
}

fn media_from(row: &AnyRow) -> StoreResult<MediaRecord> {
    Ok(MediaRecord {
        id: row.try_get("id")?,
        hash: row.try_get("hash")?,
        format: row.try_get("format")?,
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        widths: row.try_get("widths")?,
        alt: row.try_get("alt")?,
        caption: row.try_get("caption")?,
        credit: row.try_get("credit")?,
        uploaded_at: rows::instant(row.try_get("uploaded_at")?)?,
    })
}

const MEDIA_COLUMNS: &str =
    "id, hash, format, width, height, widths, alt, caption, credit, uploaded_at";

impl Writer {
    /// Whether an uploaded image with this id exists.
    pub async fn media_exists(&mut self, id: i64) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM media WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(found.is_some())
    }

    /// Records an upload; the same image uploaded again keeps its first record.
    pub async fn insert_media(
        &mut self,
        media: &MediaRecord,
        by: Option<UserId>,
    ) -> StoreResult<i64> {
        if let Some(id) = sqlx::query_scalar("SELECT id FROM media WHERE hash = $1")
            .bind(&media.hash)
            .fetch_optional(&mut *self.tx)
            .await?
        {
            return Ok(id);
        }
        let id = sqlx::query_scalar(
            "INSERT INTO media (hash, format, width, height, widths, alt, caption, credit, \
             uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&media.hash)
        .bind(&media.format)
        .bind(media.width)
        .bind(media.height)
        .bind(&media.widths)
        .bind(&media.alt)
        .bind(media.caption.as_deref())
        .bind(media.credit.as_deref())
        .bind(by)
        .bind(media.uploaded_at.as_microsecond())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }
}

impl Store {
    /// Every uploaded image, newest first.
    pub async fn media(&self, limit: i64) -> StoreResult<Vec<MediaRecord>> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(&self.reads)
            .await?;
        rows.iter().map(media_from).collect()
    }
}
