//! Back-office members: masked list with search and export, the member page (personal data
//! revealed with a logged reason), points, grade and coupons.

use super::BackOffice;
use crate::context::Req;
use crate::forms::with_status;
use crate::forms::{form_errors, refuse, refused_status, see_other, t};
use crate::session::flash;
use crate::state::AppState;
use crate::views::{PaginationView, encode_component, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use jangteo_app::read_models::{MemberAdminRow, MemberFilter};
use jangteo_core::member::{format_mobile, mask_email, mask_mobile, mask_name};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

/// `?q=&grade=&state=&marketing=&page=&reason=`.
#[derive(Debug, Default, Deserialize)]
pub struct MembersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    state: String,
    marketing: Option<String>,
    page: Option<u32>,
    #[serde(default)]
    reason: String,
}

fn filter_of(q: &MembersQuery) -> MemberFilter {
    MemberFilter {
        keyword: q.q.trim().to_owned(),
        grade: q.grade.clone(),
        state: if matches!(q.state.as_str(), "active" | "dormant" | "withdrawn") {
            q.state.clone()
        } else {
            String::new()
        },
        marketing_only: q.marketing.is_some(),
    }
}

fn state_of(m: &MemberAdminRow) -> &'static str {
    if m.status == "withdrawn" {
        "withdrawn"
    } else if m.dormant_at.is_some() {
        "dormant"
    } else {
        "active"
    }
}

fn member_view(state: &AppState, req: &Req, m: &MemberAdminRow, full: bool) -> Value {
    let mobile = m.mobile.as_deref().unwrap_or("");
    let email = m.email.as_deref().unwrap_or("");
    context! {
        id => m.id, url => format!("/admin/members/{}", m.id),
        name => if full { m.name.clone() } else { mask_name(&m.name) },
        email => if full { email.to_owned() } else if email.is_empty() { String::new() } else { mask_email(email) },
        mobile => if full { format_mobile(mobile) } else if mobile.is_empty() { String::new() } else { mask_mobile(mobile) },
        grade => &m.grade_name, grade_code => &m.grade_code, points => m.points_balance,
        state => state_of(m), state_label => t(state, req, &format!("admin.member_state.{}", state_of(m))),
        marketing_agreed_at => m.marketing_agreed_at.map(|d| d.to_rfc3339()),
        terms_agreed_at => m.terms_agreed_at.to_rfc3339(), privacy_agreed_at => m.privacy_agreed_at.to_rfc3339(),
        last_login_at => m.last_login_at.map(|d| d.to_rfc3339()),
        created_at => m.created_at.to_rfc3339(),
    }
}

/// GET /admin/members
pub async fn list(office: BackOffice, Query(q): Query<MembersQuery>) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let filter = filter_of(&q);
    let list = state
        .app
        .staff_members(&admin.actor, &filter, q.page.unwrap_or(1), 30)
        .await?;
    let params = format!(
        "q={}&grade={}&state={}{}",
        encode_component(&filter.keyword),
        encode_component(&filter.grade),
        filter.state,
        if filter.marketing_only {
            "&marketing=1"
        } else {
            ""
        }
    );
    let pagination = PaginationView::new(&list, |n| format!("/admin/members?{params}&page={n}"));
    let grades = state.app.grades().await?;
    office.page("admin/members.html", "admin.nav.members", context! {
        members => list.items.iter().map(|m| member_view(state, req, m, false)).collect::<Vec<_>>(),
        pagination => val(pagination),
        filter => context! { q => &filter.keyword, grade => &filter.grade, state => &filter.state, marketing => filter.marketing_only },
        grades => grades.iter().map(|g| context! { code => &g.code, name => &g.name }).collect::<Vec<_>>(),
        can_export => admin.actor.can(Area::PersonalData, Access::Read),
        export_action => "/admin/members.csv", export_params => context! {
            q => &filter.keyword, grade => &filter.grade, state => &filter.state, marketing => filter.marketing_only,
        },
    })
    .await
}

/// GET /admin/members.csv?…&reason=… and /admin/members.xlsx?…&reason=…
pub async fn export(
    office: BackOffice,
    uri: axum::http::Uri,
    Query(q): Query<MembersQuery>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    use jangteo_app::sheets::SheetFormat;
    let format = if uri.path().ends_with(".xlsx") {
        SheetFormat::Xlsx
    } else {
        SheetFormat::Csv
    };
    match state
        .app
        .export_members(&admin.actor, &filter_of(&q), &q.reason, format)
        .await
    {
        Ok(bytes) => {
            let name = format!(
                "members-{}.{}",
                jangteo_core::time::business_date(state.app.now()).format("%Y%m%d"),
                format.extension()
            );
            let mime = match format {
                SheetFormat::Csv => "text/csv; charset=utf-8",
                SheetFormat::Xlsx => {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                }
            };
            Ok(crate::forms::download(mime, &name, bytes))
        }
        Err(jangteo_app::AppError::Form(_)) => {
            flash(session, "error", "error.input.reason_required").await;
            Ok(see_other("/admin/members"))
        }
        Err(e) => Err(e.into()),
    }
}

