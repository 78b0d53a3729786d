//! Staff credentials for the staff API (bearer tokens issued in the back office; `/admin` itself
//! uses sessions with 2FA) and the message list shared by the back-office outbox and the demo outbox.

use crate::context::Req;
use crate::forms::page;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::read_models::StaffRow;
use minijinja::{Value, context};

/// The challenge of the staff API's 401 answers.
pub(crate) const BEARER_REALM: &str = "Bearer realm=\"jangteo staff API\"";

/// The active staff member whose API token the request carries (`Authorization: Bearer jt_…`;
/// `None`: missing, unknown or revoked).
pub(crate) async fn staff_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<StaffRow>, AppError> {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    state.app.authenticate_api_token(token).await
}

/// The latest `limit` recorded messages, as templates show them.
pub(crate) async fn outbox_list(state: &AppState, limit: i64) -> Result<Vec<Value>, WebError> {
    let messages = state.app.recent_messages(limit).await?;
    Ok(messages.iter().map(|m| context! {
        id => m.id, at => m.created_at.to_rfc3339(), event => &m.event, channel => &m.channel,
        recipient => &m.recipient, subject => &m.subject, state => &m.state,
        body_text => &m.body_text, body_html => &m.body_html,
    }).collect())
}

/// The demo outbox page (shop layout) with the latest `limit` messages.
pub(crate) async fn outbox_page(
    state: &AppState,
    req: &Req,
    limit: i64,
) -> Result<Response, WebError> {
    let list = outbox_list(state, limit).await?;
    page(
        state,
        req,
        "dev/outbox.html",
        "outbox.title",
        context! { messages => list },
    )
    .await
}
