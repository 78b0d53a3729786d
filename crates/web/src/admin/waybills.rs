//! Bulk waybills in the back office: a sheet of (order number, carrier, waybill) checked row by
//! row in a dry run, then applied with a per-row result (rows with a problem are left out).

use super::BackOffice;
use super::sheets::{Sheet, kept_rows, results_context, sheet_page, sheet_preview};
use crate::context::Req;
use crate::forms::t;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Multipart;
use axum::response::Response;
use jangteo_app::admin::order_files::{WaybillResult, WaybillRow, read_waybill_sheet};
use jangteo_app::auth::StaffActor;
use jangteo_app::{App, AppError};
use jangteo_core::staff::Area;
use minijinja::{Value, context};
use serde::Deserialize;

/// The waybill sheet.
pub(crate) struct Waybills;

impl Sheet for Waybills {
    type Row = WaybillRow;
    type Checked = WaybillResult;
    const AREA: Area = Area::Orders;
    const TEMPLATE: &'static str = "admin/waybills.html";
    const TITLE: &'static str = "admin.waybills_title";

    fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<WaybillRow>, AppError> {
        read_waybill_sheet(file_name, bytes)
    }

    async fn check(
        app: &App,
        actor: &StaffActor,
        rows: &[WaybillRow],
    ) -> Result<Vec<WaybillResult>, AppError> {
        app.check_waybills(actor, rows).await
    }

    fn failed(result: &WaybillResult) -> bool {
        result.error.is_some()
    }

    fn views(state: &AppState, req: &Req, results: &[WaybillResult]) -> Vec<Value> {
        results
            .iter()
            .map(|r| context! {
                line => r.row.line, number => &r.row.number, carrier => &r.row.carrier, waybill => &r.row.waybill,
                ok => r.error.is_none(),
                message => r.error.map(|code| t(state, req, &format!("admin.waybill_error.{code}"))),
            })
            .collect()
    }
}

/// GET /admin/orders/waybills
pub async fn waybills(office: BackOffice) -> Result<Response, WebError> {
    sheet_page::<Waybills>(&office, context! {}).await
}

/// POST /admin/orders/waybills (multipart `file`): the dry run.
pub async fn preview_waybills(
    office: BackOffice,
    multipart: Multipart,
) -> Result<Response, WebError> {
    sheet_preview::<Waybills>(office, multipart).await
}

/// The apply form: the rows of the dry run (checked again before anything is written).
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    rows: String,
}

/// POST /admin/orders/waybills/apply
pub async fn apply_waybills(
    office: BackOffice,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    let rows = kept_rows::<Waybills>(&form.rows)?;
    let results = office
        .state
        .app
        .apply_waybills(&office.admin.actor, &rows)
        .await?;
    let shown = results_context::<Waybills>(&office, &results);
    sheet_page::<Waybills>(&office, context! { applied => true, ..shown }).await
}
