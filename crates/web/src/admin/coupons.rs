//! Coupons in the back office (issue 17): the list with how each is used, the editor, stop and
//! resume, and issuing one to a member by e-mail.

use super::BackOffice;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::views::PaginationView;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use chrono::NaiveDate;
use jangteo_app::admin::coupons::{CouponDetail, CouponForm};
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::format_kst;
use minijinja::{Value, context};
use serde::Deserialize;

/// `?page=`
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

/// GET /admin/coupons
pub async fn list(office: BackOffice, Query(q): Query<PageQuery>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let paged = state
        .app
        .admin_coupons(&admin.actor, q.page.unwrap_or(1))
        .await?;
    let pagination = PaginationView::new(&paged, |n| format!("/admin/coupons?page={n}"));
    let now = state.app.now();
    let coupons: Vec<Value> = paged
        .items
        .iter()
        .map(|u| {
            let c = &u.coupon;
            let state_key = match (c.is_active, now < c.valid_from, now >= c.valid_until) {
                (false, _, _) => "stopped",
                (true, true, _) => "scheduled",
                (true, _, true) => "ended",
                _ => "running",
            };
            context! {
                id => c.id, name => &c.name, code => &c.code, url => format!("/admin/coupons/{}", c.id),
                value => value_label(c.kind.as_str(), c.amount, c.rate_bp, c.max_discount),
                period => format!("{} ~ {}", kst_day(c.valid_from), kst_day(c.valid_until - chrono::Duration::days(1))),
                state => state_key, issued => u.issued, used => u.used, discount => u.discount,
            }
        })
        .collect();
    office
        .page(
            "admin/coupons.html",
            "admin.nav.coupons",
            context! {
                coupons => coupons, pagination => crate::views::val(pagination),
                can_write => admin.actor.can(Area::Marketing, Access::Write),
            },
        )
        .await
}

fn kst_day(at: chrono::DateTime<chrono::Utc>) -> String {
    jangteo_core::time::business_date(at).to_string()
}

/// "5,000원" or "10% (최대 3,000원)".
fn value_label(kind: &str, amount: i64, rate_bp: i64, cap: Option<i64>) -> String {
    let won = |n: i64| jangteo_core::Won(n).to_string();
    match (kind, cap) {
        ("percent", Some(cap)) => format!("{}% (최대 {})", rate_bp / 100, won(cap)),
        ("percent", None) => format!("{}%", rate_bp / 100),
        _ => won(amount),
    }
}

/// The form as typed (or as stored), for the editor.
fn form_value(f: &CouponForm) -> Value {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    context! {
        code => &f.code, name => &f.name, kind => &f.kind, amount => &f.amount, percent => &f.percent,
        max_discount => &f.max_discount, min_order => &f.min_order, scope => &f.scope,
        category_ids => &f.category_ids, products => &f.products, excluded => &f.excluded,
        starts_on => date(f.starts_on), ends_on => date(f.ends_on),
        per_member_limit => &f.per_member_limit, issue_on_signup => f.issue_on_signup,
        issue_after_first_purchase => f.issue_after_first_purchase,
        issue_on_birthday => f.issue_on_birthday,
        combines_with_grade => f.combines_with_grade,
    }
}

