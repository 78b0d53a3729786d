//! The sheet upload shared by the back office's bulk sheets (waybills, stock and prices): the
//! uploaded .xlsx/.csv is read, every row checked without writing anything (the dry run), and
//! the page shows each row's result with the rows kept for the apply step, which checks them
//! again before writing.

use super::BackOffice;
use crate::context::Req;
use crate::forms::refuse;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::extract::Multipart;
use axum::response::Response;
use jangteo_app::auth::StaffActor;
use jangteo_app::{App, AppError};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// One kind of bulk sheet.
pub(crate) trait Sheet {
    /// A row as read from the file (kept in the page between the dry run and the apply step).
    type Row: Serialize + DeserializeOwned + Send + Sync;
    /// A row's checked result.
    type Checked: Send;
    /// The area whose write permission the sheet needs.
    const AREA: Area;
    /// The page template.
    const TEMPLATE: &'static str;
    /// The page title's message key.
    const TITLE: &'static str;

    /// Reads the rows of an uploaded file.
    fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<Self::Row>, AppError>;

    /// Checks every row without writing anything.
    fn check(
        app: &App,
        actor: &StaffActor,
        rows: &[Self::Row],
    ) -> impl Future<Output = Result<Vec<Self::Checked>, AppError>> + Send;

    /// Whether a checked row has a problem.
    fn failed(result: &Self::Checked) -> bool;

    /// The results as the template shows them.
    fn views(state: &AppState, req: &Req, results: &[Self::Checked]) -> Vec<Value>;
}

/// The sheet's page (the upload form, and whatever `extra` adds).
pub(crate) async fn sheet_page<S: Sheet>(
    office: &BackOffice,
    extra: Value,
) -> Result<Response, WebError> {
    office.admin.require(S::AREA, Access::Write)?;
    office.page(S::TEMPLATE, S::TITLE, extra).await
}

/// The results with their counts, as every sheet page shows them.
pub(crate) fn results_context<S: Sheet>(office: &BackOffice, results: &[S::Checked]) -> Value {
    let errors = results.iter().filter(|r| S::failed(r)).count();
    context! {
        results => S::views(&office.state, &office.req, results),
        row_count => results.len(), ok_count => results.len() - errors, error_count => errors,
    }
}

/// The dry run of an uploaded sheet (multipart `file`): each row's result, and the rows kept in
/// the page for the apply step.
pub(crate) async fn sheet_preview<S: Sheet>(
    office: BackOffice,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    office.admin.require(S::AREA, Access::Write)?;
    let parsed = match crate::forms::uploaded_file(&mut multipart).await? {
        Some((name, bytes)) => S::read(&name, &bytes),
        None => Err(AppError::field("file", "required")),
    };
    let rows = match parsed {
        Ok(rows) => rows,
        Err(e) => {
            return refuse(&office.state, &office.req, e, |errors| {
                sheet_page::<S>(&office, context! { errors => errors })
            })
            .await;
        }
    };
    let results = S::check(&office.state.app, &office.admin.actor, &rows).await?;
    let rows_json = serde_json::to_string(&rows)
        .map_err(|e| WebError::Internal(AppError::Other(format!("keeping the rows: {e}"))))?;
    let extra = context! { preview => true, rows_json => rows_json };
    let shown = results_context::<S>(&office, &results);
    sheet_page::<S>(&office, context! { ..extra, ..shown }).await
}

/// The rows the dry run kept in the page (refused like a missing file when tampered with).
pub(crate) fn kept_rows<S: Sheet>(rows_json: &str) -> Result<Vec<S::Row>, WebError> {
    serde_json::from_str(rows_json)
        .map_err(|_| WebError::Internal(AppError::field("file", "required")))
}
