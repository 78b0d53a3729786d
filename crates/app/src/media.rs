//! Media use cases: storing originals and serving thumbnails, generated once and kept in storage.

use crate::{App, AppError, AppResult};
use bytes::Bytes;
use jangteo_core::ids::MediaId;
use jangteo_db::{Tx, media as repo};
use jangteo_media::{MAX_PIXELS, ThumbSize, content_hash, inspect, is_content_hash, thumbnails};
use std::sync::Arc;

/// Pixels per permit of the decode budget.
const PIXELS_PER_PERMIT: u64 = 1_000_000;
/// Permits in the decode budget: one largest accepted image, or many small ones, at a time.
pub(crate) const DECODE_PERMITS: usize = (MAX_PIXELS / PIXELS_PER_PERMIT) as usize;

/// Every thumbnail size of one original, rendered together.
pub(crate) type ThumbSet = Arc<[(ThumbSize, Bytes)]>;

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

/// The form error for an upload that was refused: too large, or not an image we accept.
/// Storage and other failures stay what they are.
pub(crate) fn upload_refusal(field: &'static str, error: AppError) -> AppError {
    match error {
        AppError::Media(jangteo_media::MediaError::TooLarge { .. }) => {
            AppError::field(field, "image_too_large")
        }
        AppError::Media(_) => AppError::field(field, "not_an_image"),
        other => other,
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
            self.now(),
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
        if let Some(bytes) = self.storage.get(&thumb_key(hash, size)).await? {
            return Ok(Some(bytes));
        }
        // Requests for the other sizes of the same original wait for this one render.
        let app = self.clone();
        let owned = hash.to_owned();
        let set = self
            .caches
            .thumb_sets
            .try_get_with(hash.to_owned(), async move {
                app.render_thumbnails(&owned).await
            })
            .await?;
        Ok(set.and_then(|set| {
            set.iter()
                .find(|(s, _)| *s == size)
                .map(|(_, bytes)| bytes.clone())
        }))
    }

    /// Decodes an original once and stores every thumbnail size. `None` when the original is
    /// unknown, missing or no longer accepted (an image stored before a limit was lowered).
    async fn render_thumbnails(&self, hash: &str) -> AppResult<Option<ThumbSet>> {
        let Some(media) = repo::find_by_hash(&self.db, hash).await? else {
            return Ok(None);
        };
        let Some(original) = self.storage.get(&media.storage_key).await? else {
            tracing::warn!(media.hash = hash, media.key = %media.storage_key, "original missing from storage");
            return Ok(None);
        };
        let info = match inspect(&original) {
            Ok(info) => info,
            Err(e) => {
                tracing::warn!(media.hash = hash, error = %e, "original refused for thumbnails");
                return Ok(None);
            }
        };
        // Decodes share one pixel budget, so concurrent requests for large originals queue
        // instead of multiplying the memory a decode needs.
        let pixels = u64::from(info.width) * u64::from(info.height);
        let permits = pixels
            .div_ceil(PIXELS_PER_PERMIT)
            .clamp(1, DECODE_PERMITS as u64);
        let _budget = self
            .decode_budget
            .acquire_many(u32::try_from(permits).unwrap_or(1))
            .await
            .map_err(|e| AppError::Task(e.to_string()))?;
        let started = std::time::Instant::now();
        let rendered = tokio::task::spawn_blocking(move || thumbnails(&original))
            .await
            .map_err(|e| AppError::Task(e.to_string()))?;
        let rendered = match rendered {
            Ok(rendered) => rendered,
            Err(e) => {
                tracing::warn!(media.hash = hash, error = %e, "thumbnails could not be rendered");
                return Ok(None);
            }
        };
        let mut set = Vec::with_capacity(rendered.len());
        for (size, webp) in rendered {
            let webp = Bytes::from(webp);
            self.storage
                .put(&thumb_key(hash, size), webp.clone())
                .await?;
            set.push((size, webp));
        }
        tracing::debug!(
            media.hash = hash,
            duration_ms = started.elapsed().as_millis() as u64,
            "thumbnails generated"
        );
        Ok(Some(set.into()))
    }
}
