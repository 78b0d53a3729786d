//! 쿠폰 › 사용 현황: how every coupon was used over a period, on a page and as a CSV download.

use super::BackOffice;
use crate::forms::{download, t};
use crate::web_error::WebError;
use axum::extract::Query;
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::admin::coupon_report::{CouponReportRow, sheet_name};
use minijinja::{Value, context};
use serde::Deserialize;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
}

fn row_value(r: &CouponReportRow) -> Value {
    context! {
        id => r.id, name => &r.name, code => &r.code, url => format!("/admin/coupons/{}", r.id),
        issued => r.issued, used => r.used, members => r.members, discount => r.discount,
        sales => r.sales, released => r.released,
    }
}

/// GET /admin/coupons/report
pub async fn report(
    office: BackOffice,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let asked = state
        .app
        .coupon_usage_report(&admin.actor, q.from.as_deref(), q.to.as_deref())
        .await;
    // A period that cannot be read shows the default one with the reason.
    let (report, error) = match asked {
        Err(AppError::Form(errors)) => {
            let message = errors
                .first()
                .map(|(_, code)| t(state, req, &format!("error.input.{code}")));
            let default = state
                .app
                .coupon_usage_report(&admin.actor, None, None)
                .await?;
            (default, message)
        }
        other => (other?, None),
    };
    let today = jangteo_core::time::business_date(state.app.now());
    let quick = |key: &str, from: chrono::NaiveDate| {
        context! {
            label => t(state, req, key),
            url => format!("/admin/coupons/report?from={from}&to={today}"),
        }
    };
    let period = report.period;
    office
        .page(
            "admin/coupon_report.html",
            "admin.coupon_report",
            context! {
                from => period.from.to_string(), to => period.to.to_string(), error => error,
                rows => report.rows.iter().map(row_value).collect::<Vec<_>>(),
                totals => row_value(&report.totals),
                download => format!("/admin/coupons/report.csv?from={}&to={}", period.from, period.to),
                quick => vec![
                    quick("admin.stats.last_7_days", today - chrono::Duration::days(6)),
                    quick("admin.stats.last_30_days", today - chrono::Duration::days(29)),
                    quick("admin.stats.this_month", jangteo_core::stats::month_start(today)),
                ],
            },
        )
        .await
}

/// GET /admin/coupons/report.csv
pub async fn sheet(office: BackOffice, Query(q): Query<ReportQuery>) -> Result<Response, WebError> {
    let (period, bytes) = office
        .state
        .app
        .coupon_usage_sheet(&office.admin.actor, q.from.as_deref(), q.to.as_deref())
        .await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &sheet_name(&period),
        bytes,
    ))
}
