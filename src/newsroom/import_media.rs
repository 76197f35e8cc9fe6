//! Images an import brings along: recorded in the import's transaction, with the
//! address they came from, and their files written to the media store only as the
//! import commits, so that a failed or dry run leaves no file behind. (A crash
//! between storing and committing can leave files no record names: harmless, since
//! names are content hashes, and the next import of those images finds them there.)

use std::path::PathBuf;

use super::importing::ImportRun;
use super::media::{ImageFacts, ImageTexts};
use super::{Newsroom, NewsroomError};
use crate::domain::{Action, Scope, may};
use crate::media::MediaError;
use crate::store::{Entity, MediaRecord};

/// An image as an import filed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedImage {
    /// An image imported from the same address before, reused as it is.
    Reused(MediaRecord),
    /// Recorded by this import. When `new_files`, its files are not stored yet: they
    /// go to the media store as the import commits.
    Recorded {
        /// Its record.
        record: MediaRecord,
        /// Whether its files still have to be stored.
        new_files: bool,
    },
}

impl ImportedImage {
    /// Its record.
    pub fn record(&self) -> &MediaRecord {
        match self {
            Self::Reused(record) | Self::Recorded { record, .. } => record,
        }
    }
}

impl Newsroom {
    /// Whether an import stored an image from `source_url` before: such an image need
    /// not be fetched again.
    pub async fn has_imported_image(&self, source_url: &str) -> Result<bool, NewsroomError> {
        Ok(self.store.has_media_source(source_url).await?)
    }
}

impl ImportRun<'_> {
    /// The image imported from `source_url` before, if any.
    pub async fn imported_image(
        &mut self,
        source_url: &str,
    ) -> Result<Option<MediaRecord>, NewsroomError> {
        Ok(self.w.media_by_source(source_url).await?)
    }

    /// Records an image taken from `source_url`, processed as every upload is, in the
    /// import's transaction. An image with the same content already stored is reused
    /// (and this address noted for it); one imported from this address before is
    /// returned as it is.
    pub async fn record_image(
        &mut self,
        source_url: &str,
        facts: &ImageFacts,
        texts: ImageTexts,
    ) -> Result<ImportedImage, NewsroomError> {
        if !may(self.actor.role, Action::Upload, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        if let Some(record) = self.w.media_by_source(source_url).await? {
            return Ok(ImportedImage::Reused(record));
        }
        let record = facts.record(texts, self.newsroom.now());
        let new_files = self.w.media_id_by_hash(&record.hash).await?.is_none();
        let id = self.w.insert_media(&record, self.actor.id).await?;
        self.w.put_media_source(source_url, id).await?;
        if new_files {
            self.w
                .append_change(Entity::Taxonomy, &format!("media:{id}"), "uploaded")
                .await?;
            self.w
                .audit_by(
                    self.actor.by(),
                    "image imported",
                    &format!("media:{id}"),
                    source_url,
                )
                .await?;
        }
        Ok(ImportedImage::Recorded {
            record: MediaRecord { id, ..record },
            new_files,
        })
    }

    /// Stores `files` (a media name and the local file holding it, for the images
    /// [`ImportRun::record_image`] found new) in the media store, then keeps everything
    /// the run wrote. If either fails, the files this call stored are removed again,
    /// so that no file is left that no record names.
    pub async fn commit_with_files(self, files: &[(String, PathBuf)]) -> Result<(), NewsroomError> {
        let newsroom = self.newsroom;
        if files.is_empty() {
            return self.commit().await;
        }
        let Some(store) = newsroom.media.as_deref() else {
            return Err(NewsroomError::Media(MediaError::Encode(
                "no media store is configured".into(),
            )));
        };
        let mut written: Vec<&str> = Vec::new();
        let stored = async {
            for (name, path) in files {
                // A file already there (an identical upload) belongs to someone else.
                if store.contains(name).await? {
                    continue;
                }
                let bytes = tokio::fs::read(path).await.map_err(MediaError::Io)?;
                store.put_named(name, bytes).await?;
                written.push(name);
            }
            Ok::<(), NewsroomError>(())
        }
        .await;
        let result = match stored {
            Ok(()) => self.commit().await,
            Err(e) => Err(e),
        };
        if result.is_err() {
            for name in written {
                if let Err(e) = store.delete(name).await {
                    tracing::warn!(media.name = %name, error = %e, "could not remove media file {name} of a failed import");
                }
            }
        }
        result
    }
}
