//! My page: overview, orders, points, profile and password changes, withdrawal.

use crate::account::{NextQuery, log_in_member};
use crate::auth::{AuthSession, RequireMember};
use crate::context::Req;
use crate::forms::{checked, form_errors, page, refused_status, see_other, with_status};
use crate::order_views::order_summary_async;
use crate::session::flash;
use crate::state::AppState;
use crate::views::PaginationView;
use crate::views::val;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_core::member::format_mobile;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// `?coupon_code=` keeps a refused code in the register form.
#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    coupon_code: String,
}

/// GET /account
pub async fn show_account(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
    session: Session,
    Query(q): Query<AccountQuery>,
) -> Result<Response, WebError> {
    let row = state.app.active_member(m.id).await?;
    let proof = crate::session::identity_proof(&session).await;
    let identity = context! {
        available => state.app.identity_available().await?,
        verified => state.app.session_identity(proof.as_ref(), Some(m.id)).await?.is_some(),
    };
    let grade = state.app.grade_of(&row).await?;
    let orders = state.app.member_orders(m.id, 1, 5).await?;
    let coupons = state.app.usable_coupons(m.id).await?;
    let mut recent = Vec::new();
    for o in &orders.items {
        recent.push(order_summary_async(&state, &req, o).await);
    }
    let coupons: Vec<_> = coupons
        .iter()
        .map(|c| crate::order_views::coupon_view(&state, &req, c))
        .collect();
    page(&state, &req, "account/home.html", "account.home_title", context! {
        member => context! {
            name => &row.name, email => row.email.as_deref().unwrap_or(""),
            mobile => row.mobile.as_deref().map(format_mobile).unwrap_or_default(),
            grade_name => grade.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
            grade_discount_percent => grade.as_ref().map_or(0.0, |g| g.discount_bp as f64 / 100.0),
            grade_point_percent => grade.as_ref().map_or(0.0, |g| g.point_bp as f64 / 100.0),
            grade_free_shipping => grade.as_ref().is_some_and(|g| g.free_shipping),
            points_balance => row.points_balance,
            joined_at => row.created_at.to_rfc3339(),
        },
        recent_orders => val(recent),
        coupons => val(coupons),
        coupon_code => &q.coupon_code,
        identity => identity,
        recently_viewed => val(crate::wishlist::recent_cards(&state, &session, None).await?),
    }).await
}

/// The coupon register form: `code`.
#[derive(Debug, Deserialize)]
pub struct RegisterCouponFields {
    #[serde(default)]
    code: String,
}

/// POST /account/coupons: registers a unique coupon code (난수 쿠폰) to the member.
pub async fn register_coupon(
    State(state): State<AppState>,
    RequireMember(m): RequireMember,
    session: Session,
    Form(f): Form<RegisterCouponFields>,
) -> Result<Response, WebError> {
    let code = match state.app.register_coupon_code(m.id, &f.code).await {
        Ok(Some(_)) => {
            flash(&session, "success", "account.flash.coupon_registered").await;
            return Ok(see_other("/account#my-coupons"));
        }
        Ok(None) => "coupon_code_unknown",
        Err(AppError::Form(fields)) => fields.first().map_or("coupon_code_unknown", |f| f.1),
        Err(e) => return Err(e.into()),
    };
    flash(&session, "error", &format!("error.input.{code}")).await;
    // Codes are letters, digits and hyphens: only those are kept (nothing to encode).
    let kept: String = f
        .code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    Ok(see_other(&format!(
        "/account?coupon_code={kept}#my-coupons"
    )))
}

/// GET /account/orders
pub async fn list_orders(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let page_no = q.page.unwrap_or(1).max(1);
    let orders = state.app.member_orders(m.id, page_no, 10).await?;
    let mut items = Vec::new();
    for o in &orders.items {
        items.push(order_summary_async(&state, &req, o).await);
    }
    page(&state, &req, "account/orders.html", "account.orders_title", context! {
        orders => val(items),
        pagination => val(PaginationView::new(&orders, |n| format!("/account/orders?page={n}"))),
    }).await
}

/// GET /account/points
pub async fn list_points(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let page_no = q.page.unwrap_or(1).max(1);
    let (balance, entries) = state.app.points_history(m.id, page_no, 20).await?;
    let pages = PaginationView::new(&entries, |n| format!("/account/points?page={n}"));
    let entries: Vec<_> = entries.items.iter().map(|e| context! {
        at => e.created_at.to_rfc3339(), amount => e.amount,
        reason_label => crate::forms::t(&state, &req, &format!("points.reason.{}", e.reason)),
        order_number => &e.order_number, balance_after => e.balance_after,
    }).collect();
    page(
        &state,
        &req,
        "account/points.html",
        "account.points_title",
        context! {
            balance => balance, entries => entries, pagination => val(pages),
            expiring => state.app.expiring_points(m.id).await?.iter().map(|x| context! {
                on => x.on.to_string(), amount => x.amount, noticed => x.noticed,
            }).collect::<Vec<_>>(),
        },
    )
    .await
}

