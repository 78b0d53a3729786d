//! Member pages: sign-up, login/logout, password reset, my page, profile, password, withdrawal,
//! address book, points.

use crate::auth::{AuthSession, ClientIp, Member, RequireMember, safe_next};
use crate::context::Req;
use crate::errors::WebError;
use crate::forms::{checked, form_errors, page, refused_status, see_other, with_status};
use crate::order_views::order_summary_async;
use crate::router::AppState;
use crate::session::{clear_guest_cart, flash, guest_cart};
use crate::views::PaginationView;
use crate::views::val;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::members::{AddressInput, SignupInput};
use jangteo_core::member::format_mobile;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// `?next=…`.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    page: Option<u32>,
}

/// Sign-up form.
#[derive(Debug, Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    mobile: String,
    confirm_age: Option<String>,
    agree_terms: Option<String>,
    agree_privacy: Option<String>,
    agree_marketing: Option<String>,
    next: Option<String>,
}

async fn cms_url(state: &AppState, slug: &str) -> Option<String> {
    state
        .app
        .page(slug)
        .await
        .ok()
        .flatten()
        .map(|_| format!("/pages/{slug}"))
}

async fn signup_page(
    state: &AppState,
    req: &Req,
    form: &SignupForm,
    errors: minijinja::Value,
) -> Result<Response, WebError> {
    page(
        state,
        req,
        "account/signup.html",
        "account.signup_title",
        context! {
            form => context! { email => &form.email, name => &form.name, mobile => &form.mobile,
                confirm_age => checked(&form.confirm_age),
                agree_terms => checked(&form.agree_terms), agree_privacy => checked(&form.agree_privacy),
                agree_marketing => checked(&form.agree_marketing) },
            errors => errors,
            terms_url => cms_url(state, "terms").await,
            // Generated from the shop's configuration: always there.
            privacy_url => "/pages/privacy",
            next => form.next.as_deref().unwrap_or(""),
        },
    )
    .await
}

/// GET /account/signup
pub async fn new_signup(
    State(state): State<AppState>,
    req: Req,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let form = SignupForm {
        email: String::new(),
        password: String::new(),
        password_confirm: String::new(),
        name: String::new(),
        mobile: String::new(),
        confirm_age: None,
        agree_terms: None,
        agree_privacy: None,
        agree_marketing: None,
        next: q.next,
    };
    signup_page(&state, &req, &form, context! {}).await
}

