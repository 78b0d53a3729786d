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
    /// Form input refused, field by field (`field`, message code).
    #[error("invalid input: {0:?}")]
    Form(Vec<(&'static str, &'static str)>),
    /// Too many failed attempts; try again later.
    #[error("too many attempts")]
    Throttled,
    /// The thing does not exist or is not the caller's.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state (message code for the user).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The staff member's role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The database does not answer; try again shortly.
    #[error("the database is unavailable")]
    Unavailable,
    /// Anything else, with context.
    #[error("{0}")]
    Other(String),
}

impl From<jangteo_core::order::UnknownState> for AppError {
    fn from(e: jangteo_core::order::UnknownState) -> Self {
        // A stored state this binary does not know: data written by a newer version or by hand.
        AppError::Other(e.to_string())
    }
}

impl From<std::sync::Arc<AppError>> for AppError {
    fn from(e: std::sync::Arc<AppError>) -> Self {
        // moka shares one initialisation error between waiters; keep its message.
        AppError::Other(e.to_string())
    }
}

impl AppError {
    /// True when the database could not be reached: the same request may succeed shortly.
    pub fn is_unavailable(&self) -> bool {
        match self {
            AppError::Unavailable => true,
            AppError::Db(e) => e.is_unavailable(),
            _ => false,
        }
    }

    /// One form error.
    pub fn field(field: &'static str, code: &'static str) -> Self {
        AppError::Form(vec![(field, code)])
    }
}
