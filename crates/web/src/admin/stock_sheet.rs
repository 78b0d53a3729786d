//! The stock and price sheet: SKU codes with new stock levels and prices, checked in a dry run
//! and applied all rows or none.

use super::BackOffice;
use super::sheets::{Sheet, kept_rows, results_context, sheet_page, sheet_preview};
use crate::context::Req;
use crate::forms::{t, with_status};
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use jangteo_app::admin::stock::{StockSheetResult, StockSheetRow, read_stock_sheet};
use jangteo_app::auth::StaffActor;
use jangteo_app::{App, AppError};
use jangteo_core::staff::Area;
use minijinja::{Value, context};
use serde::Deserialize;

/// The stock and price sheet.
pub(crate) struct StockSheet;

impl Sheet for StockSheet {
    type Row = StockSheetRow;
    type Checked = StockSheetResult;
    const AREA: Area = Area::Stock;
    const TEMPLATE: &'static str = "admin/stock_import.html";
    const TITLE: &'static str = "admin.stock_import_title";

    fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<StockSheetRow>, AppError> {
        read_stock_sheet(file_name, bytes)
    }

    async fn check(
        app: &App,
        actor: &StaffActor,
        rows: &[StockSheetRow],
    ) -> Result<Vec<StockSheetResult>, AppError> {
        app.check_stock_sheet(actor, rows).await
    }

    fn failed(result: &StockSheetResult) -> bool {
        result.error.is_some()
    }

    fn views(state: &AppState, req: &Req, results: &[StockSheetResult]) -> Vec<Value> {
        results
            .iter()
            .map(|r| {
                context! {
                    line => r.row.line, code => &r.row.code, product => &r.product,
                    stock => r.stock_change.map(|(a, b)| context! { before => a, after => b }),
                    price => r.price_change.map(|(a, b)| context! { before => a, after => b }),
                    ok => r.error.is_none(),
                    message => r.error.map(|code| t(state, req, &format!("admin.stock_error.{code}"))),
                }
            })
            .collect()
    }
}

/// GET /admin/stock/import
pub async fn import_form(office: BackOffice) -> Result<Response, WebError> {
    sheet_page::<StockSheet>(&office, context! {}).await
}

/// POST /admin/stock/import (multipart `file`): the dry run.
pub async fn import_preview(
    office: BackOffice,
    multipart: Multipart,
) -> Result<Response, WebError> {
    sheet_preview::<StockSheet>(office, multipart).await
}

/// The apply form: the rows of the dry run (checked again before anything is written).
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    rows: String,
}

/// POST /admin/stock/import/apply: all rows or none.
pub async fn import_apply(
    office: BackOffice,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    let rows = kept_rows::<StockSheet>(&form.rows)?;
    let (applied, results) = office
        .state
        .app
        .apply_stock_sheet(&office.admin.actor, &rows)
        .await?;
    let shown = results_context::<StockSheet>(&office, &results);
    let extra = context! { applied => applied, preview => !applied, rows_json => form.rows };
    let response = sheet_page::<StockSheet>(&office, context! { ..extra, ..shown }).await?;
    Ok(if applied {
        response
    } else {
        with_status(response, StatusCode::UNPROCESSABLE_ENTITY)
    })
}
