//! The use-case layer's error type.

use jangteo_db::DbError;
use jangteo_media::MediaError;
use jangteo_providers::storage::StorageError;

/// What a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Database failure.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Image pipeline failure.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// Input the caller must correct (shown to the user).
    #[error("{0}")]
    Invalid(String),
    /// A background task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
    /// Anything else, with context.
    #[error("{0}")]
    Other(String),
}

impl From<std::sync::Arc<AppError>> for AppError {
    fn from(e: std::sync::Arc<AppError>) -> Self {
        // moka shares one initialisation error between waiters; keep its message.
        AppError::Other(e.to_string())
    }
}
