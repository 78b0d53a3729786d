//! Member pages: sign-up, login/logout, password reset, my page, profile, password, withdrawal,
//! address book, points.

use crate::auth::{AuthSession, Member, safe_next};
use crate::context::Req;
use crate::device::Device;
use crate::forms::{checked, form_errors, page, refused_status, see_other, with_status};
use crate::session::{clear_guest_cart, flash, guest_cart};
use crate::state::AppState;
use crate::views::val;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::members::SignupInput;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// `?next=…`.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub(crate) next: Option<String>,
    pub(crate) page: Option<u32>,
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
            social => social_slugs(state),
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

/// The social logins offered (their URL names).
fn social_slugs(state: &AppState) -> Vec<&'static str> {
    state
        .app
        .social_providers()
        .into_iter()
        .map(|p| p.slug())
        .collect()
}

/// Logs the member into this session (a new session id: no fixation) and merges the guest cart.
pub(crate) async fn log_in_member(
    state: &AppState,
    auth: &mut AuthSession,
    session: &Session,
    row: &jangteo_app::read_models::MemberRow,
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
        context! { form => context! { email => email }, errors => errors, next => next,
        guest_checkout_url => guest_checkout, social => social_slugs(state) },
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
    device: Device,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let result = match state
        .app
        .log_in(&form.email, &form.password, &device.place)
        .await
    {
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
    };
    result.map(|response| device.remember(&state, response))
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
