//! 결제 대사: a KST day's payments per gateway and method as the shop recorded them, against each
//! gateway's own lookup, with the differences listed (orders, read).

use super::BackOffice;
use crate::forms::t;
use crate::order_views::method_label;
use crate::web_error::WebError;
use axum::extract::Query;
use axum::response::Response;
use chrono::NaiveDate;
use jangteo_core::time::business_date;
use minijinja::context;

/// `?date=YYYY-MM-DD` (default: yesterday, KST).
#[derive(Debug, Default, serde::Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    date: String,
}

/// GET /admin/payments/reconciliation
pub async fn show(office: BackOffice, Query(q): Query<DayQuery>) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let today = business_date(state.app.now());
    let day = NaiveDate::parse_from_str(q.date.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today)
        .unwrap_or_else(|| today.pred_opt().unwrap_or(today));
    let r = state.app.reconcile_payments(&admin.actor, day).await?;
    let provider = |p: &str| t(state, req, &format!("admin.gateway.provider.{p}"));
    let lines: Vec<_> = r.lines.iter().map(|l| context! {
        provider => provider(&l.provider), method => method_label(state, req, l.method.as_str()),
        count => l.count, approved => l.approved.get(), refunded => l.refunded.get(),
        kept => (l.approved - l.refunded).get(),
    }).collect();
    let differences: Vec<_> = r.differences.iter().map(|d| context! {
        number => &d.order_number, provider => provider(&d.provider),
        ours => t(state, req, &format!("payment.status.{}", d.ours.as_str())), ours_balance => d.ours_balance.get(),
        theirs => d.theirs.map(|(s, b)| context! {
            status => t(state, req, &format!("admin.reconciliation.status.{}", s.as_str())), balance => b.get(),
        }),
    }).collect();
    office.page("admin/reconciliation.html", "admin.reconciliation.title", context! {
        date => day.format("%Y-%m-%d").to_string(), today => today.format("%Y-%m-%d").to_string(),
        lines => lines, checked => r.checked, differences => differences,
    })
    .await
}
