//! Uploading images: checked by decoding, cleaned of metadata, resized, stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Semaphore;

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, DomainError, Scope, may};
use crate::media::{MediaError, MediaStore, ProcessedImage, SourceFormat, process_unless};
use crate::store::{Entity, MediaRecord};

/// Longest alt text, caption or credit accepted, in characters.
const MAX_TEXT: usize = 500;

fn text(raw: &str) -> Option<String> {
    let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

/// Uploads being processed, bounded: a few workers, a short queue, the rest refused.
///
/// Decoding and resizing a large image takes hundreds of megabytes and a core for
/// seconds, so a handful of parallel uploads must not take the whole machine.
pub(crate) struct UploadQueue {
    workers: Arc<Semaphore>,
    admitted: Arc<AtomicUsize>,
    capacity: usize,
}

/// A place in the queue or at a worker; dropping it frees the place.
struct Ticket(Arc<AtomicUsize>);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Tells the worker to stop when the upload's request goes away (timeout, disconnect).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl UploadQueue {
    /// `workers` uploads processed at once, and up to `waiting` more in line.
    pub(crate) fn new(workers: usize, waiting: usize) -> Self {
        let workers = workers.max(1);
        Self {
            workers: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: workers + waiting,
        }
    }

    fn admit(&self) -> Result<Ticket, MediaError> {
        self.admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.capacity).then_some(n + 1)
            })
            .map(|_| Ticket(self.admitted.clone()))
            .map_err(|_| MediaError::Busy)
    }
}

impl Newsroom {
    /// The same newsroom, processing `workers` uploads at once with `waiting` more in
    /// line, and refusing images larger than `max_pixels`.
    pub fn with_upload_workers(mut self, workers: usize, waiting: usize, max_pixels: u64) -> Self {
        self.uploads = Arc::new(UploadQueue::new(workers, waiting));
        self.upload_limits.max_pixels = max_pixels;
        self
    }

    /// Where uploaded images are kept.
    pub fn media_store(&self) -> Option<&MediaStore> {
        self.media.as_deref()
    }

    /// The heaviest image accepted, in bytes.
    pub fn max_upload_bytes(&self) -> usize {
        self.upload_limits.max_bytes
    }

    /// Checks, cleans and resizes an image as every upload is, storing nothing: its
    /// variants, or why it is refused.
    pub async fn prepare_image(&self, bytes: Vec<u8>) -> Result<ProcessedImage, NewsroomError> {
        let limits = self.upload_limits;
        let ticket = self.uploads.admit()?;
        // Waiting here is bounded by the request's timeout, which drops this future.
        let worker = self
            .uploads
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| MediaError::Busy)?;
        let cancelled = Arc::new(AtomicBool::new(false));
        let _cancel = CancelOnDrop(cancelled.clone());
        // Decoding and resizing are CPU work: keep them off the async threads. The
        // worker and the ticket are held until the work really stops, even if the
        // request is gone.
        let image = tokio::task::spawn_blocking(move || {
            let result = process_unless(&bytes, &limits, &cancelled);
            drop((worker, ticket));
            result
        })
        .await
        .map_err(|e| MediaError::Encode(e.to_string()))??;
        Ok(image)
    }

    /// Checks, cleans, resizes and stores an uploaded image; returns its record.
    pub async fn upload_image(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        alt: &str,
        caption: &str,
        credit: &str,
    ) -> Result<MediaRecord, NewsroomError> {
        if !may(actor.role, Action::Upload, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let Some(store) = self.media.as_deref() else {
            return Err(NewsroomError::Media(MediaError::Encode(
                "no media store is configured".into(),
            )));
        };
        let texts = ImageTexts::parse(alt, caption, credit)?;
        let image = self.prepare_image(bytes).await?;
        let record = ImageFacts::of(&image).record(texts, self.clock.now());
        let files: Vec<&str> = image.variants.iter().map(|v| v.name.as_str()).collect();
        // Noted before the first file is stored, so that files stored by a process
        // that dies before the row commits are found and removed (see
        // `sweep_abandoned_uploads`) rather than kept forever unnamed.
        let upload = self
            .store
            .begin_upload(&record.hash, &files, record.uploaded_at)
            .await?;
        let stored = async {
            store.put_all(&image).await?;
            let mut w = self.store.begin(record.uploaded_at).await?;
            let id = w.insert_media(&record, actor.id).await?;
            w.append_change(Entity::Taxonomy, &format!("media:{id}"), "uploaded")
                .await?;
            w.audit_by(
                actor.by(),
                "image uploaded",
                &format!("media:{id}"),
                &record.alt,
            )
            .await?;
            w.finish_upload(upload).await?;
            w.commit().await?;
            Ok::<i64, NewsroomError>(id)
        }
        .await;
        // On failure the upload's row stays, and the sweep removes what was stored.
        let id = stored?;
        self.after_commit();
        Ok(MediaRecord { id, ..record })
    }

    /// Removes the files of uploads abandoned before `now - ABANDONED_AFTER` (their
    /// process died between storing the files and committing the image's row) unless
    /// an image row or a later upload of the same image uses them; returns how many
    /// uploads were swept.
    pub async fn sweep_abandoned_uploads(&self, now: Timestamp) -> Result<usize, NewsroomError> {
        let Some(store) = self.media.as_deref() else {
            return Ok(0);
        };
        let abandoned = self.store.abandoned_uploads(now - ABANDONED_AFTER).await?;
        for upload in &abandoned {
            if !upload.in_use {
                for name in &upload.files {
                    store.delete(name).await?;
                }
            }
            self.store.end_upload(upload.id).await?;
            tracing::info!(
                upload = upload.id,
                files = upload.files.len(),
                kept = upload.in_use,
                "swept abandoned upload {}",
                upload.id
            );
        }
        Ok(abandoned.len())
    }
}

