//! Media use cases: storing originals and serving thumbnails, generated once and kept in storage.

use crate::{App, AppError, AppResult};
use bytes::Bytes;
use chrono::Utc;
use jangteo_core::ids::MediaId;
use jangteo_db::{Tx, media as repo};
use jangteo_media::{ThumbSize, content_hash, inspect, is_content_hash, thumbnail};

/// Storage key of a thumbnail.
fn thumb_key(hash: &str, size: ThumbSize) -> String {
    format!("thumbs/{hash}/{}.webp", size.name())
}

/// An original stored in object storage, not yet recorded in the database.
#[derive(Debug, Clone)]
pub struct StoredOriginal {
    hash: String,
    key: String,
    mime: &'static str,
    width: u32,
    height: u32,
    size: usize,
}

impl StoredOriginal {
    /// The content hash (public id).
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

impl App {
    /// Validates an image and writes it to storage under its content hash. Storage is
    /// content-addressed, so this is idempotent; record it with [`App::record_original`] inside
    /// the transaction that uses it.
    pub async fn store_original(&self, bytes: Bytes) -> AppResult<StoredOriginal> {
        let inspected = {
            let bytes = bytes.clone();
            tokio::task::spawn_blocking(move || {
                inspect(&bytes).map(|info| (info, content_hash(&bytes)))
            })
            .await
            .map_err(|e| AppError::Task(e.to_string()))??
        };
        let (info, hash) = inspected;
        let key = format!("originals/{hash}.{}", info.extension);
        if !self.storage.exists(&key).await? {
            self.storage.put(&key, bytes.clone()).await?;
        }
        Ok(StoredOriginal {
            hash,
            key,
            mime: info.mime,
            width: info.width,
            height: info.height,
            size: bytes.len(),
        })
    }

    /// Records a stored original in the database.
    pub async fn record_original(
        &self,
        tx: &mut Tx,
        stored: &StoredOriginal,
    ) -> AppResult<MediaId> {
        Ok(repo::upsert(
            tx,
            &repo::NewMedia {
                content_hash: &stored.hash,
                storage_key: &stored.key,
                mime: stored.mime,
                width: i64::from(stored.width),
                height: i64::from(stored.height),
                byte_size: i64::try_from(stored.size).unwrap_or(i64::MAX),
            },
            Utc::now(),
        )
        .await?)
    }

    /// The WebP thumbnail of a stored original, or `None` when no such original exists.
    /// Generated on first request, then kept in storage and (bounded) in memory; concurrent
    /// first requests for one thumbnail generate it once.
    pub async fn thumbnail(&self, hash: &str, size: ThumbSize) -> AppResult<Option<Bytes>> {
        if !is_content_hash(hash) {
            return Ok(None);
        }
        let key = (hash.to_owned(), size);
        if let Some(hit) = self.caches.thumbnails.get(&key).await {
            return Ok(Some(hit));
        }
        let app = self.clone();
        let hash = hash.to_owned();
        let result = self
            .caches
            .thumbnails
            .try_get_with(key, async move {
                match app.load_or_render_thumbnail(&hash, size).await? {
                    Some(bytes) => Ok(bytes),
                    None => Err(AppError::Invalid("no such image".into())),
                }
            })
            .await;
        match result {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if matches!(*e, AppError::Invalid(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn load_or_render_thumbnail(
        &self,
        hash: &str,
        size: ThumbSize,
    ) -> AppResult<Option<Bytes>> {
        let key = thumb_key(hash, size);
        if let Some(bytes) = self.storage.get(&key).await? {
            return Ok(Some(bytes));
        }
        let Some(media) = repo::find_by_hash(&self.db, hash).await? else {
            return Ok(None);
        };
        let Some(original) = self.storage.get(&media.storage_key).await? else {
            tracing::warn!(media.hash = hash, media.key = %media.storage_key, "original missing from storage");
            return Ok(None);
        };
        let started = std::time::Instant::now();
        let webp = tokio::task::spawn_blocking(move || thumbnail(&original, size))
            .await
            .map_err(|e| AppError::Task(e.to_string()))??;
        let webp = Bytes::from(webp);
        self.storage.put(&key, webp.clone()).await?;
        tracing::debug!(
            media.hash = hash,
            thumb.size = size.name(),
            duration_ms = started.elapsed().as_millis() as u64,
            "thumbnail generated"
        );
        Ok(Some(webp))
    }
}
