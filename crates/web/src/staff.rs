//! Staff credentials for the staff API (HTTP Basic; the back office at `/admin` uses sessions
//! with 2FA) and the message list shared by the back-office outbox and the demo outbox.

use crate::context::Req;
use crate::errors::WebError;
use crate::forms::page;
use crate::router::AppState;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_db::staff::StaffRow;
use minijinja::{Value, context};

/// The realm of the staff API's login prompt.
pub(crate) const BASIC_REALM: &str = "Basic realm=\"jangteo staff\", charset=\"UTF-8\"";

/// The e-mail and password of an `Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

/// The active staff member whose credentials the request carries (`None`: missing or wrong).
pub(crate) async fn staff_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<StaffRow>, AppError> {
    let Some((email, password)) = basic_credentials(headers) else {
        return Ok(None);
    };
    state.app.authenticate_staff(&email, &password).await
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