impl Newsroom {
    /// Moves an image's focal point, which every crop of it keeps in view; pages showing
    /// the image are refreshed through the change log. Reporters frame their own
    /// uploads only.
    pub async fn set_focal_point(
        &self,
        actor: &Actor,
        id: i64,
        point: FocalPoint,
    ) -> Result<(), NewsroomError> {
        let now = self.clock.now();
        let mut w = self.store.begin(now).await?;
        let uploader = w
            .media_uploader(id)
            .await?
            .ok_or(NewsroomError::NoImage(id))?;
        let own = uploader.is_some() && uploader == actor.id;
        if !may(actor.role, Action::FrameImage, Scope::Image { own }) {
            return Err(NewsroomError::Forbidden);
        }
        w.set_focal_point(id, point.x(), point.y()).await?;
        let key = format!("media:{id}");
        w.append_change(Entity::Taxonomy, &key, "focal point")
            .await?;
        w.audit_by(
            actor.by(),
            "image focal point set",
            &key,
            &format!("{},{}", point.x(), point.y()),
        )
        .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }
}

/// Where an image's subject is, in thousandths of its width and height from the top
/// left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FocalPoint {
    x: i64,
    y: i64,
}

impl FocalPoint {
    /// The middle of the image: where crops centre until someone says otherwise.
    pub const CENTRE: Self = Self { x: 500, y: 500 };
    /// The largest coordinate: the right or bottom edge.
    pub const MAX: i64 = 1000;

    /// Checks a point: both coordinates from 0 to 1000.
    pub fn parse(x: i64, y: i64) -> Result<Self, NewsroomError> {
        let within = |v: i64| (0..=Self::MAX).contains(&v);
        if within(x) && within(y) {
            Ok(Self { x, y })
        } else {
            Err(NewsroomError::BadFocalPoint)
        }
    }

    /// Thousandths from the left.
    pub fn x(self) -> i64 {
        self.x
    }

    /// Thousandths from the top.
    pub fn y(self) -> i64 {
        self.y
    }
}

/// How long after it started an upload that never finished is taken for abandoned:
/// far longer than an upload may take (the request's timeout ends it sooner).
pub const ABANDONED_AFTER: SignedDuration = SignedDuration::from_hours(1);

/// An image's alt text, caption and credit, checked: alt text present, none too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageTexts {
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
}

impl ImageTexts {
    /// Checks the texts as typed (whitespace is folded; empty ones are none).
    pub fn parse(alt: &str, caption: &str, credit: &str) -> Result<Self, NewsroomError> {
        let alt = text(alt).ok_or(NewsroomError::MissingAlt)?;
        let (caption, credit) = (text(caption), text(credit));
        for t in [Some(&alt), caption.as_ref(), credit.as_ref()]
            .into_iter()
            .flatten()
        {
            if t.chars().count() > MAX_TEXT {
                return Err(NewsroomError::Invalid(DomainError::InvalidName));
            }
        }
        Ok(Self {
            alt,
            caption,
            credit,
        })
    }

    /// `raw` folded and cut to the longest text accepted, for copy from elsewhere.
    pub fn shortened(raw: &str) -> String {
        text(raw)
            .unwrap_or_default()
            .chars()
            .take(MAX_TEXT)
            .collect()
    }
}

/// What the store records of a processed image: enough to name and size its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    /// The content hash naming its files.
    pub hash: String,
    /// Its format.
    pub format: SourceFormat,
    /// Full width in pixels.
    pub width: u32,
    /// Full height in pixels.
    pub height: u32,
    /// Widths of its variants, ascending, without repeats.
    pub widths: Vec<u32>,
}

impl ImageFacts {
    /// The facts of a processed image.
    pub fn of(image: &ProcessedImage) -> Self {
        let mut widths: Vec<u32> = image.variants.iter().map(|v| v.width).collect();
        widths.sort_unstable();
        widths.dedup();
        Self {
            hash: image.hash.clone(),
            format: image.format,
            width: image.width,
            height: image.height,
            widths,
        }
    }

    /// The record of this image described by `texts`, not yet stored (its id is 0).
    pub(crate) fn record(&self, texts: ImageTexts, at: jiff::Timestamp) -> MediaRecord {
        MediaRecord {
            id: 0,
            hash: self.hash.clone(),
            format: self.format.extension().to_owned(),
            width: i64::from(self.width),
            height: i64::from(self.height),
            widths: self
                .widths
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            alt: texts.alt,
            caption: texts.caption,
            credit: texts.credit,
            uploaded_at: at,
            focal_x: FocalPoint::CENTRE.x(),
            focal_y: FocalPoint::CENTRE.y(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FocalPoint;

    #[test]
    fn a_focal_point_lies_within_the_image() {
        assert!(FocalPoint::parse(0, 0).is_ok());
        assert!(FocalPoint::parse(1000, 1000).is_ok());
        assert_eq!(
            FocalPoint::parse(250, 750).map(|p| (p.x(), p.y())).ok(),
            Some((250, 750))
        );
        for (x, y) in [
            (-1, 500),
            (500, -1),
            (1001, 500),
            (500, 1001),
            (i64::MAX, 0),
        ] {
            assert!(FocalPoint::parse(x, y).is_err(), "{x},{y}");
        }
    }
}
