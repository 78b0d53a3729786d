//! Order pages after checkout: detail, guest lookup, cancel, purchase confirmation, the demo's
//! deposit button; the gateway webhook; the staff order API; the demo outbox.

use crate::auth::{AuthSession, ClientIp};
use crate::checkout::buyer;
use crate::context::Req;
use crate::errors::WebError;
use crate::forms::{form_errors, page, refused_status, see_other, with_status};
use crate::order_views::order_detail;
use crate::router::AppState;
use crate::session::{flash, grant_guest_order};
use crate::views::val;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use bytes::Bytes;
use jangteo_app::AppError;
use jangteo_app::admin_orders::StaffOrderAction;
use jangteo_app::orders::Actor;
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

/// POST /orders/{number}/cancel
pub async fn cancel_order(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    match state.app.cancel_order(&number, &actor, "구매자 취소").await {
        Ok(()) => flash(&session, "success", "flash.order_cancelled").await,
        Err(AppError::Conflict(code)) => {
            flash(&session, "error", &format!("error.conflict.{code}")).await
        }
        Err(e) => return Err(e.into()),
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
    match state.app.confirm_purchase(&number, &actor).await {
        Ok(()) => flash(&session, "success", "flash.purchase_confirmed").await,
        Err(AppError::Conflict(code)) => {
            flash(&session, "error", &format!("error.conflict.{code}")).await
        }
        Err(e) => return Err(e.into()),
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

/// POST /webhooks/{provider}: the gateway's deposit notice. Verified by the app (secret +
/// lookup); CSRF-exempt because it is server to server.
pub async fn payment_webhook(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    body: Bytes,
) -> Response {
    if provider != state.app.gateway.name() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match state.app.handle_payment_webhook(&body).await {
        Ok(_) => (StatusCode::OK, "OK").into_response(),
        Err(AppError::Conflict(_) | AppError::Invalid(_)) => {
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

/// The body of a staff order action over the API.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffActionJson {
    carrier: String,
    waybill: String,
    reason: String,
}

fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// POST /api/v1/staff/orders/{number}/{action}: `confirm-deposit`, `prepare`, `ship`, `deliver`,
/// `cancel` — the same state changes as the back office's order page, with the same permission
/// check and audit entry.
pub async fn staff_order_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path((number, action)): Path<(String, String)>,
    body: Option<Json<StaffActionJson>>,
) -> Response {
    let staff = match staff_login(&state, &headers).await {
        Ok(staff) => staff,
        Err(rejection) => return rejection,
    };
    let actor = match state.app.actor_of(&staff, &ip) {
        Ok(actor) => actor,
        Err(e) => {
            return api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &e.to_string(),
            );
        }
    };
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let action = match action.as_str() {
        "confirm-deposit" => StaffOrderAction::ConfirmDeposit,
        "prepare" => StaffOrderAction::Prepare,
        "ship" => StaffOrderAction::Ship {
            carrier: body.carrier,
            waybill: body.waybill,
        },
        "deliver" => StaffOrderAction::Deliver,
        "cancel" => StaffOrderAction::Cancel {
            reason: body.reason,
        },
        _ => return api_error(StatusCode::NOT_FOUND, "unknown_action", "unknown action"),
    };
    match state.app.staff_order_action(&actor, &number, action).await {
        Ok(()) => match state.app.order_for(&number, &Actor::System).await {
            Ok(o) => {
                Json(serde_json::json!({ "number": o.number, "status": o.status })).into_response()
            }
            Err(_) => api_error(StatusCode::NOT_FOUND, "not_found", "no such order"),
        },
        Err(AppError::NotFound) => api_error(StatusCode::NOT_FOUND, "not_found", "no such order"),
        Err(AppError::Forbidden) => api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "your role may not change orders",
        ),
        Err(AppError::Form(fields)) => api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            &fields
                .iter()
                .map(|(f, c)| format!("{f}: {c}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Err(AppError::Conflict(code)) => api_error(
            StatusCode::CONFLICT,
            code,
            "not allowed in the order's current state",
        ),
        Err(e) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &e.to_string(),
        ),
    }
}

/// A grade assignment.
#[derive(Debug, Deserialize)]
pub struct GradeJson {
    grade: String,
}

/// POST /api/v1/staff/members/{id}/grade: assigns a membership grade by code.
pub async fn staff_assign_grade(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(member_id): Path<i64>,
    Json(body): Json<GradeJson>,
) -> Response {
    if let Err(rejection) = staff_login(&state, &headers).await {
        return rejection;
    }
    match state.app.assign_grade(member_id, &body.grade).await {
        Ok(()) => {
            Json(serde_json::json!({ "member": member_id, "grade": body.grade })).into_response()
        }
        Err(AppError::NotFound) => api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such member or grade",
        ),
        Err(e) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &e.to_string(),
        ),
    }
}

