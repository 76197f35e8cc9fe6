//! Uploading images: checked by decoding, cleaned of metadata, resized, stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, DomainError, Scope, may};
use crate::media::{MediaError, MediaStore, process_unless};
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
        store.put_all(&image).await?;
        let mut widths: Vec<u32> = image.variants.iter().map(|v| v.width).collect();
        widths.sort_unstable();
        widths.dedup();
        let record = MediaRecord {
            id: 0,
            hash: image.hash.clone(),
            format: image.format.extension().to_owned(),
            width: i64::from(image.width),
            height: i64::from(image.height),
            widths: widths
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            alt,
            caption,
            credit,
            uploaded_at: self.clock.now(),
        };
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
        w.commit().await?;
        self.after_commit();
        Ok(MediaRecord { id, ..record })
    }
}
