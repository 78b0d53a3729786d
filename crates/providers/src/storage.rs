//! Object storage for originals and derived files (thumbnails), behind `object_store`'s trait:
//! the local filesystem by default, any S3-compatible store later without touching callers.

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::path::Path;
use std::sync::Arc;

/// Storage errors.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The key is not a safe relative path.
    #[error("invalid storage key: {0}")]
    InvalidKey(String),
    /// The backing store failed.
    #[error("storage backend: {0}")]
    Backend(#[from] object_store::Error),
    /// The local directory could not be prepared.
    #[error("preparing storage directory {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A handle on the shop's object storage, cheap to clone.
#[derive(Debug, Clone)]
pub struct Storage {
    inner: Arc<dyn ObjectStore>,
}

fn key_path(key: &str) -> Result<StorePath, StorageError> {
    let valid = !key.is_empty()
        && !key.starts_with('/')
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_'));
    if !valid {
        return Err(StorageError::InvalidKey(key.to_owned()));
    }
    StorePath::parse(key).map_err(|e| StorageError::InvalidKey(e.to_string()))
}

impl Storage {
    /// Files under a local directory (created when missing).
    pub fn local(dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::Directory {
            path: dir.display().to_string(),
            source,
        })?;
        let fs = LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self {
            inner: Arc::new(fs),
        })
    }

    /// Wraps any `object_store` implementation (S3-compatible, in-memory, …).
    pub fn from_store(store: Arc<dyn ObjectStore>) -> Self {
        Self { inner: store }
    }

    /// Writes `bytes` under `key`, replacing what was there (atomically on the local filesystem).
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.inner
            .put(&key_path(key)?, PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    /// Reads `key`, or `None` when it does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        match self.inner.get(&key_path(key)?).await {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `key` exists.
    pub async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        match self.inner.head(&key_path(key)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unsafe_keys() {
        for bad in [
            "",
            "/etc/passwd",
            "a/../b",
            "a//b",
            "a/./b",
            "a b",
            "thumbs/%2e%2e",
        ] {
            assert!(key_path(bad).is_err(), "{bad}");
        }
        assert!(key_path("originals/ab12.jpg").is_ok());
    }
}