/// A campaign to start.
#[derive(Debug, Deserialize)]
pub struct BulkSendJson {
    name: String,
    #[serde(default = "default_channel")]
    channel: String,
    #[serde(default = "default_segment")]
    segment: String,
    title: String,
    body: String,
}

fn default_channel() -> String {
    "email".into()
}

fn default_segment() -> String {
    "marketing".into()
}

/// The staff member of an API request (bearer token), or the 401/500 JSON answer.
async fn staff_login(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<jangteo_db::staff::StaffRow, Response> {
    match crate::staff::staff_from_headers(state, headers).await {
        Ok(Some(staff)) => Ok(staff),
        Ok(None) => Err((
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, crate::staff::BEARER_REALM)],
            Json(serde_json::json!({ "error": { "code": "unauthorized", "message": "a staff API token is required (Authorization: Bearer jt_…)" } })),
        )
            .into_response()),
        Err(e) => Err(api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", &e.to_string())),
    }
}

fn bulk_json(b: &jangteo_db::bulk::BulkSendRow) -> Response {
    Json(serde_json::json!({
        "id": b.id, "name": b.name, "channel": b.channel, "segment": b.segment,
        "status": b.status, "total": b.total, "queued": b.queued,
    }))
    .into_response()
}

/// POST /api/v1/staff/bulk-sends: starts a campaign to consenting members.
pub async fn staff_start_bulk_send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<BulkSendJson>,
) -> Response {
    if let Err(rejection) = staff_login(&state, &headers).await {
        return rejection;
    }
    match state
        .app
        .start_bulk_send(
            &body.name,
            &body.channel,
            &body.segment,
            &body.title,
            &body.body,
        )
        .await
    {
        Ok(id) => match state.app.bulk_send(id).await {
            Ok(b) => (StatusCode::CREATED, bulk_json(&b)).into_response(),
            Err(e) => api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &e.to_string(),
            ),
        },
        Err(AppError::Invalid(m)) => api_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", &m),
        Err(AppError::Form(_)) => api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "title and body are required",
        ),
        Err(e) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &e.to_string(),
        ),
    }
}

/// GET /api/v1/staff/bulk-sends/{id}: a campaign's progress.
pub async fn staff_show_bulk_send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if let Err(rejection) = staff_login(&state, &headers).await {
        return rejection;
    }
    match state.app.bulk_send(id).await {
        Ok(b) => bulk_json(&b),
        Err(AppError::NotFound) => {
            api_error(StatusCode::NOT_FOUND, "not_found", "no such bulk send")
        }
        Err(e) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &e.to_string(),
        ),
    }
}

/// GET /dev/outbox: the messages the `test` adapters recorded (demo and development only).
pub async fn show_outbox(State(state): State<AppState>, req: Req) -> Result<Response, WebError> {
    if !state.app.outbox_visible() {
        return Err(WebError::NotFound);
    }
    crate::staff::outbox_page(&state, &req, 100).await
}
