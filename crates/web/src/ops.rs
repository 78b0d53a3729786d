//! Health endpoints for load balancers and orchestrators.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// `GET /healthz`: the process is up.
pub async fn healthz() -> Response {
    Json(serde_json::json!({ "status": "ok" })).into_response()
}

/// `GET /readyz`: the database answers within a second (503 otherwise, so traffic goes
/// elsewhere).
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.database_ready().await {
        true => Json(serde_json::json!({ "status": "ready" })).into_response(),
        false => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable" })),
        )
            .into_response(),
    }
}
