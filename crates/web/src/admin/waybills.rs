//! Bulk waybills in the back office: a sheet of (order number, carrier, waybill) checked row by row in a dry run, then applied with a per-row result.

use super::{Admin, admin_page};
use crate::context::Req;
use crate::forms::{refuse, t};
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;
use tower_sessions::Session;

fn waybill_results(
    state: &AppState,
    req: &Req,
    results: &[jangteo_app::admin::order_files::WaybillResult],
) -> Vec<Value> {
    results
        .iter()
        .map(|r| context! {
            line => r.row.line, number => &r.row.number, carrier => &r.row.carrier, waybill => &r.row.waybill,
            ok => r.error.is_none(),
            message => r.error.map(|code| t(state, req, &format!("admin.waybill_error.{code}"))),
        })
        .collect()
}

async fn waybill_page(
    state: &AppState,
    req: &Req,
    session: &Session,
    admin: &Admin,
    extra: Value,
) -> Result<Response, WebError> {
    admin.require(Area::Orders, Access::Write)?;
    admin_page(
        state,
        req,
        session,
        Some(admin),
        "admin/waybills.html",
        "admin.waybills_title",
        extra,
    )
    .await
}

/// GET /admin/orders/waybills
pub async fn waybills(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
) -> Result<Response, WebError> {
    waybill_page(&state, &req, &session, &admin, context! {}).await
}

/// POST /admin/orders/waybills (multipart `file`): the dry run.
pub async fn preview_waybills(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    admin.require(Area::Orders, Access::Write)?;
    let parsed = match crate::forms::uploaded_file(&mut multipart).await? {
        Some((name, bytes)) => jangteo_app::admin::order_files::read_waybill_sheet(&name, &bytes),
        None => Err(jangteo_app::AppError::field("file", "required")),
    };
    let rows = match parsed {
        Ok(rows) => rows,
        Err(e) => {
            return refuse(&state, &req, e, |errors| {
                waybill_page(
                    &state,
                    &req,
                    &session,
                    &admin,
                    context! { errors => errors },
                )
            })
            .await;
        }
    };
    let results = state.app.check_waybills(&admin.actor, &rows).await?;
    let ok = results.iter().filter(|r| r.error.is_none()).count();
    waybill_page(
        &state,
        &req,
        &session,
        &admin,
        context! {
            preview => true, results => waybill_results(&state, &req, &results),
            ok_count => ok, error_count => results.len() - ok,
            rows_json => serde_json::to_string(&rows).unwrap_or_default(),
        },
    )
    .await
}

/// The apply form: the rows of the dry run (checked again before anything is written).
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    rows: String,
}

/// POST /admin/orders/waybills/apply
pub async fn apply_waybills(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    let rows: Vec<jangteo_app::admin::order_files::WaybillRow> =
        serde_json::from_str(&form.rows)
            .map_err(|_| WebError::Internal(jangteo_app::AppError::field("file", "required")))?;
    let results = state.app.apply_waybills(&admin.actor, &rows).await?;
    let ok = results.iter().filter(|r| r.error.is_none()).count();
    waybill_page(
        &state,
        &req,
        &session,
        &admin,
        context! {
            applied => true, results => waybill_results(&state, &req, &results),
            ok_count => ok, error_count => results.len() - ok,
        },
    )
    .await
}