async fn member_page(
    office: &BackOffice,
    id: i64,
    reveal: Option<&str>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let detail = state.app.staff_member(&admin.actor, id, reveal).await?;
    let full = reveal.is_some();
    let grades = state.app.grades().await?;
    let coupons = state.app.issuable_coupons().await?;
    let can_write = admin.actor.can(Area::Members, Access::Write);
    office.page("admin/member.html", "admin.nav.members", context! {
        member => member_view(state, req, &detail.member, full),
        revealed => full,
        can_reveal => admin.actor.can(Area::PersonalData, Access::Read),
        can_write => can_write && detail.member.status == "active",
        orders => detail.orders.iter().map(|o| context! {
            number => &o.number, url => admin.actor.can(Area::Orders, Access::Read).then(|| format!("/admin/orders/{}", o.number)),
            placed_at => o.placed_at.to_rfc3339(), total => o.total.get(),
            status => o.status.as_str(), status_label => crate::order_views::shown_status(state, req, o),
        }).collect::<Vec<_>>(),
        points => detail.points.iter().map(|p| context! {
            at => p.created_at.to_rfc3339(), amount => p.amount, balance => p.balance_after,
            reason => t(state, req, &format!("points.reason.{}", p.reason)), order => &p.order_number,
        }).collect::<Vec<_>>(),
        coupons => detail.coupons.iter().map(|c| context! {
            name => &c.name, issued_at => c.issued_at.to_rfc3339(), valid_until => c.valid_until.to_rfc3339(), uses => c.uses,
        }).collect::<Vec<_>>(),
        grade_history => detail.grades.iter().map(|g| context! {
            from => &g.from_grade, to => &g.to_grade, at => g.created_at.to_rfc3339(),
            source => t(state, req, &format!("admin.grade_source.{}", g.source)), by => &g.changed_by,
        }).collect::<Vec<_>>(),
        grades => grades.iter().map(|g| context! { code => &g.code, name => &g.name }).collect::<Vec<_>>(),
        issuable => coupons.iter().map(|(cid, name)| context! { id => cid, name => name }).collect::<Vec<_>>(),
        login_locked => detail.login_locked,
        errors => errors,
    })
    .await
}

/// GET /admin/members/{id}
pub async fn show(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    member_page(&office, id, None, context! {}).await
}

/// The reveal form.
#[derive(Debug, Default, Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    reason: String,
}

/// POST /admin/members/{id}/reveal: the page with the personal data in full (logged).
pub async fn reveal(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<RevealForm>,
) -> Result<Response, WebError> {
    let BackOffice { state, req, .. } = &office;
    match member_page(&office, id, Some(&form.reason), context! {}).await {
        Err(WebError::Internal(e @ jangteo_app::AppError::Form(_))) => {
            let errors = form_errors(state, req, &e).unwrap_or_default();
            Ok(with_status(
                member_page(&office, id, None, val(errors)).await?,
                refused_status(&e),
            ))
        }
        other => other,
    }
}

/// The change forms (points, grade, coupon).
#[derive(Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    coupon_id: String,
}

async fn after_change(
    office: &BackOffice,
    id: i64,
    result: Result<(), jangteo_app::AppError>,
    done_key: &str,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin: _,
    } = office;
    match result {
        Ok(()) => {
            flash(session, "success", done_key).await;
            Ok(see_other(&format!("/admin/members/{id}")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                member_page(office, id, None, errors)
            })
            .await
        }
    }
}

/// POST /admin/members/{id}/points
pub async fn adjust_points(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let result = match jangteo_core::money::parse_typed_amount(&form.amount)
        .ok()
        .flatten()
        .ok_or(())
    {
        Ok(amount) => {
            state
                .app
                .adjust_points(&admin.actor, id, amount, &form.reason)
                .await
        }
        Err(_) => Err(jangteo_app::AppError::field("amount", "invalid_amount")),
    };
    after_change(&office, id, result, "admin.flash.points_adjusted").await
}

/// POST /admin/members/{id}/unlock: clears the member's failed logins.
pub async fn unlock_login(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let result = state.app.unlock_member_login(&admin.actor, id).await;
    after_change(&office, id, result, "admin.flash.member_unlocked").await
}

/// POST /admin/members/{id}/grade
pub async fn change_grade(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let result = state.app.change_grade(&admin.actor, id, &form.grade).await;
    after_change(&office, id, result, "admin.flash.grade_changed").await
}

/// POST /admin/members/{id}/coupons
pub async fn issue_coupon(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let result = match form.coupon_id.parse::<i64>() {
        Ok(coupon) => state.app.issue_coupon(&admin.actor, id, coupon).await,
        Err(_) => Err(jangteo_app::AppError::field("coupon_id", "required")),
    };
    after_change(&office, id, result, "admin.flash.coupon_issued").await
}
