//! Gateway webhooks: server-to-server notices under `/webhooks/{provider}`, CSRF-exempt and
//! verified by the app (the payment's secret and a lookup at the gateway) before anything moves.

use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use jangteo_app::AppError;

/// POST /webhooks/{provider}: a gateway's notice (deposit or status change). Verified by the
/// app (secret and/or lookup); CSRF-exempt because it is server to server.
pub async fn payment_webhook(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match state
        .app
        .handle_payment_webhook(&provider, &headers, &body)
        .await
    {
        Ok(_) => (StatusCode::OK, "OK").into_response(),
        Err(e) if e.conflict_code().is_some() || matches!(e, AppError::Invalid(_)) => {
            (StatusCode::UNAUTHORIZED, "unverified").into_response()
        }
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, "unknown payment").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "webhook failed");
            // Non-200: the gateway retries later.
            (StatusCode::INTERNAL_SERVER_ERROR, "retry").into_response()
        }
    }
}
