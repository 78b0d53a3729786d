//! Order pages after checkout: detail, guest lookup, cancel, purchase confirmation, the demo's
//! deposit button; the demo outbox.

use crate::auth::{AuthSession, ClientIp};
use crate::context::Req;
use crate::forms::{flash_conflict, form_errors, page, refused_status, see_other, with_status};
use crate::order_views::order_detail;
use crate::session::{flash, grant_guest_order, has_guest_order, identity_proof};
use crate::state::AppState;
use crate::views::{encode_component, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::orders::Actor;
use jangteo_app::pins_reveal::RevealProof;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// GET /orders/{number}
pub async fn show_order(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let order = state.app.order_for(&number, &actor).await?;
    let detail = order_detail(&state, &req, &order).await?;
    page(
        &state,
        &req,
        "orders/detail.html",
        "order.detail_title",
        context! { order => detail },
    )
    .await
}

/// The re-authentication that shows a gift-card order's PINs: the password, or (`by` =
/// `identity`) this session's fresh 본인인증.
#[derive(Debug, Default, Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    by: String,
}

/// POST /orders/{number}/pins: the order page with its PINs shown (never stored in the page's
/// session, so a reload hides them again).
pub async fn reveal_pins(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    ClientIp(ip): ClientIp,
    Path(number): Path<String>,
    Form(form): Form<RevealForm>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let identity = identity_proof(&session).await;
    let proof = if form.by == "identity" {
        RevealProof::Identity(identity.as_ref(), auth.user.as_ref().map(|m| m.id))
    } else {
        RevealProof::Password(&form.password)
    };
    let shown = state.app.reveal_pins(&number, &actor, proof, &ip).await;
    let verify_first = match &shown {
        Err(AppError::Conflict("identity_required")) => Some(("info", "reveal_identity_required")),
        Err(AppError::Conflict("reveal_identity_mismatch")) => {
            Some(("error", "reveal_identity_mismatch"))
        }
        _ => None,
    };
    if let Some((kind, code)) = verify_first {
        // A new verification (even when the session has an older one), then back to the PINs.
        flash(&session, kind, &format!("error.conflict.{code}")).await;
        let back = encode_component(&format!("/orders/{number}#pins"));
        return Ok(see_other(&format!("/identity?again=1&next={back}")));
    }
    let order = state.app.order_for(&number, &actor).await?;
    let detail = order_detail(&state, &req, &order).await?;
    let (pins, errors) = match shown {
        Ok(pins) => (pins, context! {}),
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => (Vec::new(), crate::views::val(errors)),
            None => return Err(e.into()),
        },
    };
    let revealed: Vec<_> = pins
        .iter()
        .map(|p| context! { product_name => &p.product_name, pin => &p.pin, serial => &p.serial, expires_on => &p.expires_on })
        .collect();
    let refused = revealed.is_empty();
    let response = page(
        &state,
        &req,
        "orders/detail.html",
        "order.detail_title",
        context! { order => detail, revealed_pins => revealed, pin_errors => errors },
    )
    .await?;
    Ok(if refused {
        with_status(response, axum::http::StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        response
    })
}

/// POST /orders/{number}/pins/notice: the gift-card notice again (a few times per order).
pub async fn resend_pin_notice(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let order = state.app.order_for(&number, &actor).await?;
    let sent = state.app.resend_codes_notice(&order).await;
    if flash_conflict(&session, sent).await?.is_some() {
        flash(&session, "success", "flash.pin_notice_sent").await;
    }
    Ok(see_other(&format!("/orders/{number}#pins")))
}

/// POST /orders/{number}/cancel
pub async fn cancel_order(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let cancelled = state.app.cancel_order(&number, &actor, "구매자 취소").await;
    if flash_conflict(&session, cancelled).await?.is_some() {
        flash(&session, "success", "flash.order_cancelled").await;
    }
    Ok(see_other(&format!("/orders/{number}")))
}