/// POST /account/signup
pub async fn create_signup(
    State(state): State<AppState>,
    req: Req,
    mut auth: AuthSession,
    session: Session,
    Form(form): Form<SignupForm>,
) -> Result<Response, WebError> {
    let input = SignupInput {
        email: form.email.clone(),
        password: form.password.clone(),
        password_confirm: form.password_confirm.clone(),
        name: form.name.clone(),
        mobile: form.mobile.clone(),
        confirm_age: checked(&form.confirm_age),
        agree_terms: checked(&form.agree_terms),
        agree_privacy: checked(&form.agree_privacy),
        agree_marketing: checked(&form.agree_marketing),
    };
    match state.app.sign_up(input).await {
        Ok(member) => {
            log_in_member(&state, &mut auth, &session, &member).await?;
            flash(&session, "success", "flash.signed_up").await;
            Ok(see_other(safe_next(form.next.as_deref())))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                signup_page(&state, &req, &form, val(errors)).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// Logs the member into this session (a new session id: no fixation) and merges the guest cart.
async fn log_in_member(
    state: &AppState,
    auth: &mut AuthSession,
    session: &Session,
    row: &jangteo_db::members::MemberRow,
) -> Result<(), WebError> {
    let guest = guest_cart(session).await;
    auth.login(&Member::from_row(row))
        .await
        .map_err(|e| WebError::Internal(AppError::Other(format!("login session: {e}"))))?;
    if !guest.is_empty() {
        state.app.merge_guest_cart(row.id, &guest).await?;
        clear_guest_cart(session).await;
    }
    Ok(())
}

/// Login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login_page(
    state: &AppState,
    req: &Req,
    email: &str,
    next: &str,
    errors: minijinja::Value,
) -> Result<Response, WebError> {
    let guest_checkout = next.starts_with("/checkout").then_some("/checkout?guest=1");
    page(
        state,
        req,
        "account/login.html",
        "account.login_title",
        context! { form => context! { email => email }, errors => errors, next => next, guest_checkout_url => guest_checkout },
    )
    .await
}

/// GET /account/login
pub async fn new_login(
    State(state): State<AppState>,
    req: Req,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    login_page(
        &state,
        &req,
        "",
        q.next.as_deref().unwrap_or(""),
        context! {},
    )
    .await
}

/// POST /account/login
pub async fn create_login(
    State(state): State<AppState>,
    req: Req,
    mut auth: AuthSession,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    match state.app.log_in(&form.email, &form.password, &ip).await {
        Ok(member) => {
            log_in_member(&state, &mut auth, &session, &member).await?;
            Ok(see_other(safe_next(form.next.as_deref())))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                login_page(
                    &state,
                    &req,
                    &form.email,
                    form.next.as_deref().unwrap_or(""),
                    val(errors),
                )
                .await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// POST /account/logout
pub async fn logout(mut auth: AuthSession, session: Session) -> Result<Response, WebError> {
    auth.logout()
        .await
        .map_err(|e| WebError::Internal(AppError::Other(format!("logout: {e}"))))?;
    session.flush().await.ok();
    Ok(see_other("/"))
}

/// Password-reset request form.
#[derive(Debug, Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

/// GET /account/password-reset
pub async fn new_reset(State(state): State<AppState>, req: Req) -> Result<Response, WebError> {
    page(
        &state,
        &req,
        "account/reset_request.html",
        "account.reset_title",
        context! { form => context! {}, errors => context! {}, sent => false },
    )
    .await
}

/// POST /account/password-reset
pub async fn create_reset(
    State(state): State<AppState>,
    req: Req,
    Form(form): Form<ResetRequestForm>,
) -> Result<Response, WebError> {
    match state.app.request_password_reset(&form.email).await {
        Ok(()) => page(&state, &req, "account/reset_request.html", "account.reset_title", context! { form => context! {}, errors => context! {}, sent => true }).await,
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                page(&state, &req, "account/reset_request.html", "account.reset_title", context! { form => context! { email => &form.email }, errors => val(errors), sent => false }).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// New-password form.
#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// GET /account/password-reset/{token}
pub async fn edit_reset(
    State(state): State<AppState>,
    req: Req,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let valid = state.app.reset_token_valid(&token).await?;
    page(&state, &req, "account/reset_form.html", "account.reset_title", context! {
        errors => context! {}, token_valid => valid, action_url => format!("/account/password-reset/{token}"),
    }).await
}

/// POST /account/password-reset/{token}
pub async fn update_reset(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response, WebError> {
    match state.app.reset_password(&token, &form.password, &form.password_confirm).await {
        Ok(_) => {
            flash(&session, "success", "flash.password_reset").await;
            Ok(see_other("/account/login"))
        }
        Err(AppError::Conflict(_)) => page(&state, &req, "account/reset_form.html", "account.reset_title", context! {
            errors => context! {}, token_valid => false, action_url => format!("/account/password-reset/{token}"),
        }).await,
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(page(&state, &req, "account/reset_form.html", "account.reset_title", context! {
                errors => val(errors), token_valid => true, action_url => format!("/account/password-reset/{token}"),
            }).await?, refused_status(&e))),
            None => Err(e.into()),
        },
    }
}

/// GET /account
pub async fn show_account(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
) -> Result<Response, WebError> {
    let row = state.app.active_member(m.id).await?;
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
            points_balance => row.points_balance,
            joined_at => row.created_at.to_rfc3339(),
        },
        recent_orders => val(recent),
        coupons => val(coupons),
    }).await
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
                agree_marketing => row.marketing_agreed_at.is_some() },
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
    match state.app.update_profile(m.id, &form.name, &form.mobile, checked(&form.agree_marketing)).await {
        Ok(()) => {
            flash(&session, "success", "flash.profile_saved").await;
            Ok(see_other("/account/profile"))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(page(&state, &req, "account/profile.html", "account.profile_title", context! {
                form => context! { name => &form.name, email => &m.email, mobile => &form.mobile, agree_marketing => checked(&form.agree_marketing) },
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
    RequireMember(_): RequireMember,
) -> Result<Response, WebError> {
    page(
        &state,
        &req,
        "account/password.html",
        "account.password_title",
        context! { errors => context! {} },
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
                    context! { errors => val(errors) },
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
    RequireMember(_): RequireMember,
) -> Result<Response, WebError> {
    page(
        &state,
        &req,
        "account/withdraw.html",
        "account.withdraw_title",
        context! { errors => context! {}, notes => withdraw_notes(&state, &req) },
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
                    context! { errors => val(errors), notes => withdraw_notes(&state, &req) },
                )
                .await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// Address form.
#[derive(Debug, Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    address1: String,
    #[serde(default)]
    address2: String,
    is_default: Option<String>,
}

async fn addresses_page(
    state: &AppState,
    req: &Req,
    member: i64,
    form: Option<&AddressForm>,
    errors: minijinja::Value,
) -> Result<Response, WebError> {
    let rows = state.app.addresses(member).await?;
    let list: Vec<_> = rows.iter().map(|a| context! {
        id => a.id, label => &a.label, recipient => &a.recipient, mobile => format_mobile(&a.mobile),
        postcode => &a.postcode, address1 => &a.address1, address2 => &a.address2, is_default => a.is_default,
        delete_url => format!("/account/addresses/{}/delete", a.id), default_url => format!("/account/addresses/{}/default", a.id),
    }).collect();
    let form = form.map(|f| context! { label => &f.label, recipient => &f.recipient, mobile => &f.mobile,
        postcode => &f.postcode, address1 => &f.address1, address2 => &f.address2, is_default => checked(&f.is_default) });
    page(
        state,
        req,
        "account/addresses.html",
        "account.addresses_title",
        context! {
            addresses => list, form => form.unwrap_or_else(|| context! {}), errors => errors,
        },
    )
    .await
}

/// GET /account/addresses
pub async fn list_addresses(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
) -> Result<Response, WebError> {
    addresses_page(&state, &req, m.id, None, context! {}).await
}

/// POST /account/addresses
pub async fn create_address(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    RequireMember(m): RequireMember,
    Form(form): Form<AddressForm>,
) -> Result<Response, WebError> {
    let input = AddressInput {
        label: form.label.clone(),
        recipient: form.recipient.clone(),
        mobile: form.mobile.clone(),
        postcode: form.postcode.clone(),
        address1: form.address1.clone(),
        address2: form.address2.clone(),
        is_default: checked(&form.is_default),
    };
    match state.app.add_address(m.id, &input).await {
        Ok(_) => {
            flash(&session, "success", "flash.address_saved").await;
            Ok(see_other("/account/addresses"))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                addresses_page(&state, &req, m.id, Some(&form), val(errors)).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// POST /account/addresses/{id}/delete
pub async fn delete_address(
    State(state): State<AppState>,
    session: Session,
    RequireMember(m): RequireMember,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    state.app.delete_address(m.id, id).await?;
    flash(&session, "success", "flash.address_deleted").await;
    Ok(see_other("/account/addresses"))
}

/// POST /account/addresses/{id}/default
pub async fn set_default_address(
    State(state): State<AppState>,
    RequireMember(m): RequireMember,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    state.app.set_default_address(m.id, id).await?;
    Ok(see_other("/account/addresses"))
}

/// `?m=…&t=…` of an unsubscribe link (also the confirmation form).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnsubscribeParams {
    m: i64,
    t: String,
}

/// GET /unsubscribe: asks to confirm (mail clients prefetch links, so GET changes nothing).
pub async fn show_unsubscribe(
    State(state): State<AppState>,
    req: Req,
    Query(q): Query<UnsubscribeParams>,
) -> Result<Response, WebError> {
    let valid = q.m > 0 && q.t.len() == 32 && q.t.chars().all(|c| c.is_ascii_hexdigit());
    page(
        &state,
        &req,
        "account/unsubscribe.html",
        "account.unsubscribe_title",
        context! {
            valid => valid, done => false, member_id => q.m, token => &q.t,
        },
    )
    .await
}

/// POST /unsubscribe
pub async fn create_unsubscribe(
    State(state): State<AppState>,
    req: Req,
    Form(q): Form<UnsubscribeParams>,
) -> Result<Response, WebError> {
    let done = state.app.unsubscribe(q.m, &q.t).await?;
    page(
        &state,
        &req,
        "account/unsubscribe.html",
        "account.unsubscribe_title",
        context! {
            valid => done, done => done, member_id => q.m, token => &q.t,
        },
    )
    .await
}