/// A stored coupon as the form shows it.
fn stored_form(d: &CouponDetail) -> CouponForm {
    let c = &d.usage.coupon;
    let typed = |n: i64| {
        if n == 0 {
            String::new()
        } else {
            jangteo_core::money::group_thousands(n)
        }
    };
    CouponForm {
        code: c.code.clone().unwrap_or_default(),
        name: c.name.clone(),
        kind: c.kind.clone(),
        amount: typed(c.amount),
        percent: if c.rate_bp > 0 {
            (c.rate_bp / 100).to_string()
        } else {
            String::new()
        },
        max_discount: c.max_discount.map(typed).unwrap_or_default(),
        min_order: typed(c.min_order),
        scope: c.scope.clone(),
        category_ids: if c.scope == "categories" {
            c.scope_ids
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect()
        } else {
            Vec::new()
        },
        products: d.product_refs.0.clone(),
        excluded: d.product_refs.1.clone(),
        starts_on: Some(jangteo_core::time::business_date(c.valid_from)),
        ends_on: Some(jangteo_core::time::business_date(
            c.valid_until - chrono::Duration::days(1),
        )),
        per_member_limit: c.per_member_limit.to_string(),
        issue_on_signup: c.issue_on_signup,
        issue_after_first_purchase: c.issue_after_first_purchase,
        issue_on_birthday: c.issue_on_birthday,
        combines_with_grade: c.combines_with_grade,
    }
}

async fn editor(
    office: &BackOffice,
    detail: Option<&CouponDetail>,
    form: &CouponForm,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let tree = state.app.category_tree().await?;
    let categories: Vec<Value> = tree
        .all()
        .iter()
        .map(|c| context! { id => c.id.get(), name => &c.name, depth => tree.path(c.id).len() })
        .collect();
    let id = detail.map(|d| d.usage.coupon.id);
    let usage = detail.map(|d| {
        let redemptions: Vec<Value> = d
            .redemptions
            .iter()
            .map(|r| context! {
                order => &r.order_number, url => format!("/admin/orders/{}", r.order_number),
                email => &r.member_email, amount => r.amount, released => r.released, at => format_kst(r.created_at),
            })
            .collect();
        let c = &d.usage.coupon;
        context! {
            active => c.is_active, issued => d.usage.issued, used => d.usage.used,
            discount => d.usage.discount, redemptions => redemptions,
        }
    });
    let grades: Vec<Value> = state
        .app
        .grades()
        .await?
        .iter()
        .map(|g| context! { id => g.id, name => &g.name })
        .collect();
    let codes = match id {
        Some(id) => Some(state.app.coupon_code_counts(&admin.actor, id).await?),
        None => None,
    };
    office.page("admin/coupon_edit.html", "admin.nav.coupons", context! {
        id => id, form => form_value(form), errors => errors, categories => categories, usage => usage,
        grades => grades, codes => codes.map(|(total, claimed)| context! { total => total, claimed => claimed }),
        action_url => id.map_or_else(|| "/admin/coupons".to_owned(), |id| format!("/admin/coupons/{id}")),
        can_write => admin.actor.can(Area::Marketing, Access::Write),
    })
    .await
}

/// GET /admin/coupons/new: a fixed coupon for the coming month, one use per member.
pub async fn new_coupon(office: BackOffice) -> Result<Response, WebError> {
    office.admin.require(Area::Marketing, Access::Write)?;
    let today = jangteo_core::time::business_date(office.state.app.now());
    let form = CouponForm {
        kind: "fixed".into(),
        scope: "all".into(),
        per_member_limit: "1".into(),
        starts_on: Some(today),
        ends_on: Some(today + chrono::Duration::days(30)),
        combines_with_grade: true,
        ..CouponForm::default()
    };
    editor(&office, None, &form, context! {}).await
}

/// GET /admin/coupons/{id}
pub async fn edit_coupon(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let detail = office
        .state
        .app
        .admin_coupon(&office.admin.actor, id)
        .await?;
    editor(&office, Some(&detail), &stored_form(&detail), context! {}).await
}

/// The editor's fields (categories repeat).
fn parse_form(fields: &[(String, String)]) -> CouponForm {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let date = |name: &str| NaiveDate::parse_from_str(get(name).trim(), "%Y-%m-%d").ok();
    CouponForm {
        code: get("code"),
        name: get("name"),
        kind: get("kind"),
        amount: get("amount"),
        percent: get("percent"),
        max_discount: get("max_discount"),
        min_order: get("min_order"),
        scope: get("scope"),
        category_ids: fields
            .iter()
            .filter(|(k, _)| k == "category_id")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
        products: get("products"),
        excluded: get("excluded"),
        starts_on: date("starts_on"),
        ends_on: date("ends_on"),
        per_member_limit: get("per_member_limit"),
        issue_on_signup: !get("issue_on_signup").is_empty(),
        issue_after_first_purchase: !get("issue_after_first_purchase").is_empty(),
        issue_on_birthday: !get("issue_on_birthday").is_empty(),
        combines_with_grade: !get("combines_with_grade").is_empty(),
    }
}

