//! The use-case layer's error type.

use jangteo_core::order::IllegalTransition;
use jangteo_db::DbError;
use jangteo_media::MediaError;
use jangteo_providers::payments::PaymentError;
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
    /// A move the order, payment or claim cannot make now: a conflict like [`AppError::Conflict`]
    /// (message `code`) that keeps the refused move.
    #[error("conflict: {code}")]
    Refused {
        /// Message code for the user.
        code: &'static str,
        /// The refused move.
        #[source]
        refused: IllegalTransition,
    },
    /// The staff member's role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The database does not answer; try again shortly.
    #[error("the database is unavailable")]
    Unavailable,
    /// The payment gateway failed while the shop was `doing` something (its error kept).
    #[error("payment gateway failed {doing}")]
    Gateway {
        /// What the shop asked of it.
        doing: &'static str,
        /// The gateway's error.
        #[source]
        source: PaymentError,
    },
    /// Writing an export in `format` (CSV, xlsx) failed.
    #[error("writing {format}")]
    Export {
        /// The file format.
        format: &'static str,
        /// The writer's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A job's payload could not be encoded for the queue.
    #[error("encoding a {kind} job")]
    JobPayload {
        /// The job's kind.
        kind: &'static str,
        /// The encoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// A stored value this binary does not know: data written by a newer version or by hand.
    #[error("unknown stored value")]
    UnknownStored(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else, with context.
    #[error("{0}")]
    Other(String),
}

impl From<jangteo_core::order::UnknownState> for AppError {
    fn from(e: jangteo_core::order::UnknownState) -> Self {
        AppError::UnknownStored(Box::new(e))
    }
}

impl From<jangteo_core::claims::UnknownClaimValue> for AppError {
    fn from(e: jangteo_core::claims::UnknownClaimValue) -> Self {
        AppError::UnknownStored(Box::new(e))
    }
}

impl From<std::sync::Arc<AppError>> for AppError {
    fn from(e: std::sync::Arc<AppError>) -> Self {
        // moka shares one initialisation error between waiters; keep its message.
        AppError::Other(e.to_string())
    }
}

impl AppError {
    /// The message code of a conflict, a refused move included: the one rule by which every way
    /// in (pages, staff API, webhooks) tells "not possible in the current state".
    pub fn conflict_code(&self) -> Option<&'static str> {
        match self {
            AppError::Conflict(code) | AppError::Refused { code, .. } => Some(code),
            // The gateway said no (nothing changed here): the person is told, not shown a 500.
            AppError::Gateway {
                source: PaymentError::Rejected { .. },
                ..
            } => Some("gateway_refused"),
            _ => None,
        }
    }

    /// True when the database could not be reached: the same request may succeed shortly.
    pub fn is_unavailable(&self) -> bool {
        match self {
            AppError::Unavailable => true,
            AppError::Db(e) => e.is_unavailable(),
            _ => false,
        }
    }

    /// Maps a gateway error met while `doing` something, keeping it as the cause.
    pub fn gateway(doing: &'static str) -> impl Fn(PaymentError) -> AppError + Copy {
        move |source| AppError::Gateway { doing, source }
    }

    /// Maps a writer's error met while writing `format`, keeping it as the cause.
    pub fn export<E>(format: &'static str) -> impl Fn(E) -> AppError + Copy
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        move |e| AppError::Export {
            format,
            source: Box::new(e),
        }
    }

    /// One form error.
    pub fn field(field: &'static str, code: &'static str) -> Self {
        AppError::Form(vec![(field, code)])
    }
}