/// POST /orders/{number}/confirm
pub async fn confirm_order(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let confirmed = state.app.confirm_purchase(&number, &actor).await;
    // Only points actually granted are announced (a guest or a fully refunded line earns none).
    match flash_conflict(&session, confirmed).await? {
        Some(points) if points > 0 => {
            flash(&session, "success", "flash.purchase_confirmed_points").await;
        }
        Some(_) => flash(&session, "success", "flash.purchase_confirmed").await,
        None => {}
    }
    Ok(see_other(&format!("/orders/{number}")))
}

/// Guest lookup form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookupForm {
    number: String,
    mobile: String,
    password: String,
}

/// GET /orders/lookup
pub async fn new_lookup(State(state): State<AppState>, req: Req) -> Result<Response, WebError> {
    page(
        &state,
        &req,
        "orders/lookup.html",
        "order.lookup_title",
        context! { form => context! {}, errors => context! {} },
    )
    .await
}

/// POST /orders/lookup
pub async fn create_lookup(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<LookupForm>,
) -> Result<Response, WebError> {
    match state.app.guest_lookup(&form.number, &form.mobile, &form.password, &ip).await {
        Ok(number) => {
            grant_guest_order(&session, &number).await;
            Ok(see_other(&format!("/orders/{number}")))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                page(&state, &req, "orders/lookup.html", "order.lookup_title", context! {
                    form => context! { number => &form.number, mobile => &form.mobile }, errors => val(errors),
                }).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// POST /payments/test/deposit/{number}: the demo's "deposit" button (test gateway only).
pub async fn simulate_deposit(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    buyer(&state, &auth, &session, &number).await?;
    if state.app.test_gateway_deposit(&number).await? {
        flash(&session, "success", "flash.deposit_received").await;
    }
    Ok(see_other(&format!("/orders/{number}")))
}

/// GET /dev/outbox: the messages the `test` adapters recorded (demo and development only).
pub async fn show_outbox(State(state): State<AppState>, req: Req) -> Result<Response, WebError> {
    if !state.app.outbox_visible() {
        return Err(WebError::NotFound);
    }
    crate::staff::outbox_page(&state, &req, 100).await
}

/// Whether this visitor may act on the order as its buyer.
pub async fn buyer(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    number: &str,
) -> Result<Actor, WebError> {
    if let Some(m) = &auth.user
        && state
            .app
            .order_for(number, &Actor::Member(m.id))
            .await
            .is_ok()
    {
        return Ok(Actor::Member(m.id));
    }
    if has_guest_order(session, number).await
        && state.app.order_for(number, &Actor::Guest).await.is_ok()
    {
        return Ok(Actor::Guest);
    }
    Err(WebError::NotFound)
}

/// POST /orders/{number}/refund-account: the buyer names the account; a refusal shows the order
/// page again with what was typed and each field's message.
pub async fn save_refund_account(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
    Form(form): Form<crate::refund_account_view::RefundAccountForm>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let saved = state
        .app
        .save_refund_account(&number, &actor, &form.input())
        .await;
    let Err(e) = saved else {
        flash(&session, "success", "order.refund_account_saved").await;
        return Ok(see_other(&format!("/orders/{number}#refund-account")));
    };
    let Some(errors) = form_errors(&state, &req, &e) else {
        return Err(e.into());
    };
    let order = state.app.order_for(&number, &actor).await?;
    let detail = order_detail(&state, &req, &order).await?;
    let typed = context! {
        refund_bank => &form.refund_bank, refund_number => &form.refund_number,
        refund_holder => &form.refund_holder,
    };
    let page = page(
        &state,
        &req,
        "orders/detail.html",
        "order.detail_title",
        context! {
            order => detail, refund_form => typed, refund_errors => val(&errors),
        },
    )
    .await?;
    Ok(with_status(page, refused_status(&e)))
}
