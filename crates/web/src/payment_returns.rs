//! The gateways' returns to the shop: the success return carrying the payment key and amount
//! (Toss, the test gateway), the return to an address naming the attempt (KakaoPay with its
//! one-time token, PortOne with `code` when it failed), and the failure return; a refusal tells
//! the buyer why, in the gateway's words for their own attempt.

use crate::auth::AuthSession;
use crate::forms::see_other;
use crate::orders::buyer;
use crate::session::{clear_guest_cart, flash_with_detail, remember_failed_checkout};
use crate::state::AppState;
use crate::web_error::WebError;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_core::Won;
use serde::Deserialize;
use tower_sessions::Session;

/// The order number of a completed return; after a refusal, `None` with the reason flashed —
/// in the gateway's own words when it gave any (a declined card says why).
async fn returned(
    state: &AppState,
    session: &Session,
    attempt: &str,
    completed: Result<String, AppError>,
) -> Result<Option<String>, WebError> {
    let code = match completed {
        Ok(number) => return Ok(Some(number)),
        Err(e) => match e.conflict_code() {
            Some(code) => code,
            None => return Err(e.into()),
        },
    };
    let detail = state.app.payment_failure_message(attempt).await?;
    let key = format!("error.conflict.{code}");
    flash_with_detail(session, "error", &key, detail.as_deref()).await;
    Ok(None)
}

/// The order of the buyer's own attempt (anyone else's attempt: none), remembered so that the
/// checkout the buyer comes back to is filled in as they typed it.
async fn own_failed_order(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    attempt: &str,
) -> Result<Option<String>, WebError> {
    let Some(number) = state.app.order_number_of_attempt(attempt).await? else {
        return Ok(None);
    };
    if buyer(state, auth, session, &number).await.is_err() {
        return Ok(None);
    }
    remember_failed_checkout(session, &number).await;
    Ok(Some(number))
}

/// The gateway's success return.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessQuery {
    payment_key: String,
    order_id: String,
    amount: i64,
}

/// GET /checkout/success
pub async fn payment_success(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Query(q): Query<SuccessQuery>,
) -> Result<Response, WebError> {
    let completed = state
        .app
        .complete_payment(&q.order_id, &q.payment_key, Won(q.amount))
        .await;
    let Some(number) = returned(&state, &session, &q.order_id, completed).await? else {
        own_failed_order(&state, &auth, &session, &q.order_id).await?;
        return Ok(see_other("/checkout?guest=1"));
    };
    if auth.user.is_none() {
        clear_guest_cart(&session).await;
    }
    Ok(see_other(&format!("/orders/{number}/complete")))
}

/// The return to our address naming the attempt: KakaoPay adds `pg_token`; PortOne adds
/// `paymentId`, and `code` and `message` when the payment failed.
#[derive(Debug, Deserialize)]
pub struct ApprovalQuery {
    pg_token: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

/// GET /checkout/approve/{attempt}
pub async fn payment_approved(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(attempt): Path<String>,
    Query(q): Query<ApprovalQuery>,
) -> Result<Response, WebError> {
    if let Some(code) = &q.code {
        let message = q.message.as_deref().unwrap_or("");
        return failed(&state, &auth, &session, Some(&attempt), code, message).await;
    }
    let token = q.pg_token.as_deref().unwrap_or_default();
    let completed = state.app.complete_token_payment(&attempt, token).await;
    let Some(number) = returned(&state, &session, &attempt, completed).await? else {
        own_failed_order(&state, &auth, &session, &attempt).await?;
        return Ok(see_other("/checkout?guest=1"));
    };
    if auth.user.is_none() {
        clear_guest_cart(&session).await;
    }
    Ok(see_other(&format!("/orders/{number}/complete")))
}

/// The gateway's failure return.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailQuery {
    code: Option<String>,
    message: Option<String>,
    order_id: Option<String>,
}

/// GET /checkout/fail
pub async fn payment_fail(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Query(q): Query<FailQuery>,
) -> Result<Response, WebError> {
    let code = q.code.as_deref().unwrap_or("PAY_PROCESS_CANCELED");
    let message = q.message.as_deref().unwrap_or("");
    failed(
        &state,
        &auth,
        &session,
        q.order_id.as_deref(),
        code,
        message,
    )
    .await
}

/// A failed or abandoned payment: the attempt fails with the gateway's words, back to checkout.
async fn failed(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    attempt: Option<&str>,
    code: &str,
    message: &str,
) -> Result<Response, WebError> {
    // Only the buyer who started the payment may end it here; anyone else's link changes
    // nothing (an abandoned payment expires on its own).
    let attempt = match attempt {
        Some(attempt) => own_failed_order(state, auth, session, attempt)
            .await?
            .map(|_| attempt),
        None => None,
    };
    let mut detail = None;
    if let Some(attempt) = attempt {
        match state.app.fail_payment(attempt, code, message).await {
            Ok(_) | Err(AppError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        // Only the buyer's own attempt gets the gateway's words back (no reflected text).
        detail = state.app.payment_failure_message(attempt).await?;
    }
    flash_with_detail(
        session,
        "error",
        "error.conflict.payment_failed",
        detail.as_deref(),
    )
    .await;
    Ok(see_other("/checkout?guest=1"))
}
