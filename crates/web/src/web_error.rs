//! One error type for handlers and the bare error responses the error-page renderer
//! (`errors`) fills in.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jangteo_app::AppError;

/// Marks a response whose body the error renderer should replace.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The thing asked for does not exist (or must not be seen).
    #[error("not found")]
    NotFound,
    /// The body went over the configured limit while being read (a chunked upload).
    #[error("request body too large")]
    TooLarge,
    /// A failure of ours: logged with its cause chain, shown as a generic 500.
    #[error(transparent)]
    Internal(#[from] AppError),
    /// A template failed to render.
    #[error("rendering {template}: {source}")]
    Template {
        /// Template name.
        template: String,
        /// The minijinja error.
        #[source]
        source: minijinja::Error,
    },
}

pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// An empty response with `status` that the renderer will fill.
pub fn marked(status: StatusCode) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorPage);
    response
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::NotFound | WebError::Internal(AppError::NotFound) => {
                marked(StatusCode::NOT_FOUND)
            }
            WebError::TooLarge => marked(StatusCode::PAYLOAD_TOO_LARGE),
            WebError::Internal(AppError::Throttled) => marked(StatusCode::TOO_MANY_REQUESTS),
            WebError::Internal(AppError::Forbidden) => marked(StatusCode::FORBIDDEN),
            WebError::Internal(e) if e.conflict_code().is_some() => marked(StatusCode::CONFLICT),
            WebError::Internal(AppError::Form(_) | AppError::Invalid(_)) => {
                marked(StatusCode::UNPROCESSABLE_ENTITY)
            }
            WebError::Internal(e) if e.is_unavailable() => {
                tracing::warn!(error = %error_chain(&self), "database unavailable");
                try_again_shortly()
            }
            WebError::Internal(_) | WebError::Template { .. } => {
                tracing::error!(error = %error_chain(&self), "request failed");
                marked(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// Seconds a client is asked to wait before trying again.
const RETRY_AFTER_SECONDS: &str = "30";

/// The 503 answer (the error renderer fills in the page).
pub fn try_again_shortly() -> Response {
    let mut response = marked(StatusCode::SERVICE_UNAVAILABLE);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    response
}