/// Profile form.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    birth_date: String,
    agree_marketing: Option<String>,
}

/// GET /account/profile
pub async fn edit_profile(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
) -> Result<Response, WebError> {
    let row = state.app.active_member(m.id).await?;
    page(
        &state,
        &req,
        "account/profile.html",
        "account.profile_title",
        context! {
            form => context! { name => &row.name, email => row.email.as_deref().unwrap_or(""),
                mobile => row.mobile.as_deref().map(format_mobile).unwrap_or_default(),
                agree_marketing => row.marketing_agreed_at.is_some(), birth_date => &row.birth_date },
            errors => context! {},
        },
    )
    .await
}

/// POST /account/profile
pub async fn update_profile(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    RequireMember(m): RequireMember,
    Form(form): Form<ProfileForm>,
) -> Result<Response, WebError> {
    let marketing = checked(&form.agree_marketing);
    match state.app.update_profile(m.id, &form.name, &form.mobile, marketing, &form.birth_date).await {
        Ok(()) => {
            flash(&session, "success", "flash.profile_saved").await;
            Ok(see_other("/account/profile"))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(page(&state, &req, "account/profile.html", "account.profile_title", context! {
                form => context! { name => &form.name, email => &m.email, mobile => &form.mobile,
                    agree_marketing => marketing, birth_date => &form.birth_date },
                errors => val(errors),
            }).await?, refused_status(&e))),
            None => Err(e.into()),
        },
    }
}

/// Change-password form.
#[derive(Debug, Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// GET /account/password
pub async fn edit_password(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
) -> Result<Response, WebError> {
    let has_password = state.app.member_has_password(m.id).await?;
    page(
        &state,
        &req,
        "account/password.html",
        "account.password_title",
        context! { errors => context! {}, has_password => has_password },
    )
    .await
}

/// POST /account/password
pub async fn update_password(
    State(state): State<AppState>,
    req: Req,
    mut auth: AuthSession,
    session: Session,
    RequireMember(m): RequireMember,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, WebError> {
    match state
        .app
        .change_password(
            m.id,
            &form.current_password,
            &form.password,
            &form.password_confirm,
        )
        .await
    {
        Ok(()) => {
            // The session's auth hash changed with the password: log in again here (other
            // sessions end).
            let row = state.app.active_member(m.id).await?;
            log_in_member(&state, &mut auth, &session, &row).await?;
            flash(&session, "success", "flash.password_changed").await;
            Ok(see_other("/account"))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                page(
                    &state,
                    &req,
                    "account/password.html",
                    "account.password_title",
                    context! { errors => val(errors),
                    has_password => state.app.member_has_password(m.id).await? },
                )
                .await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// Withdrawal form.
#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    password: String,
    confirm: Option<String>,
}

fn withdraw_notes(state: &AppState, req: &Req) -> Vec<String> {
    [
        "account.withdraw_note_erased",
        "account.withdraw_note_orders",
        "account.withdraw_note_points",
    ]
    .iter()
    .map(|k| crate::forms::t(state, req, k))
    .collect()
}

/// GET /account/withdraw
pub async fn new_withdraw(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
) -> Result<Response, WebError> {
    let has_password = state.app.member_has_password(m.id).await?;
    page(
        &state,
        &req,
        "account/withdraw.html",
        "account.withdraw_title",
        context! { errors => context! {}, notes => withdraw_notes(&state, &req), has_password => has_password },
    )
    .await
}

/// POST /account/withdraw
pub async fn create_withdraw(
    State(state): State<AppState>,
    req: Req,
    mut auth: AuthSession,
    session: Session,
    RequireMember(m): RequireMember,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, WebError> {
    let result = if checked(&form.confirm) {
        state.app.withdraw(m.id, &form.password).await
    } else {
        Err(AppError::field("confirm", "consent_required"))
    };
    match result {
        Ok(()) => {
            let _ = auth.logout().await;
            session.flush().await.ok();
            Ok(see_other("/?withdrawn=1"))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                page(
                    &state,
                    &req,
                    "account/withdraw.html",
                    "account.withdraw_title",
                    context! { errors => val(errors), notes => withdraw_notes(&state, &req),
                    has_password => state.app.member_has_password(m.id).await? },
                )
                .await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}
