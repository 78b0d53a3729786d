//! Back-office stock: the SKU list with adjustments (ledger) and bulk stock/price sheets.

use super::{Admin, admin_page};
use crate::context::Req;
use crate::forms::{refuse, with_status};
use crate::forms::{see_other, t};
use crate::session::flash;
use crate::state::AppState;
use crate::views::{PaginationView, encode_component, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use jangteo_app::admin::stock::{StockSheetResult, StockSheetRow, read_stock_sheet};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;
use tower_sessions::Session;

/// `?q=&low=1&page=&sku=`.
#[derive(Debug, Default, Deserialize)]
pub struct StockQuery {
    #[serde(default)]
    q: String,
    low: Option<String>,
    page: Option<u32>,
    sku: Option<i64>,
}

async fn stock_page(
    state: &AppState,
    req: &Req,
    session: &Session,
    admin: &Admin,
    q: &StockQuery,
    errors: Value,
) -> Result<Response, WebError> {
    let low = q.low.is_some();
    let list = state
        .app
        .stock_list(&admin.actor, &q.q, low, q.page.unwrap_or(1))
        .await?;
    let params = format!(
        "q={}{}",
        encode_component(&q.q),
        if low { "&low=1" } else { "" }
    );
    let pagination = PaginationView::new(&list, |n| format!("/admin/stock?{params}&page={n}"));
    let ledger = match q.sku {
        Some(sku) => state.app.stock_movements(&admin.actor, sku).await?,
        None => Vec::new(),
    };
    admin_page(state, req, session, Some(admin), "admin/stock.html", "admin.nav.stock", context! {
        skus => list.items.iter().map(|s| context! {
            id => s.sku_id, code => &s.code, stock => s.stock, product => &s.product_name,
            product_url => format!("/products/{}", s.product_slug),
            price => s.sale_price.unwrap_or(s.price) + s.extra_price,
            state_label => t(state, req, &format!("admin.display_state.{}", s.display_state)),
            ledger_url => format!("/admin/stock?{params}&sku={}#ledger", s.sku_id),
            selected => q.sku == Some(s.sku_id),
        }).collect::<Vec<_>>(),
        ledger => ledger.iter().map(|m| context! {
            at => m.created_at.to_rfc3339(), delta => m.delta, after => m.stock_after,
            reason => t(state, req, &format!("admin.stock_reason.{}", m.reason)), note => &m.note, by => &m.staff_email,
        }).collect::<Vec<_>>(),
        ledger_sku => q.sku,
        pagination => val(pagination), filter => context! { q => &q.q, low => low },
        can_write => admin.actor.can(Area::Stock, Access::Write),
        errors => errors,
    })
    .await
}

/// GET /admin/stock
pub async fn list(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
    Query(q): Query<StockQuery>,
) -> Result<Response, WebError> {
    stock_page(&state, &req, &session, &admin, &q, context! {}).await
}

/// The adjustment form.
#[derive(Debug, Default, Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    delta: String,
    #[serde(default)]
    note: String,
}

/// POST /admin/stock/{sku}
pub async fn adjust(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
    Path(sku): Path<i64>,
    Form(form): Form<AdjustForm>,
) -> Result<Response, WebError> {
    let result = match jangteo_core::money::parse_typed_amount(&form.delta)
        .ok()
        .flatten()
        .ok_or(())
    {
        Ok(delta) => state
            .app
            .adjust_stock(&admin.actor, sku, delta, &form.note)
            .await
            .map(|_| ()),
        Err(_) => Err(jangteo_app::AppError::field("delta", "invalid_amount")),
    };
    match result {
        Ok(()) => {
            flash(&session, "success", "admin.flash.stock_adjusted").await;
            Ok(see_other(&format!("/admin/stock?sku={sku}#ledger")))
        }
        Err(e) => {
            let q = StockQuery {
                sku: Some(sku),
                ..StockQuery::default()
            };
            refuse(&state, &req, e, |errors| {
                stock_page(&state, &req, &session, &admin, &q, errors)
            })
            .await
        }
    }
}

fn sheet_results(state: &AppState, req: &Req, results: &[StockSheetResult]) -> Vec<Value> {
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

async fn import_page(
    state: &AppState,
    req: &Req,
    session: &Session,
    admin: &Admin,
    extra: Value,
) -> Result<Response, WebError> {
    admin.require(Area::Stock, Access::Write)?;
    admin_page(
        state,
        req,
        session,
        Some(admin),
        "admin/stock_import.html",
        "admin.stock_import_title",
        extra,
    )
    .await
}

/// GET /admin/stock/import
pub async fn import_form(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
) -> Result<Response, WebError> {
    import_page(&state, &req, &session, &admin, context! {}).await
}

/// POST /admin/stock/import (multipart `file`): the dry run.
pub async fn import_preview(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    admin.require(Area::Stock, Access::Write)?;
    let parsed = match crate::forms::uploaded_file(&mut multipart).await? {
        Some((name, bytes)) => read_stock_sheet(&name, &bytes),
        None => Err(jangteo_app::AppError::field("file", "required")),
    };
    let rows = match parsed {
        Ok(rows) => rows,
        Err(e) => {
            return refuse(&state, &req, e, |errors| {
                import_page(
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
    let results = state.app.check_stock_sheet(&admin.actor, &rows).await?;
    let errors = results.iter().filter(|r| r.error.is_some()).count();
    import_page(
        &state,
        &req,
        &session,
        &admin,
        context! {
            preview => true, results => sheet_results(&state, &req, &results),
            error_count => errors, row_count => results.len(),
            rows_json => serde_json::to_string(&rows).unwrap_or_default(),
        },
    )
    .await
}

/// The apply form.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    rows: String,
}

/// POST /admin/stock/import/apply: all rows or none.
pub async fn import_apply(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    admin: Admin,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    let rows: Vec<StockSheetRow> = serde_json::from_str(&form.rows)
        .map_err(|_| WebError::Internal(jangteo_app::AppError::field("file", "required")))?;
    let (applied, results) = state.app.apply_stock_sheet(&admin.actor, &rows).await?;
    let errors = results.iter().filter(|r| r.error.is_some()).count();
    let response = import_page(&state, &req, &session, &admin, context! {
        applied => applied, preview => !applied, results => sheet_results(&state, &req, &results),
        error_count => errors, row_count => results.len(),
        rows_json => form.rows,
    })
    .await?;
    Ok(if applied {
        response
    } else {
        with_status(response, axum::http::StatusCode::UNPROCESSABLE_ENTITY)
    })
}
