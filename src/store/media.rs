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
    /// Where its subject is across its width, in thousandths from the left.
    pub focal_x: i64,
    /// Where its subject is down its height, in thousandths from the top.
    pub focal_y: i64,
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
        focal_x: row.try_get("focal_x")?,
        focal_y: row.try_get("focal_y")?,
    })
}

const MEDIA_COLUMNS: &str =
    "id, hash, format, width, height, widths, alt, caption, credit, uploaded_at, focal_x, focal_y";

/// An upload that never finished: the process storing it died before its image's row
/// committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbandonedUpload {
    /// Its row.
    pub id: i64,
    /// The media names it was storing.
    pub files: Vec<String>,
    /// Whether an image row, or a later upload of the same image, uses those files.
    pub in_use: bool,
}

impl Writer {
    /// Marks an upload finished, in the transaction that records its image.
    pub async fn finish_upload(&mut self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM media_uploads WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Whether an uploaded image with this id exists.
    pub async fn media_exists(&mut self, id: i64) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM media WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(found.is_some())
    }

    /// Who uploaded the image `id`: `None` when there is no such image, `Some(None)`
    /// when no account did (an import).
    pub async fn media_uploader(&mut self, id: i64) -> StoreResult<Option<Option<UserId>>> {
        let found: Option<Option<i64>> =
            sqlx::query_scalar("SELECT uploaded_by FROM media WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(found)
    }

    /// Moves the image `id`'s focal point to (`x`, `y`) thousandths.
    pub async fn set_focal_point(&mut self, id: i64, x: i64, y: i64) -> StoreResult<()> {
        sqlx::query("UPDATE media SET focal_x = $1, focal_y = $2 WHERE id = $3")
            .bind(x)
            .bind(y)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
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

impl Writer {
    /// The image an import stored from `source_url` before, if any.
    pub async fn media_by_source(&mut self, source_url: &str) -> StoreResult<Option<MediaRecord>> {
        let sql = format!(
            "SELECT {} FROM media JOIN media_sources ON media_sources.media_id = media.id \
             WHERE media_sources.source_url = $1",
            MEDIA_COLUMNS
                .split(", ")
                .map(|c| format!("media.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(source_url)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(media_from).transpose()
    }

    /// The id of the image whose files are named by `hash`, if one is recorded.
    pub async fn media_id_by_hash(&mut self, hash: &str) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM media WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&mut *self.tx)
            .await?)
    }

    /// Notes that the image `media_id` was imported from `source_url`; a second note of
    /// the same address keeps the first.
    pub async fn put_media_source(&mut self, source_url: &str, media_id: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO media_sources (source_url, media_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (source_url) DO NOTHING",
        )
        .bind(source_url)
        .bind(media_id)
        .bind(self.now.as_microsecond())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
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

    /// The image `id`, if there is one.
    pub async fn media_by_id(&self, id: i64) -> StoreResult<Option<MediaRecord>> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.reads)
            .await?;
        row.as_ref().map(media_from).transpose()
    }

    /// Whether an import stored an image from `source_url` before.
    pub async fn has_media_source(&self, source_url: &str) -> StoreResult<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT media_id FROM media_sources WHERE source_url = $1")
                .bind(source_url)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// Records, and commits, that an upload is about to store `files` of the image
    /// `hash`: should the process die before the image's row commits, the sweep finds
    /// the files by this row. Returns the row's id.
    pub async fn begin_upload(
        &self,
        hash: &str,
        files: &[&str],
        at: Timestamp,
    ) -> StoreResult<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO media_uploads (hash, files, started_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(hash)
        .bind(files.join(","))
        .bind(at.as_microsecond())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Forgets an upload whose files were removed, or were never stored.
    pub async fn end_upload(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM media_uploads WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Uploads started before `before` that never finished, oldest first.
    pub async fn abandoned_uploads(&self, before: Timestamp) -> StoreResult<Vec<AbandonedUpload>> {
        let rows = sqlx::query(
            "SELECT u.id, u.files, \
               CASE WHEN EXISTS (SELECT 1 FROM media m WHERE m.hash = u.hash) \
                      OR EXISTS (SELECT 1 FROM media_uploads v \
                                 WHERE v.hash = u.hash AND v.started_at >= $1) \
                    THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS in_use \
             FROM media_uploads u WHERE u.started_at < $1 ORDER BY u.id",
        )
        .bind(before.as_microsecond())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let files: String = row.try_get("files")?;
                let in_use: i64 = row.try_get("in_use")?;
                Ok(AbandonedUpload {
                    id: row.try_get("id")?,
                    files: files
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    in_use: in_use != 0,
                })
            })
            .collect()
    }

    /// The content hashes of uploads not finished (in progress, or abandoned and not
    /// swept yet).
    pub async fn unfinished_uploads(&self) -> StoreResult<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT hash FROM media_uploads ORDER BY id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// How many images are recorded.
    pub async fn media_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM media")
            .fetch_one(&self.pool)
            .await?)
    }
}
