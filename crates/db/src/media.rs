//! Stored media files (originals; thumbnails are derived and live only in storage).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::MediaId;

/// A stored original.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MediaRow {
    /// Primary key.
    pub id: i64,
    /// Content hash (public id, part of every image URL).
    pub content_hash: String,
    /// Key of the original in object storage.
    pub storage_key: String,
    /// MIME type of the original.
    pub mime: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
}

/// A media file to record.
#[derive(Debug, Clone)]
pub struct NewMedia<'a> {
    /// Content hash.
    pub content_hash: &'a str,
    /// Object-storage key of the original.
    pub storage_key: &'a str,
    /// MIME type.
    pub mime: &'a str,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Size of the original in bytes.
    pub byte_size: i64,
}

/// Records a media file; the same content recorded twice yields the same id.
pub async fn upsert(tx: &mut Tx, new: &NewMedia<'_>, now: DateTime<Utc>) -> DbResult<MediaId> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO media_files (content_hash, storage_key, mime, width, height, byte_size, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (content_hash) DO UPDATE SET storage_key = excluded.storage_key
         RETURNING id",
        new.content_hash,
        new.storage_key,
        new.mime,
        new.width,
        new.height,
        new.byte_size,
        now
    )
    .context("recording media file")
    .map(MediaId)
}

/// A media file by content hash.
pub async fn find_by_hash(db: &Db, hash: &str) -> DbResult<Option<MediaRow>> {
    read_optional!(
        db,
        MediaRow,
        "SELECT id, content_hash, storage_key, mime, width, height FROM media_files WHERE content_hash = $1",
        hash
    )
    .context("loading media file")
}