async fn save(
    office: BackOffice,
    id: Option<i64>,
    fields: &[(String, String)],
) -> Result<Response, WebError> {
    let form = parse_form(fields);
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state.app.save_coupon(&admin.actor, id, &form).await {
        Ok(saved) => {
            flash(session, "success", "admin.flash.saved").await;
            Ok(see_other(&format!("/admin/coupons/{saved}")))
        }
        Err(e) => {
            let detail = match id {
                Some(id) => Some(state.app.admin_coupon(&admin.actor, id).await?),
                None => None,
            };
            refuse(state, req, e, |errors| {
                editor(&office, detail.as_ref(), &form, errors)
            })
            .await
        }
    }
}

/// POST /admin/coupons
pub async fn create(
    office: BackOffice,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    save(office, None, &fields).await
}

/// POST /admin/coupons/{id}
pub async fn update(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    save(office, Some(id), &fields).await
}

/// POST /admin/coupons/{id}/stop and /resume
pub async fn switch(
    office: BackOffice,
    Path((id, to)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let active = super::resume_or_stop(&to)?;
    office
        .state
        .app
        .set_coupon_active(&office.admin.actor, id, active)
        .await?;
    let done = if active {
        "admin.flash.coupon_resumed"
    } else {
        "admin.flash.coupon_stopped"
    };
    flash(&office.session, "success", done).await;
    Ok(see_other(&format!("/admin/coupons/{id}")))
}

/// The issue form: `email`.
#[derive(Debug, Deserialize)]
pub struct IssueFields {
    #[serde(default)]
    email: String,
}

/// POST /admin/coupons/{id}/issue
pub async fn issue(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<IssueFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    let issued = state
        .app
        .issue_coupon_to_email(&admin.actor, id, &fields.email)
        .await;
    match issued {
        Ok(()) => flash(session, "success", "admin.flash.coupon_issued").await,
        Err(jangteo_app::AppError::Form(_)) => {
            flash(session, "error", "admin.coupon_issue_unknown").await
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/admin/coupons/{id}#coupon-issue")))
}

/// The bulk issue form: `segment` = `all`, `marketing` or `grade:{id}`.
#[derive(Debug, Deserialize)]
pub struct SegmentFields {
    #[serde(default)]
    segment: String,
}

/// POST /admin/coupons/{id}/issue-segment
pub async fn issue_segment(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(fields): Form<SegmentFields>,
) -> Result<Response, WebError> {
    use jangteo_app::admin::coupons::Segment;
    let segment = match fields.segment.as_str() {
        "all" => Segment::All,
        "marketing" => Segment::MarketingAgreed,
        other => match other.strip_prefix("grade:").and_then(|g| g.parse().ok()) {
            Some(grade) => Segment::Grade(grade),
            None => return Err(WebError::NotFound),
        },
    };
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let result = state
        .app
        .issue_coupon_to_segment(&admin.actor, id, segment)
        .await;
    if let Some(issued) = crate::forms::flash_conflict(session, result).await? {
        let count = jangteo_core::money::group_thousands(i64::try_from(issued).unwrap_or(i64::MAX));
        let detail =
            crate::forms::t(state, req, "admin.coupon_issued_count").replace("{count}", &count);
        let key = "admin.flash.coupon_issued_to";
        crate::session::flash_with_detail(session, "success", key, Some(&detail)).await;
    }
    Ok(see_other(&format!("/admin/coupons/{id}#coupon-issue")))
}
