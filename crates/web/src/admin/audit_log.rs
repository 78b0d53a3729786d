//! The audit log page and its CSV export, filtered by staff, action and target.

use super::BackOffice;
use super::pages::ListQuery;
use crate::views::{PaginationView, val};
use crate::web_error::WebError;
use axum::extract::Query;
use axum::response::Response;
use minijinja::context;

fn audit_filter(q: &ListQuery) -> jangteo_app::read_models::AuditFilter {
    jangteo_app::read_models::AuditFilter {
        staff_email: q.staff.clone().unwrap_or_default().trim().to_owned(),
        action_prefix: q.action.clone().unwrap_or_default().trim().to_owned(),
        target_id: q.target.clone().unwrap_or_default().trim().to_owned(),
        ..Default::default()
    }
}

/// GET /admin/audit.csv?staff=…&action=…&target=…
pub async fn audit_export(
    office: BackOffice,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let bytes = state.app.audit_csv(&admin.actor, &audit_filter(&q)).await?;
    let name = format!(
        "audit-{}.csv",
        jangteo_core::time::business_date(state.app.now()).format("%Y%m%d")
    );
    Ok(crate::forms::download(
        "text/csv; charset=utf-8",
        &name,
        bytes,
    ))
}

/// GET /admin/audit?staff=…&action=…&target=…
pub async fn audit(office: BackOffice, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let filter = audit_filter(&q);
    let list = state
        .app
        .audit_log(&admin.actor, &filter, q.page.unwrap_or(1), 50)
        .await?;
    let query = format!(
        "staff={}&action={}&target={}",
        crate::views::encode_component(&filter.staff_email),
        crate::views::encode_component(&filter.action_prefix),
        crate::views::encode_component(&filter.target_id)
    );
    let pagination = PaginationView::new(&list, |n| format!("/admin/audit?{query}&page={n}"));
    office.page("admin/audit.html", "admin.nav.audit", context! {
        filter => context! { staff => &filter.staff_email, action => &filter.action_prefix, target => &filter.target_id },
        entries => list.items.iter().map(|e| context! {
            id => e.id, at => e.at.to_rfc3339(), staff => &e.staff_email, ip => &e.ip, action => &e.action,
            target => format!("{}:{}", e.target_type, e.target_id), before => &e.before_data, after => &e.after_data,
            reason => &e.reason,
        }).collect::<Vec<_>>(),
        pagination => val(pagination),
        export_url => format!("/admin/audit.csv?{query}"),
    })
    .await
}
