//! Uploading images: checked by decoding, cleaned of metadata, resized, stored.

use jiff::Timestamp;

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, DomainError, Scope, may};
use crate::media::{MediaError, MediaStore, process};
use crate::store::{Entity, MediaRecord};

/// Longest alt text, caption or credit accepted, in characters.
const MAX_TEXT: usize = 500;

fn text(raw: &str) -> Option<String> {
    let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

impl Newsroom {
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
        // Decoding and resizing are CPU work: keep them off the async threads.
        let image = tokio::task::spawn_blocking(move || process(&bytes, &limits))
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
            uploaded_at: Timestamp::now(),
        };
        let mut w = self.store.begin().await?;
        let id = w.insert_media(&record, actor.id).await?;
        w.append_change(Entity::Taxonomy, &format!("media:{id}"), "uploaded")
            .await?;
        w.audit(
            Some(actor.id),
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
