//! The staff API (`/api/v1/staff/…`, bearer tokens): every action goes through the same use case
//! as its back-office twin, so the same permission check and audit entry apply to the token's
//! account and role.

use crate::auth::ClientIp;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jangteo_app::AppError;
use jangteo_app::admin::orders::StaffOrderAction;
use jangteo_app::auth::StaffActor;
use jangteo_app::orders::Actor;
use serde::Deserialize;

fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// The JSON answer of a refused or failed action.
fn refused(e: AppError) -> Response {
    if let Some(code) = e.conflict_code() {
        return api_error(
            StatusCode::CONFLICT,
            code,
            "not allowed in the current state",
        );
    }
    match e {
        AppError::NotFound => api_error(StatusCode::NOT_FOUND, "not_found", "not found"),
        AppError::Forbidden => api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the token's role may not do this",
        ),
        AppError::Form(fields) => api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            &fields
                .iter()
                .map(|(f, c)| format!("{f}: {c}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        AppError::Invalid(m) => api_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", &m),
        e if e.is_unavailable() => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database is unavailable; try again shortly",
        ),
        e => {
            tracing::error!(error = %e, "staff API request failed");
            api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
            )
        }
    }
}

/// Who acts: the bearer token's account, with its role, from this address; or the 401 answer.
async fn api_actor(
    state: &AppState,
    headers: &HeaderMap,
    ip: &str,
) -> Result<StaffActor, Response> {
    match crate::staff::staff_from_headers(state, headers).await {
        Ok(Some(staff)) => state.app.actor_of(&staff, ip).map_err(refused),
        Ok(None) => Err((
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, crate::staff::BEARER_REALM)],
            Json(serde_json::json!({ "error": { "code": "unauthorized", "message": "a staff API token is required (Authorization: Bearer jt_…)" } })),
        )
            .into_response()),
        Err(e) => Err(refused(e)),
    }
}

/// The body of a staff order action over the API.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffActionJson {
    carrier: String,
    waybill: String,
    reason: String,
    /// Refund account (`refund-account`): bank code, number, holder.
    bank: String,
    number: String,
    holder: String,
    /// `ship`: the order lines in the parcel (none: every line left to ship).
    lines: Option<Vec<i64>>,
}

/// POST /api/v1/staff/orders/{number}/{action}: `confirm-deposit`, `prepare`, `ship`, `deliver`,
/// `cancel`, `refund-account` — the same changes as the back office's order page.
pub async fn staff_order_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path((number, action)): Path<(String, String)>,
    body: Option<Json<StaffActionJson>>,
) -> Response {
    let actor = match api_actor(&state, &headers, &ip).await {
        Ok(actor) => actor,
        Err(rejection) => return rejection,
    };
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let action = match action.as_str() {
        "confirm-deposit" => StaffOrderAction::ConfirmDeposit,
        "prepare" => StaffOrderAction::Prepare,
        "ship" => StaffOrderAction::Ship {
            carrier: body.carrier,
            waybill: body.waybill,
            lines: body.lines,
        },
        "deliver" => StaffOrderAction::Deliver,
        "cancel" => StaffOrderAction::Cancel {
            reason: body.reason,
        },
        "refund-account" => {
            StaffOrderAction::RefundAccount(jangteo_app::orders::RefundAccountInput {
                bank: body.bank,
                number: body.number,
                holder: body.holder,
            })
        }
        _ => return api_error(StatusCode::NOT_FOUND, "unknown_action", "unknown action"),
    };
    if let Err(e) = state.app.staff_order_action(&actor, &number, action).await {
        return refused(e);
    }
    match state.app.order_for(&number, &Actor::System).await {
        Ok(o) => {
            Json(serde_json::json!({ "number": o.number, "status": o.status })).into_response()
        }
        Err(e) => refused(e),
    }
}

/// A grade assignment.
#[derive(Debug, Deserialize)]
pub struct GradeJson {
    grade: String,
}

/// POST /api/v1/staff/members/{id}/grade: the back office's grade change (members, write).
pub async fn staff_assign_grade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(member_id): Path<i64>,
    Json(body): Json<GradeJson>,
) -> Response {
    let actor = match api_actor(&state, &headers, &ip).await {
        Ok(actor) => actor,
        Err(rejection) => return rejection,
    };
    match state.app.change_grade(&actor, member_id, &body.grade).await {
        Ok(()) => {
            Json(serde_json::json!({ "member": member_id, "grade": body.grade })).into_response()
        }
        Err(e) => refused(e),
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

fn bulk_json(b: &jangteo_app::read_models::BulkSendRow) -> Response {
    Json(serde_json::json!({
        "id": b.id, "name": b.name, "channel": b.channel, "segment": b.segment,
        "status": b.status, "total": b.total, "queued": b.queued,
    }))
    .into_response()
}

/// POST /api/v1/staff/bulk-sends: starts a campaign to consenting members (marketing, write).
pub async fn staff_start_bulk_send(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Json(body): Json<BulkSendJson>,
) -> Response {
    let actor = match api_actor(&state, &headers, &ip).await {
        Ok(actor) => actor,
        Err(rejection) => return rejection,
    };
    let started = state
        .app
        .start_bulk_send(
            &actor,
            &body.name,
            &body.channel,
            &body.segment,
            &body.title,
            &body.body,
        )
        .await;
    match started {
        Ok(id) => match state.app.staff_bulk_send(&actor, id).await {
            Ok(b) => (StatusCode::CREATED, bulk_json(&b)).into_response(),
            Err(e) => refused(e),
        },
        Err(e) => refused(e),
    }
}

/// GET /api/v1/staff/bulk-sends/{id}: a campaign's progress (marketing, read).
pub async fn staff_show_bulk_send(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Response {
    let actor = match api_actor(&state, &headers, &ip).await {
        Ok(actor) => actor,
        Err(rejection) => return rejection,
    };
    match state.app.staff_bulk_send(&actor, id).await {
        Ok(b) => bulk_json(&b),
        Err(e) => refused(e),
    }
}
