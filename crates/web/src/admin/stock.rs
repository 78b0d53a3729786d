//! Back-office stock: the SKU list with adjustments (ledger); the bulk sheet is in
//! `stock_sheet.rs`.

use super::BackOffice;
use crate::forms::refuse;
use crate::forms::{see_other, t};
use crate::session::flash;
use crate::views::{PaginationView, encode_component, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use jangteo_app::admin::stock::StockFilter;
use jangteo_core::digital::ProductKind;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// `?q=&low=1&off=1&page=&sku=`.
#[derive(Debug, Default, Deserialize)]
pub struct StockQuery {
    #[serde(default)]
    q: String,
    low: Option<String>,
    off: Option<String>,
    page: Option<u32>,
    sku: Option<i64>,
}

impl StockQuery {
    /// The list's search as a query string (without page and SKU), kept across adjustments.
    fn params(&self) -> String {
        format!(
            "q={}{}{}",
            encode_component(&self.q),
            if self.low.is_some() { "&low=1" } else { "" },
            if self.off.is_some() { "&off=1" } else { "" },
        )
    }

    /// The list as it was, search and page, as a query string.
    fn list_query(&self) -> String {
        format!("{}&page={}", self.params(), self.page.unwrap_or(1))
    }
}

/// The stock list; `errors` and `typed` (the refused adjustment as typed) after a refusal.
async fn stock_page(
    office: &BackOffice,
    q: &StockQuery,
    errors: Value,
    typed: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let filter = StockFilter {
        keyword: q.q.clone(),
        low_only: q.low.is_some(),
        with_off_sale: q.off.is_some(),
    };
    let list = state
        .app
        .stock_list(&admin.actor, &filter, q.page.unwrap_or(1))
        .await?;
    let params = q.params();
    let list_query = q.list_query();
    let pagination = PaginationView::new(&list, |n| format!("/admin/stock?{params}&page={n}"));
    let ledger = match q.sku {
        Some(sku) => state.app.stock_movements(&admin.actor, sku).await?,
        None => Vec::new(),
    };
    office.page("admin/stock.html", "admin.nav.stock", context! {
        skus => list.items.iter().map(|(s, label)| context! {
            id => s.sku_id, code => &s.code, stock => s.stock, product => &s.product_name,
            option => label, active => s.is_active,
            product_url => format!("/products/{}", s.product_slug),
            price => s.sale_price.unwrap_or(s.price) + s.extra_price,
            state_label => t(state, req, &format!("admin.display_state.{}", s.display_state)),
            ledger_url => format!("/admin/stock?{list_query}&sku={}#ledger", s.sku_id),
            adjust_url => format!("/admin/stock/{}?{list_query}", s.sku_id),
            // A gift card's stock is its PIN pool: counted by uploads, never typed.
            pins_url => (s.product_kind == ProductKind::PinCodes).then(|| format!("/admin/products/{}/pins", s.product_id)),
            selected => q.sku == Some(s.sku_id),
        }).collect::<Vec<_>>(),
        ledger => ledger.iter().map(|m| context! {
            at => m.created_at.to_rfc3339(), delta => m.delta, after => m.stock_after,
            reason => t(state, req, &format!("admin.stock_reason.{}", m.reason)), note => &m.note, by => &m.staff_email,
        }).collect::<Vec<_>>(),
        ledger_sku => q.sku,
        pagination => val(pagination),
        filter => context! { q => &q.q, low => filter.low_only, off => filter.with_off_sale },
        can_write => admin.actor.can(Area::Stock, Access::Write),
        errors => errors, typed => typed,
    })
    .await
}

/// GET /admin/stock
pub async fn list(office: BackOffice, Query(q): Query<StockQuery>) -> Result<Response, WebError> {
    stock_page(&office, &q, context! {}, context! {}).await
}

/// The adjustment form.
#[derive(Debug, Default, Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    delta: String,
    #[serde(default)]
    note: String,
}

/// POST /admin/stock/{sku}?q=&low=&off=&page= (the list to come back to)
pub async fn adjust(
    office: BackOffice,
    Path(sku): Path<i64>,
    Query(back): Query<StockQuery>,
    Form(form): Form<AdjustForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
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
            flash(session, "success", "admin.flash.stock_adjusted").await;
            Ok(see_other(&format!(
                "/admin/stock?{}&sku={sku}#ledger",
                back.list_query()
            )))
        }
        Err(e) => {
            let q = StockQuery {
                sku: Some(sku),
                ..back
            };
            let typed = context! { delta => &form.delta, note => &form.note };
            refuse(state, req, e, |errors| {
                stock_page(&office, &q, errors, typed.clone())
            })
            .await
        }
    }
}
